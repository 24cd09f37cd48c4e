"""The Prefect flows' wiring, through Prefect's test harness, against a seeded SQLite ledger.

The job logic is tested by plain calls elsewhere (test_escalate, test_digest…); these pin what the
flows add: the tasks find the ledger and config.toml through DUBAN_DATABASE_URL / DUBAN_CONFIG (as a
worker's flow-run process does), return what they did, and a rerun sends nothing twice.

The harness starts one Prefect API server in a subprocess for the whole module (~10 s): keep the
flow tests here, and do not run this module under pytest-xdist.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from models.storage.tables import Escalation, Notice

ROOT = Path(__file__).resolve().parent.parent

# One backend is enough here: the flows only hand the URL on; the jobs run on both elsewhere.
pytestmark = pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def harness() -> Iterator[float]:
    """A Prefect test server for the module; yields how long it took to start (seconds)."""
    with tempfile.TemporaryDirectory(prefix="duban-prefect-") as home, pytest.MonkeyPatch.context() as mp:
        # Offline, and nothing written under ~/.prefect: set before the server subprocess starts
        # (it inherits the environment) and, for this process, through temporary_settings.
        mp.setenv("DO_NOT_TRACK", "1")
        mp.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        mp.setenv("PREFECT_HOME", home)
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_HOME, temporary_settings
        from prefect.testing.utilities import prefect_test_harness

        started = time.perf_counter()
        # The heartbeat thread adds ~1 s to every sync flow (docs/design.md); the flows need none here.
        with (
            temporary_settings(updates={PREFECT_HOME: home, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
            prefect_test_harness(server_startup_timeout=60),
        ):
            yield time.perf_counter() - started


def write_config(folder: Path) -> Path:
    """config.toml as shipped, with the outbox and the look-back output moved under `folder`."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    moved = {
        'outbox = "var/outbox"': f"outbox = {json.dumps(str(folder / 'outbox'))}",
        'output = "var/lookback"': f"output = {json.dumps(str(folder / 'lookback'))}",
        'jobstore = "var/scheduler.sqlite3"': f"jobstore = {json.dumps(str(folder / 'jobs.sqlite3'))}",
    }
    for old, new in moved.items():
        assert text.count(old) == 1, f"config.toml no longer has {old!r}"
        text = text.replace(old, new)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def flow_ledger(
    harness: float, ledger: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """The seeded ledger, and the environment a flow-run process gets from its deployment."""
    monkeypatch.setenv("DUBAN_CONFIG", str(write_config(tmp_path)))
    assert os.environ["DUBAN_DATABASE_URL"].startswith("sqlite:///")  # set by the `ledger` fixture
    yield ledger


def counts(engine: Engine, kind: str) -> tuple[int, int]:
    """(notices of this kind, of which sent)."""
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(Notice).where(Notice.kind == kind)).one()
        sent = session.exec(
            select(func.count())
            .select_from(Notice)
            .where(Notice.kind == kind, col(Notice.sent_at).is_not(None))
        ).one()
    return total, sent


def escalations(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Escalation)).one()


def test_escalate_flow_raises_and_sends_once(flow_ledger: Engine, tmp_path: Path) -> None:
    from workflows.flows import escalate_flow

    as_of = dt.date(2021, 12, 1)
    result = escalate_flow(as_of=as_of)
    lines = result.lines
    assert result.raised and result.sent is not None and result.failed == 0  # typed, not only text

    raised = escalations(flow_ledger)
    total, sent = counts(flow_ledger, "escalation")
    assert raised > 0 and total > 0
    assert sent == total, lines
    assert any(line.startswith("2021-12-01：已发出 ") for line in lines)
    assert any(line.startswith(f"已写入发件箱 {total} 条") for line in lines)
    # One outbox folder per notice period of the day (2021-12-01-E23: escalation 23's notice).
    assert len(list((tmp_path / "outbox" / "escalation").glob("2021-12-01*/*.md"))) == total

    again = escalate_flow(as_of=as_of).lines
    assert escalations(flow_ledger) == raised
    assert counts(flow_ledger, "escalation") == (total, total)
    assert "已排队通知 0 条" in again and "已发送 0 条通知" in again


def test_digest_flow_queues_the_weeks_digests_and_sends_them_once(
    flow_ledger: Engine, tmp_path: Path
) -> None:
    from workflows.flows import digest_flow

    # A string, as `prefect deployment run --param as_of=…` passes it.
    result = digest_flow(as_of="2021-06-07")
    lines = result.lines
    assert result.week == "2021-W23"

    total, sent = counts(flow_ledger, "digest")
    assert total > 0 and sent == total, lines
    assert lines[0].startswith(f"2021-W23：周报 {total} 份，新排队 {total} 份")
    assert (tmp_path / "outbox" / "digest" / "2021-W23" / "office.md").is_file()

    again = digest_flow(as_of=dt.date(2021, 6, 7)).lines
    assert counts(flow_ledger, "digest") == (total, total)
    assert again[0].startswith(f"2021-W23：周报 {total} 份，新排队 0 份")
    assert "已发送 0 条通知" in again


def test_digest_flow_dry_run_writes_nothing(flow_ledger: Engine, tmp_path: Path) -> None:
    from workflows.flows import digest_flow

    lines = digest_flow(as_of=dt.date(2021, 6, 7), dry_run=True).lines
    assert lines[0].startswith("2021-W23：将生成周报 ")
    assert counts(flow_ledger, "digest") == (0, 0)
    assert not (tmp_path / "outbox").exists()


