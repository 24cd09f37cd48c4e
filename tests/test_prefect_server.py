"""The multi-machine setup end to end: a real Prefect server, `duban deploy`, a process worker.

One module-scoped setup (about 30-40 s on this machine): a Prefect server on 127.0.0.1 and a free
port, its database a PostgreSQL database of its own (SQLite under a temporary PREFECT_HOME where no
PostgreSQL answers); a seeded ledger (a PostgreSQL schema of its own, or a SQLite file); `duban
deploy`; a process worker started *without* DUBAN_CONFIG / DUBAN_DATABASE_URL and in another folder,
so the run can only find config.toml and the ledger through what the deployment carries.
Every process is started in a session of its own and its whole group is killed in teardown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer
from sqlalchemy import create_engine, func, text
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models.storage.db import open_ledger
from models.storage.tables import Notice

ROOT = Path(__file__).resolve().parent.parent
PREFECT = Path(sys.executable).with_name("prefect")
POSTGRES = os.environ.get("DUBAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RUN_TIMEOUT = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_answers() -> bool:
    engine = create_engine(POSTGRES)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:
        if os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1":
            raise
        return False
    finally:
        engine.dispose()


def base_env(home: Path) -> dict[str, str]:
    """This environment without any Duban or Prefect setting, offline, with its own PREFECT_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DUBAN_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(home))
    return env


