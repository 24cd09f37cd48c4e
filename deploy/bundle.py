"""`make bundle`: one archive that installs Duban on a machine with no package index.

    python3 deploy/bundle.py [--output dist]

Run on Linux x86_64 with Python 3.11, with the package index reachable (it downloads the wheels).
The archive, `dist/duban-<version>-<commit>-linux-x86_64-py311.tar.gz`, holds one folder with
- the project as committed (`git ls-files`: code, config.toml, plans/, migrations/, deploy/, docs/),
- `wheels/`: every package of uv.lock (without the dev group) as a wheel for Linux x86_64 and
  CPython 3.11, each checked against the lock's SHA-256, plus pip and setuptools (to install the
  project itself, and pip where the system's venv module lacks it),
- `requirements.txt`: the lock's packages with their hashes (`uv export`),
- `install.sh`: creates `.venv` in that folder and installs from `wheels/` only (no index),
- `BUNDLE.txt`: what went in (versions, commit, sizes).

Both branches of a lock entry that depends on the Python patch version are downloaded (soupsieve
differs below and above 3.11.5; Debian 12 ships 3.11.2), so one bundle serves every 3.11.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# To install the project (its build backend, pyproject.toml's build-system) and pip itself. Not in
# uv.lock, which locks what the project runs on; pinned here.
TOOLS = ["pip==25.2", "setuptools==80.9.0"]
# pip and uv live beside the interpreter `make` uses, not in the project's .venv (uv makes it without
# pip): run from inside the venv (`uv run`, the tests), the base interpreter is the one that has them.
PYTHON = getattr(sys, "_base_executable", None) or sys.executable


def uv() -> list[str]:
    """uv as a command: on PATH (pip --user puts it in ~/.local/bin), else the base interpreter's module."""
    found = shutil.which("uv")
    return [found] if found else [PYTHON, "-m", "uv"]


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(args, check=True, text=True, **kwargs)


def pip_env() -> dict[str, str]:
    """pip with the package index only: no local find-links or extra indexes of this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def requirements(folder: Path) -> Path:
    """uv.lock's packages (no dev group, not the project) with hashes, as requirements.txt."""
    target = folder / "requirements.txt"
    run(
        *uv(), "export", "--frozen", "--no-dev", "--no-emit-project",
        "--format", "requirements-txt", "--output-file", str(target), "--quiet",
        cwd=ROOT,
    )  # fmt: skip
    return target


def other_branches(requirements_txt: Path, folder: Path) -> Path | None:
    """The lock's entries whose marker is false for this interpreter (another 3.11 patch version),
    as requirements without their marker, so that their wheels are downloaded too."""
    text = requirements_txt.read_text(encoding="utf-8")
    entries = re.findall(
        r"^([A-Za-z0-9_.-]+==[^\s;]+) ; ([^\\\n]+?)\s*\\\n((?:\s+--hash=\S+(?: \\)?\n)+)", text, re.M
    )
    here = tuple(int(part) for part in platform.python_version_tuple())
    checks = {"<": tuple.__lt__, "<=": tuple.__le__, ">": tuple.__gt__, ">=": tuple.__ge__}
    wanted = []
    for requirement, marker, hashes in entries:
        found = re.fullmatch(r"python_full_version (<|<=|>|>=) '(3\.11\.\d+)'", marker.strip())
        if found and not checks[found[1]](here, tuple(int(part) for part in found[2].split("."))):
            wanted.append(f"{requirement} \\\n{hashes}")
    if not wanted:
        return None
    path = folder / "other-branches.txt"
    path.write_text("".join(wanted), encoding="utf-8")
    return path


def download(requirements_txt: Path, wheels: Path, extra: Path | None) -> None:
    pip = [
        PYTHON,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--only-binary=:all:",
        "--no-deps",
        "--dest",
        str(wheels),
    ]
    run(*pip, "--require-hashes", "-r", str(requirements_txt), env=pip_env())
    if extra is not None:
        run(*pip, "--require-hashes", "-r", str(extra), env=pip_env())
    run(*pip, *TOOLS, env=pip_env())


def project_files() -> list[str]:
    """The committed files of the project (what a clone would hold)."""
    try:
        listed = run("git", "ls-files", "-z", cwd=ROOT, capture_output=True).stdout
        return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]
    except (OSError, subprocess.CalledProcessError):  # an unpacked bundle: everything but what it made
        skip = {".venv", "wheels", "var", "dist", ".git", "__pycache__", ".pytest_cache", ".ruff_cache"}
        return sorted(
            str(path.relative_to(ROOT))
            for path in ROOT.rglob("*")
            if path.is_file() and not skip & set(path.relative_to(ROOT).parts)
        )


def commit() -> str:
    try:
        return run("git", "rev-parse", "--short", "HEAD", cwd=ROOT, capture_output=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "nogit"


def build(output: Path) -> Path:
    if (platform.system(), platform.machine()) != ("Linux", "x86_64") or sys.version_info[:2] != (3, 11):
        raise SystemExit("build the bundle on Linux x86_64 with Python 3.11: it holds wheels for that pair")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    name = f"duban-{version}-{commit()}-linux-x86_64-py311"
    with tempfile.TemporaryDirectory(prefix="duban-bundle-") as scratch:
        stage = Path(scratch) / name
        stage.mkdir()
        for relative in project_files():
            target = stage / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / relative, target)
        wanted = requirements(stage)
        wheels = stage / "wheels"
        wheels.mkdir()
        download(wanted, wheels, other_branches(wanted, Path(scratch)))
        shutil.copy2(ROOT / "deploy" / "install.sh", stage / "install.sh")
        (stage / "install.sh").chmod(0o755)
        manifest = [
            f"Duban {version} (commit {commit()}), built {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            f"for Linux x86_64, CPython 3.11 (built with {platform.python_version()})",
            "install: ./install.sh   (then .venv/bin/duban --help; docs/部署指南.md)",
            "",
            "wheels (sha256):",
        ]
        for wheel in sorted(wheels.iterdir()):
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            manifest.append(f"  {wheel.name}  {digest}")
        (stage / "BUNDLE.txt").write_text("\n".join(manifest) + "\n", encoding="utf-8")
        output.mkdir(parents=True, exist_ok=True)
        archive = output / f"{name}.tar.gz"
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(stage, arcname=name)
        partial.replace(archive)
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "dist", help="folder for the archive")
    archive = build(parser.parse_args().output)
    print(f"{archive} ({archive.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