def test_the_prefect_option_prints_the_flows_lines_not_a_list(
    flow_ledger: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL
    from typer.testing import CliRunner

    from cli import context
    from cli.main import app

    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())  # the harness's server
    context.settings.cache_clear()
    result = CliRunner().invoke(app, ["digest", "--prefect", "--dry-run", "--as-of", "2021-06-07"])
    context.settings.cache_clear()
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("2021-W23：将生成周报 ") and "['" not in result.stdout
    assert lines[-1].startswith("  office: 【督办周报】2021-W23")


def test_lookback_flow_writes_the_configured_formats(flow_ledger: Engine, tmp_path: Path) -> None:
    from workflows.flows import lookback_flow

    looked = lookback_flow(as_of=dt.date(2021, 12, 1))
    lines = looked.lines
    assert sorted(Path(p).suffix for p in looked.files) == [".docx", ".md", ".xlsx"]

    written = sorted(path.suffix for path in (tmp_path / "lookback").iterdir())
    assert written == [".docx", ".md", ".xlsx"], lines
    assert lines[0] == "回头看（2021，截至 2021-12-01）："


def test_ingest_flow_writes_the_plan_file_for_review_and_imports_it(
    harness: float, cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sqlmodel import select

    from models.storage.db import open_ledger, read_session
    from models.storage.tables import Journal, Plan
    from workflows.flows import ingest_flow

    plans = tmp_path / "plans"
    plans.mkdir()
    document = shutil.copy(ROOT / "plans" / "2021-jilin-amr-gongkai-yaodian.txt", plans)
    config = write_config(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8").replace('dir = "plans"', f"dir = {json.dumps(str(plans))}"),
        encoding="utf-8",
    )
    monkeypatch.setenv("DUBAN_CONFIG", str(config))
    ingested = ingest_flow(paths=[str(document)], actor="ingest", as_of=dt.date(2021, 3, 1))
    lines = ingested.lines
    assert [r.created for r in ingested.reports] == [17]
    assert (plans / "2021-jilin-amr-gongkai-yaodian.plan.toml").exists(), lines
    assert any("17 new" in line for line in lines), lines
    engine = open_ledger(cli_env)
    with read_session(engine) as session:
        assert session.exec(select(Plan.key)).all() == ["2021-jilin-amr-gongkai-yaodian"]
        days = set(session.exec(select(Journal.day)).all())
    engine.dispose()
    assert days == {dt.date(2021, 3, 1)}
    # Run again: the reviewed file is kept (it may hold the office's corrections), nothing changes.
    again = ingest_flow(paths=[str(document)], actor="ingest", as_of=dt.date(2021, 3, 2)).lines
    assert any("kept the reviewed" in line for line in again) and any("0 new" in line for line in again)


def test_a_failed_send_fails_the_flow_run_after_the_others_are_sent(
    flow_ledger: Engine, tmp_path: Path
) -> None:
    """A channel that refuses (nothing listens on port 1): the run ends Failed, not Completed, and
    every other notice went out."""
    from workflow_ledger import set_channels

    from workflows.flows import escalate_flow

    config = Path(os.environ["DUBAN_CONFIG"])
    config.write_text(
        config.read_text(encoding="utf-8").replace("retry_delay_seconds = 2.0", "retry_delay_seconds = 0.0"),
        encoding="utf-8",
    )
    set_channels(flow_ledger, "办公室", ["json://127.0.0.1:1/refused"])
    state = escalate_flow.with_options(retries=0)(as_of=dt.date(2021, 12, 1), return_state=True)
    assert state.is_failed(), state
    assert "条通知发送失败（已保留，下次运行或 duban send 时重发；其余已发送）" in state.message
    total, sent = counts(flow_ledger, "escalation")
    with Session(flow_ledger) as session:
        unsent = session.exec(select(Notice.recipient).where(col(Notice.sent_at).is_(None))).all()
    assert unsent == ["unit:办公室"] and sent == total - 1 > 0


def test_a_flow_run_with_a_missing_config_file_fails_instead_of_using_the_defaults(
    flow_ledger: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workflows.flows import digest_flow

    monkeypatch.setenv("DUBAN_CONFIG", str(tmp_path / "not-on-this-worker.toml"))
    state = digest_flow.with_options(retries=0)(as_of=dt.date(2021, 6, 7), return_state=True)
    assert state.is_failed()
    assert "DUBAN_CONFIG 指定的配置文件不存在" in state.message
    assert counts(flow_ledger, "digest") == (0, 0)


def test_a_flow_run_is_refused_while_a_scheduler_runs_the_jobs(flow_ledger: Engine, tmp_path: Path) -> None:
    from models.reads import lease as read_lease
    from models.writes import lease
    from workflows.flows import digest_flow

    lease.take(flow_ledger, kind=lease.SCHEDULER, owner="office-pc:4242:ab12", seconds=600)
    state = digest_flow.with_options(retries=0)(as_of=dt.date(2021, 6, 7), return_state=True)
    assert state.is_failed()
    assert "台账的定时任务由 duban scheduler 运行（主机 office-pc，进程 4242）" in state.message
    assert counts(flow_ledger, "digest") == (0, 0)
    lease.release(flow_ledger, "office-pc:4242:ab12")
    assert digest_flow.with_options(retries=0)(as_of=dt.date(2021, 6, 7))  # the jobs are free again
    held = read_lease.holder(flow_ledger)
    assert held is not None and held.holder == "prefect"  # … and now the deployments'
