"""A real `duban serve` for the browser tests: a seeded ledger, a temp config, accounts, a free port.

The server is a subprocess in its own session (so it and anything it starts are stopped together),
its output in a log file under the temp folder. Nothing it writes lands in the repository: the
config points the secret, outbox, look-back output, uploads and plans folder at the temp folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomli_w

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
PASSWORD = "correct horse battery"


def chromium_or_skip() -> str:
    """Debian's chromium and the playwright package, or a skip (a failure when they are required)."""
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        problems.append(f"the playwright package is missing ({error})")
    chosen = os.environ.get("DUBAN_CHROMIUM") or next(
        (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))),
        "/usr/bin/chromium",
    )
    if not Path(chosen).is_file():
        problems.append(f"no chromium at {chosen} (`make browser` installs Debian's)")
    if problems:
        reason = "; ".join(problems)
        if os.environ.get("DUBAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (DUBAN_REQUIRE_BROWSER=1): {reason}")
        pytest.skip(reason)
    assert chosen is not None
    return chosen


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(folder: Path) -> Path:
    """The shipped config.toml with every path the server writes to under `folder`."""
    data = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    data["database"]["path"] = str(folder / "ledger.sqlite3")
    data["plans"]["dir"] = str(folder / "plans")
    data["dashboard"]["secret_file"] = str(folder / "dashboard.secret")
    data["notify"]["outbox"] = str(folder / "outbox")
    data["lookback"]["output"] = str(folder / "lookback")
    data["schedule"]["jobstore"] = str(folder / "jobs.sqlite3")
    path = folder / "config.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def copy_plans(target: Path, *, leave_out: str) -> list[Path]:
    """A copy of plans/ without the plan whose key is `leave_out` (it is imported through the page);
    returns the copied reviewed plan files."""
    target.mkdir(parents=True)
    for source in sorted(PLANS.iterdir()):
        if source.is_file() and not source.name.startswith(f"{leave_out}."):
            shutil.copy2(source, target / source.name)
    return sorted(target.glob("*.plan.toml"))


def duban_command() -> list[str]:
    script = Path(sys.executable).parent / "duban"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from cli.main import app; app()"]


@dataclass
class LiveServer:
    url: str
    folder: Path
    env: dict[str, str]
    log: Path
    codes: dict[str, str] = field(default_factory=dict)  # task title -> code, for the seeded tasks

    def duban(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*duban_command(), *args],
            input=stdin,
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"duban {' '.join(args)}: {result.stdout}{result.stderr}"
        return result

    def add_user(self, name: str, role: str, unit: str | None = None) -> None:
        unit_args = ["--unit", unit] if unit else []
        self.duban("user", "add", name, "--role", role, *unit_args, "--password-stdin", stdin=PASSWORD + "\n")


def server_env(folder: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DUBAN_")}
    env.update(
        {
            "DUBAN_DATABASE_URL": database_url,
            "DUBAN_CONFIG": str(folder / "config.toml"),
            "PYTHONUNBUFFERED": "1",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serving(
    server: LiveServer, *, timeout: float = 90.0, attempts: int = 3, args: tuple[str, ...] = ()
) -> Iterator[LiveServer]:
    """`duban serve [args]` on a free port until /health answers; stopped (the whole session) on exit."""
    process: subprocess.Popen[bytes] | None = None
    for _ in range(attempts):
        port = free_port()
        server.url = f"http://127.0.0.1:{port}"
        with server.log.open("ab") as log:
            process = subprocess.Popen(
                [*duban_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                env=server.env,
                cwd=server.folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline and not _healthy(server.url):
            time.sleep(0.2)
        if process.poll() is None and _healthy(server.url):
            break
        _stop(process)  # it died (the port taken meanwhile?) or never answered: try another port
        process = None
    if process is None:
        tail = server.log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"duban serve did not answer /health; its log:\n{tail}")
    try:
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