def start(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(
            args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL after 15 s: nothing outlives the test."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def api(url: str, path: str, body: dict | None = None) -> Any:
    """One call to the Prefect REST API. Filters name every field: the client's own filter calls
    send explicit nulls, which FastAPI >= 0.151 refuses with 422 (see docs/prefect-server.md)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    request = urllib.request.Request(
        f"{url}{path}", data=data, method="GET" if data is None else "POST", headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            api(url, "/health")
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"prefect server not healthy after {timeout} s:\n{log.read_text()[-3000:]}")


def deploy_app() -> typer.Typer:
    """An app with `duban deploy` registered, as cli/main.py does (a group, so the name is needed)."""
    from cli import deploy_cmds

    app = typer.Typer()
    app.callback()(lambda: None)
    deploy_cmds.register(app)
    return app


def write_config(folder: Path) -> Path:
    """config.toml as shipped, with the outbox and the look-back output moved under `folder`; sends
    not retried, a dead sender's claim expiring after 5 s, a silent run a zombie after 45 s."""
    text_ = (ROOT / "config.toml").read_text(encoding="utf-8")
    for key, value in (("outbox", "outbox"), ("output", "lookback"), ("jobstore", "jobs.sqlite3")):
        old = next(line for line in text_.splitlines() if line.startswith(f"{key} = "))
        text_ = text_.replace(old, f"{key} = {json.dumps(str(folder / value))}")
    for old, new in (
        ("retry_delay_seconds = 2.0", "retry_delay_seconds = 0.0"),
        ("claim_seconds = 600", "claim_seconds = 5"),
        ("zombie_after_seconds = 120", "zombie_after_seconds = 45"),
    ):
        assert old in text_, old
        text_ = text_.replace(old, new)
    path = folder / "config.toml"
    path.write_text(text_, encoding="utf-8")
    return path


@dataclass
class Setup:
    api_url: str
    ledger_url: str
    folder: Path
    deploy_output: str
    timings: dict[str, float]
    worker: subprocess.Popen[bytes]
    start_worker: Any  # () -> a new worker process (stopped in teardown)


@pytest.fixture(scope="module")
def prefect_setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    from cli import context
    from workflows.ingest import import_paths

    folder = tmp_path_factory.mktemp("prefect-server")
    home = folder / "prefect-home"
    home.mkdir()
    timings: dict[str, float] = {}
    processes: list[subprocess.Popen[bytes]] = []
    cleanups = []
    try:
        # Databases: Prefect's own and the ledger's, each made for this test. The server schedules
        # runs up to 400 days ahead (default 100): the yearly look-back always gets its next run.
        server_env = base_env(home) | {"PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME": "P400D"}
        if postgres_answers():
            admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
            suffix = uuid.uuid4().hex[:10]
            database, schema = f"duban_prefect_{suffix}", f"duban_test_{suffix}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))

            def drop() -> None:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                admin.dispose()

            cleanups.append(drop)
            server_env["PREFECT_API_DATABASE_CONNECTION_URL"] = (
                f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
            )
            ledger_url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
        else:
            ledger_url = f"sqlite:///{folder / 'ledger.sqlite3'}"
        engine = open_ledger(ledger_url)
        import_paths(
            engine, sorted((ROOT / "plans").glob("*.plan.toml")), actor="office", max_bytes=20_000_000
        )
        engine.dispose()
        config = write_config(folder)

        port = free_port()
        api_url = f"http://127.0.0.1:{port}/api"
        server_log = folder / "server.log"
        processes.append(
            start(
                [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
                server_env,
                server_log,
                folder,
            )
        )
        timings["server start"] = wait_healthy(api_url, processes[0], server_log)

        # `duban deploy`, in this process, from the settings of the deploying machine.
        app = deploy_app()
        mp = pytest.MonkeyPatch()
        cleanups.append(mp.undo)
        mp.setenv("DUBAN_CONFIG", str(config))
        mp.setenv("DUBAN_DATABASE_URL", ledger_url)
        context.settings.cache_clear()
        cleanups.append(context.settings.cache_clear)
        began = time.perf_counter()
        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_HOME: str(home)}):
            result = CliRunner().invoke(app, ["deploy"])
        timings["duban deploy"] = time.perf_counter() - began
        assert result.exit_code == 0, result.output

        # The worker knows the server and nothing of Duban; it polls every second, not every 10 s.
        worker_env = base_env(home) | {"PREFECT_API_URL": api_url, "PREFECT_WORKER_QUERY_SECONDS": "1"}
        elsewhere = folder / "worker-cwd"
        elsewhere.mkdir()

        def start_worker() -> subprocess.Popen[bytes]:
            log = folder / ("worker.log" if not processes[1:] else f"worker-{len(processes)}.log")
            processes.append(
                start(
                    [str(PREFECT), "worker", "start", "--pool", "duban", "--type", "process"],
                    worker_env,
                    log,
                    elsewhere,
                )
            )
            return processes[-1]

        worker = start_worker()
        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_HOME: str(home)}):
            yield Setup(api_url, ledger_url, folder, result.output, timings, worker, start_worker)
    finally:
        for process in reversed(processes):
            stop(process)
        for cleanup in reversed(cleanups):
            cleanup()
        print("timings:", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


def test_deploy_prints_each_deployment_its_cron_and_the_worker_command(prefect_setup: Setup) -> None:
    out = prefect_setup.deploy_output
    for line in ("duban-escalate/scheduled     0 8 * * *", "duban-digest/scheduled       0 9 * * mon"):
        assert line in out
    assert "duban-lookback/scheduled     0 9 30 11 *" in out
    assert "prefect worker start --pool duban" in out
    assert "Asia/Shanghai" in out


def test_a_deployment_run_on_a_process_worker_writes_the_weeks_digests(prefect_setup: Setup) -> None:
    from prefect.deployments import run_deployment

    began = time.perf_counter()
    run = run_deployment("duban-digest/scheduled", parameters={"as_of": "2021-06-07"}, timeout=0)
    seen: dict[str, float] = {}
    state = "SCHEDULED"
    while time.perf_counter() - began < RUN_TIMEOUT:
        state = api(prefect_setup.api_url, f"/flow_runs/{run.id}")["state_type"]
        seen.setdefault(state, time.perf_counter() - began)
        if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            break
        time.sleep(0.25)
    prefect_setup.timings["worker pickup (to Pending)"] = seen.get("PENDING", float("nan"))
    prefect_setup.timings["run to Completed"] = seen.get(state, float("nan"))
    logs = (prefect_setup.folder / "worker.log").read_text()
    assert state == "COMPLETED", logs[-4000:]

    engine = open_ledger(prefect_setup.ledger_url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(Notice).where(Notice.kind == "digest")).all()
            unsent = session.exec(
                select(func.count()).select_from(Notice).where(col(Notice.sent_at).is_(None))
            ).one()
    finally:
        engine.dispose()
    assert rows and {n.period for n in rows} == {"2021-W23"}
    assert unsent == 0
    assert "office" in {n.recipient for n in rows}
    assert (prefect_setup.folder / "outbox" / "digest" / "2021-W23" / "office.md").is_file()


def test_the_server_schedules_runs_on_the_configured_cron_and_time_zone(prefect_setup: Setup) -> None:
    """escalate 08:00 daily, digest Monday 09:00, look-back 30 November 09:00, Beijing time."""
    deployments = api(prefect_setup.api_url, "/deployments/filter", {"limit": 10, "offset": 0})
    names = {d["id"]: d["name"] for d in deployments}
    flows = {d["id"]: d["flow_id"] for d in deployments}
    flow_names = {f["id"]: f["name"] for f in api(prefect_setup.api_url, "/flows/filter", {"limit": 10})}
    assert set(names.values()) == {"scheduled"}
    body = {"limit": 100, "offset": 0, "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}}
    runs: list[dict] = []
    deadline = time.perf_counter() + 30  # the scheduler service picks new deployments up within seconds
    while time.perf_counter() < deadline:
        runs = [r for r in api(prefect_setup.api_url, "/flow_runs/filter", body) if r["auto_scheduled"]]
        if {r["deployment_id"] for r in runs} == set(names):
            break
        time.sleep(1)
    log = (prefect_setup.folder / "server.log").read_text()
    assert {r["deployment_id"] for r in runs} == set(names), (
        "the server scheduled no runs for some deployments; with SQLAlchemy 2.1 Prefect 3.8's "
        "scheduler fails ('Can't evaluate bulk DML statement'): pin sqlalchemy<2.1\n" + log[-2000:]
    )
    beijing = ZoneInfo("Asia/Shanghai")
    for run in runs:
        flow = flow_names[flows[run["deployment_id"]]]
        when = dt.datetime.fromisoformat(run["expected_start_time"]).astimezone(beijing)
        expected = {
            "duban-escalate": (8, when.weekday(), when.day, when.month),
            "duban-digest": (9, 0, when.day, when.month),  # Monday
            "duban-lookback": (9, when.weekday(), 30, 11),
        }[flow]
        assert (when.hour, when.weekday(), when.day, when.month) == expected, (flow, when)
        assert when.minute == 0


def test_deploy_refuses_without_a_prefect_server_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from cli import context

    app = deploy_app()
    monkeypatch.setenv("DUBAN_CONFIG", str(write_config(tmp_path)))
    context.settings.cache_clear()
    try:
        with temporary_settings(restore_defaults={PREFECT_API_URL}):
            result = CliRunner().invoke(app, ["deploy"])
    finally:
        context.settings.cache_clear()
    assert result.exit_code == 2
    assert "错误：PREFECT_API_URL: 未设置" in result.output and "prefect server start" in result.output


@pytest.mark.parametrize(
    ("args", "config_line", "message"),
    [
        (["--flow", "ingest"], None, "未知的流程 ingest"),
        ([], 'digest = "0 9 * * 1"', "请用星期名称"),
    ],
)
def test_deploy_refuses_what_it_cannot_deploy_faithfully(
    args: list[str], config_line: str | None, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cli import context

    config = write_config(tmp_path)
    if config_line:
        config.write_text(config.read_text().replace('digest = "0 9 * * mon"', config_line))
    app = deploy_app()
    monkeypatch.setenv("DUBAN_CONFIG", str(config))
    context.settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["deploy", *args])
    finally:
        context.settings.cache_clear()
    assert result.exit_code == 2 and message in result.output, result.output


def test_the_deploy_command_module_does_not_import_prefect() -> None:
    code = "import sys, cli.deploy_cmds, workflows.deploy; sys.exit('prefect' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


# ---- Hardening: one run per deployment, worker deaths, lost machines ---------------------------

TERMINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


def trigger(deployment: str, as_of: str) -> str:
    from prefect.deployments import run_deployment

    return str(run_deployment(deployment, parameters={"as_of": as_of}, timeout=0).id)


def watch(url: str, run_ids: list[str], until: tuple[str, ...] = TERMINAL, timeout: float = RUN_TIMEOUT):
    """Poll the runs until each is in one of `until`; return their final states and every
    (time, {run: state name}) seen on the way."""
    seen: list[tuple[float, dict[str, str]]] = []
    began = time.perf_counter()
    states: dict[str, dict] = {}
    while time.perf_counter() - began < timeout:
        states = {run: api(url, f"/flow_runs/{run}") for run in run_ids}
        seen.append((time.perf_counter() - began, {run: s["state_name"] for run, s in states.items()}))
        if all(s["state_type"] in until for s in states.values()):
            break
        time.sleep(0.25)
    return {run: s["state_type"] for run, s in states.items()}, seen


class SlowPeer:
    """An HTTP peer on loopback that answers every request after `delay` seconds (apprise's json://
    waits 4 s for an answer): a send in progress for long enough to kill something meanwhile."""

    def __init__(self, delay: float) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from peers import HttpPeer, _handler

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
                pass  # a flow process killed mid-request leaves a broken pipe: expected here

        self.server = Quiet(("127.0.0.1", 0), BaseHTTPRequestHandler)
        self.peer = HttpPeer(port=self.server.server_address[1], delay=delay)
        self.server.RequestHandlerClass = _handler(self.peer)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def wait_for_request(self, timeout: float = RUN_TIMEOUT) -> None:
        deadline = time.perf_counter() + timeout
        while not self.peer.received() and time.perf_counter() < deadline:
            time.sleep(0.1)
        assert self.peer.received(), "the run never reached the slow channel"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def channels(ledger_url: str, unit: str, urls: list[str]) -> None:
    from workflow_ledger import set_channels

    engine = open_ledger(ledger_url)
    try:
        set_channels(engine, unit, urls)
    finally:
        engine.dispose()


def notices_of(ledger_url: str, period: str) -> tuple[int, int]:
    """(notices of the week, of which sent)."""
    engine = open_ledger(ledger_url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(Notice).where(Notice.period == period)).all()
    finally:
        engine.dispose()
    return len(rows), sum(1 for n in rows if n.sent_at is not None)


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc), children first found first."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def test_the_deployments_carry_the_hardening(prefect_setup: Setup) -> None:
    url = prefect_setup.api_url
    deployments = api(url, "/deployments/filter", {"limit": 10, "offset": 0})
    assert len(deployments) == 3
    for deployment in deployments:
        variables = deployment["job_variables"]
        assert variables["stream_output"] is False
        assert variables["env"]["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] == "30"
        assert variables["env"]["DUBAN_SHARED_MARK"]
        assert deployment["global_concurrency_limit"]["limit"] == 1
        assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE"
        assert deployment["tags"] == ["duban"]
    [zombie] = [
        a
        for a in api(url, "/automations/filter", {"limit": 50, "offset": 0})
        if a["name"] == "duban: crash silent runs"
    ]
    assert zombie["trigger"]["posture"] == "Proactive" and zombie["trigger"]["within"] == 45.0
    assert zombie["trigger"]["after"] == ["prefect.flow-run.heartbeat"]
    assert [(a["type"], a["state"]) for a in zombie["actions"]] == [("change-flow-run-state", "CRASHED")]
    mark = deployments[0]["job_variables"]["env"]["DUBAN_SHARED_MARK"]
    for folder in ("outbox", "lookback"):
        assert (prefect_setup.folder / folder / ".duban-shared").read_text().strip() == mark
    out = prefect_setup.deploy_output
    assert "45 秒无心跳即由自动化“duban: crash silent runs”标记为 Crashed" in out
    assert "duban scheduler 将拒绝启动" in out


def test_two_runs_of_one_deployment_run_one_after_the_other(prefect_setup: Setup) -> None:
    url = prefect_setup.api_url
    first, second = (
        trigger("duban-digest/scheduled", "2021-06-14"),
        trigger("duban-digest/scheduled", "2021-06-21"),
    )
    states, seen = watch(url, [first, second])
    assert states == {first: "COMPLETED", second: "COMPLETED"}, seen[-1]
    assert not any(list(names.values()) == ["Running", "Running"] for _, names in seen)
    assert any("AwaitingConcurrencySlot" in names.values() for _, names in seen), seen
    assert notices_of(prefect_setup.ledger_url, "2021-W25")[0] > 0


def test_a_worker_killed_mid_run_leaves_its_run_to_finish(prefect_setup: Setup) -> None:
    """stream_output=false: the flow-run process does not write through the worker, so it lives on."""
    peer = SlowPeer(delay=3.0)
    channels(prefect_setup.ledger_url, "办公室", [peer.peer.json_url()])
    try:
        run = trigger("duban-digest/scheduled", "2021-11-29")
        peer.wait_for_request()  # the flow is sending to the slow channel now
        os.killpg(prefect_setup.worker.pid, signal.SIGKILL)
        prefect_setup.worker.wait(10)
        states, seen = watch(prefect_setup.api_url, [run])
        assert states[run] == "COMPLETED", seen[-3:]
        total, sent = notices_of(prefect_setup.ledger_url, "2021-W48")
        assert total > 0 and sent == total
        assert len(peer.peer.received()) == 1  # sent once
    finally:
        channels(prefect_setup.ledger_url, "办公室", [])
        peer.close()
        prefect_setup.worker = prefect_setup.start_worker()


def test_a_run_whose_machine_is_lost_is_marked_crashed_and_the_next_run_sends_the_rest(
    prefect_setup: Setup,
) -> None:
    url = prefect_setup.api_url
    peer = SlowPeer(delay=3.0)
    channels(prefect_setup.ledger_url, "办公室", [peer.peer.json_url()])
    try:
        run = trigger("duban-digest/scheduled", "2021-12-06")
        peer.wait_for_request()
        # The machine is gone: the worker and the flow-run process (a session of its own) die at once.
        for pid in [*descendants(prefect_setup.worker.pid), prefect_setup.worker.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        prefect_setup.worker.wait(10)
        killed = time.perf_counter()
        time.sleep(10)
        assert api(url, f"/flow_runs/{run}")["state_type"] == "RUNNING"  # nothing else tells Prefect
        states, seen = watch(url, [run], until=("CRASHED",), timeout=150)
        assert states[run] == "CRASHED", seen[-3:]
        prefect_setup.timings["lost run marked Crashed after"] = time.perf_counter() - killed
        message = api(url, f"/flow_runs/{run}")["state"]["message"]
        assert "秒未收到该运行的心跳" in message
        total, sent = notices_of(prefect_setup.ledger_url, "2021-W49")
        assert sent < total  # the run died half-way

        # Recovery: a worker again, and the same job run again (the next scheduled run would do it).
        prefect_setup.worker = prefect_setup.start_worker()
        again = trigger("duban-digest/scheduled", "2021-12-06")
        states, seen = watch(url, [again])
        assert states[again] == "COMPLETED", seen[-3:]
        assert notices_of(prefect_setup.ledger_url, "2021-W49") == (total, total)
        # The notice in hand when the machine died was sent again once its claim expired: at most
        # that one notice twice, never the others.
        assert len(peer.peer.received()) == 2
    finally:
        channels(prefect_setup.ledger_url, "办公室", [])
        peer.close()
