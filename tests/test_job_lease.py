"""One runner of the scheduled jobs per ledger (models.writes.lease): two `duban scheduler` processes never
both run, the scheduler refuses to start while the Prefect deployments own the ledger, a scheduler
that lost its lease fires nothing and stops; on SQLite and PostgreSQL.

The schedulers here are real `duban scheduler` processes (their output read line by line), stopped
with SIGTERM as systemd stops them.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from workflow_ledger import settings_for, write_config

from models.reads import lease as read_lease
from models.storage.db import write_session
from models.storage.tables import JobLease, utcnow
from models.writes import lease
from workflows import scheduler

DUBAN = Path(sys.executable).with_name("duban")


class Scheduler:
    """A `duban scheduler` subprocess whose output is read as it comes."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [str(DUBAN), "scheduler", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if text in line:
                    return line
            if self.process.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} in {self.lines}")

    def stop(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(5)
        finally:
            self.reader.join(5)


@pytest.fixture
def env(engine: Engine, ledger_url: str, tmp_path: Path) -> dict[str, str]:
    """A `duban` subprocess's environment: the test ledger, a config with everything under tmp_path."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "PREFECT_"))}
    return base | {"DUBAN_DATABASE_URL": ledger_url, "DUBAN_CONFIG": str(write_config(tmp_path))}


@pytest.fixture
def started() -> Iterator[list[Scheduler]]:
    running: list[Scheduler] = []
    yield running
    for process in running:
        process.stop()


def test_a_second_scheduler_is_refused_while_the_first_runs(
    env: dict[str, str], started: list[Scheduler], engine: Engine
) -> None:
    first = Scheduler(env)
    started.append(first)
    first.wait_for("调度器已启动")
    held = read_lease.holder(engine)
    assert held is not None and held.holder == "scheduler" and held.pid == str(first.process.pid)

    second = subprocess.run([str(DUBAN), "scheduler"], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 4, second.stdout + second.stderr
    [line] = second.stderr.strip().splitlines()
    assert line.startswith("错误：另一个 duban scheduler 正在运行（主机 ")
    assert f"进程 {first.process.pid}" in line

    assert first.stop() == 0  # SIGTERM: stops, and hands the lease back
    assert "调度器已停止" in first.lines
    assert read_lease.holder(engine) is None
    again = Scheduler(env)
    started.append(again)
    again.wait_for("调度器已启动")


def test_the_scheduler_prints_the_ledger_without_its_password(
    env: dict[str, str], started: list[Scheduler], ledger_url: str
) -> None:
    if not ledger_url.startswith("postgresql"):
        pytest.skip("a SQLite URL holds no password")
    # The server trusts 127.0.0.1, so the password is never checked: only shown, or not.
    secret = ledger_url.replace("postgres@", "postgres:s3cret-pw@", 1)
    process = Scheduler(env | {"DUBAN_DATABASE_URL": secret})
    started.append(process)
    line = process.wait_for("调度器已启动")
    assert "postgres:***@127.0.0.1" in line
    process.stop()
    assert not any("s3cret" in line for line in process.lines)


def test_the_scheduler_refuses_to_start_while_the_deployments_own_the_ledger(
    env: dict[str, str], started: list[Scheduler], engine: Engine
) -> None:
    lease.take(engine, kind=lease.PREFECT, owner="http://127.0.0.1:4200/api")
    refused = subprocess.run([str(DUBAN), "scheduler"], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 4
    [line] = refused.stderr.strip().splitlines()
    assert "台账的定时任务由 Prefect 部署运行（duban deploy，http://127.0.0.1:4200/api，自 " in line
    assert "duban scheduler --take-over" in line

    listing = subprocess.run(
        [str(DUBAN), "scheduler", "--list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert "定时任务租约：prefect（http://127.0.0.1:4200/api），直至交回" in listing.stdout

    taken = Scheduler(env, "--take-over")
    started.append(taken)
    taken.wait_for("调度器已启动")
    held = read_lease.holder(engine)
    assert held is not None and held.holder == "scheduler"
    # … and now a deployment's flow run would be refused (tests/test_flows.py runs one).
    with pytest.raises(lease.LeaseHeld, match="本次 Prefect 运行不执行"):
        lease.take(engine, kind=lease.PREFECT, owner="http://127.0.0.1:4200/api")


def test_a_scheduler_that_lost_its_lease_fires_nothing_and_stops(
    engine: Engine, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path, ledger_url)
    ran: list[str] = []
    monkeypatch.setattr("workflows.scheduler.run_job", lambda name, **_: ran.append(name))
    stop = threading.Event()
    lines: list[str] = []
    runner = threading.Thread(
        target=scheduler.run,
        args=(settings,),
        kwargs={"stop": stop, "report": lines.append, "lease_seconds": 3600},
    )
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while read_lease.holder(engine) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        # The process stalled past its lease and another scheduler took the jobs over.
        with write_session(engine) as session:
            session.execute(
                update(JobLease).values(owner="elsewhere:1:abcd", expires_at=utcnow() + dt.timedelta(hours=1))
            )
        scheduler.run_scheduled("digest")  # what the job store calls when the digest falls due
        assert ran == []
        runner.join(timeout=20)
        assert not runner.is_alive()  # it stopped by itself
        assert scheduler.LEASE_LOST in lines
    finally:
        stop.set()
        runner.join(timeout=20)
    held = read_lease.holder(engine)
    assert held is not None and held.owner == "elsewhere:1:abcd"  # the new holder's lease is left alone


def test_racing_takers_one_wins(engine: Engine) -> None:
    barrier = threading.Barrier(4)
    won: list[str] = []
    refused: list[str] = []

    def take(owner: str) -> None:
        barrier.wait()
        try:
            lease.take(engine, kind=lease.SCHEDULER, owner=owner, seconds=60)
            won.append(owner)
        except lease.LeaseHeld:
            refused.append(owner)

    threads = [threading.Thread(target=take, args=(f"host{i}:{i}:x",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(won) == 1 and len(refused) == 3
    # An expired lease is anyone's; a live one only its owner's.
    later = utcnow() + dt.timedelta(seconds=61)
    lease.take(engine, kind=lease.SCHEDULER, owner="other:2:y", seconds=60, now=later)
    assert not lease.renew(engine, won[0], seconds=60)
