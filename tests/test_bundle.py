"""`make bundle`: one archive that installs a working `duban` on a machine with no package index.

Built once (downloading the locked wheels), unpacked into a temporary folder, installed with its
own install.sh and run (`duban --help`, `duban demo`) with the network switched off: inside a new
network namespace (`unshare -n`: no interface but a loopback that is down) where this machine
allows one, and always with pip and uv told to use no index and no configuration of this machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def offline(command: list[str]) -> list[str]:
    """The command in a network namespace of its own when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", *command]
    return command


def offline_env(home: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "TZ")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(home),  # no ~/.config/pip or uv of this machine
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
        UV_OFFLINE="1",
        # Were anything to try the network all the same: nothing listens there.
        PIP_INDEX_URL="http://127.0.0.1:9/simple",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        DO_NOT_TRACK="1",
    )
    return env


def test_the_bundle_installs_and_runs_the_demo_without_a_package_index(tmp_path: Path) -> None:
    python = shutil.which("python3")  # the interpreter `make` uses, with pip and uv (make setup)
    assert python, "python3 not on PATH"
    timings: dict[str, float] = {}

    began = time.perf_counter()
    built = subprocess.run(
        [python, str(ROOT / "deploy" / "bundle.py"), "--output", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    timings["build"] = time.perf_counter() - began
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [archive] = (tmp_path / "dist").glob("duban-*-linux-x86_64-py311.tar.gz")

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        [top] = {name.split("/")[0] for name in names}
        for needed in ("install.sh", "requirements.txt", "BUNDLE.txt", "pyproject.toml", "config.toml"):
            assert f"{top}/{needed}" in names, needed
        assert any(name.startswith(f"{top}/wheels/prefect-3.8.8-") for name in names)
        assert any(name.startswith(f"{top}/migrations/versions/") for name in names)
        assert not any("/.venv/" in name or "/var/" in name for name in names)
        tar.extractall(tmp_path / "opt", filter="data")
    folder = tmp_path / "opt" / top
    home = tmp_path / "home"
    home.mkdir()
    env = offline_env(home)

    began = time.perf_counter()
    installed = subprocess.run(
        offline(["sh", str(folder / "install.sh")]), env=env, capture_output=True, text=True, timeout=900
    )
    timings["install"] = time.perf_counter() - began
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    duban = folder / ".venv" / "bin" / "duban"

    helped = subprocess.run(
        offline([str(duban), "--help"]), env=env, capture_output=True, text=True, timeout=120
    )
    assert helped.returncode == 0 and "restore" in helped.stdout, helped.stderr

    elsewhere = tmp_path / "demo"
    elsewhere.mkdir()
    began = time.perf_counter()
    demo = subprocess.run(
        offline([str(duban), "demo", "--quiet", "--plans-dir", str(folder / "plans")]),
        env=env,
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=600,
    )
    timings["demo"] = time.perf_counter() - began
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "== 各项输出的位置" in demo.stdout
    assert (elsewhere / "var" / "demo" / "ledger.sqlite3").is_file()
    assert list((elsewhere / "var" / "demo" / "lookback").glob("*.docx"))
    print(
        f"bundle {archive.stat().st_size / 1e6:.1f} MB, {len(list((folder / 'wheels').iterdir()))} wheels; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        + f"; network namespace: {offline(['x'])[0] != 'x'}"
    )
