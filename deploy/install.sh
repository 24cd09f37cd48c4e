#!/bin/sh
# 离线安装 Duban（督办）：在本目录建立 .venv，只从 wheels/ 安装（不访问任何软件源）。
# 用法：./install.sh            （默认用 python3.11；也可 PYTHON=/usr/local/bin/python3.11 ./install.sh）
# Offline install: a .venv in this folder, packages from wheels/ only (hash-checked against uv.lock).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "错误：此安装包只适用于 Linux x86_64（本机为 $(uname -s)-$(uname -m)）" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
    echo "错误：需要 Python 3.11（$PYTHON 不是）；可用 PYTHON=/path/to/python3.11 ./install.sh 指定" >&2
    exit 1
fi

# pip sees no index and no configuration of this machine: only the bundle's wheels.
export PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS="$HERE/wheels" PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL 2>/dev/null || true

if [ ! -x "$HERE/.venv/bin/python" ]; then
    echo "建立虚拟环境 $HERE/.venv"
    if ! "$PYTHON" -m venv "$HERE/.venv" >/dev/null 2>&1; then
        # Debian/Ubuntu without python3.11-venv: a venv without pip, then pip from its own wheel.
        rm -rf "$HERE/.venv"
        "$PYTHON" -m venv --without-pip "$HERE/.venv"
        set -- "$HERE"/wheels/pip-*.whl
        "$HERE/.venv/bin/python" "$1/pip" install --quiet --no-index --find-links "$HERE/wheels" pip
    fi
fi
VENV_PY="$HERE/.venv/bin/python"
echo "安装依赖（$(ls "$HERE/wheels" | wc -l) 个安装包，已按 uv.lock 校验哈希）"
"$VENV_PY" -m pip install --quiet --no-index --find-links "$HERE/wheels" --require-hashes -r "$HERE/requirements.txt"
echo "安装 Duban 本身（可编辑安装：程序即本目录）"
"$VENV_PY" -m pip install --quiet --no-index --find-links "$HERE/wheels" --no-deps -e "$HERE"
"$HERE/.venv/bin/duban" --help >/dev/null
echo "完成：$HERE/.venv/bin/duban（试运行：cd /tmp && $HERE/.venv/bin/duban demo --plans-dir $HERE/plans）"
