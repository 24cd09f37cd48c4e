"""Operational hardening outside Prefect: a missing DUBAN_CONFIG is refused by every face, the shared
folders of the deployments are checked, and a job reports only the rows it inserted itself.

(The flows' side of these is in tests/test_flows.py, the scheduler's lease in tests/test_job_lease.py.)
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner
from workflow_ledger import seed, settings_for

from cli.main import app
from models.errors import BadInput
from models.storage.tables import Escalation, Notice
from workflows import deploy, escalate
from workflows.flows.common import check_shared_folders

MISSING = "DUBAN_CONFIG 指定的配置文件不存在（不会改用默认设置"


@pytest.mark.parametrize(
    "command", [["tasks"], ["escalate", "--dry-run"], ["scheduler"], ["scheduler", "--list"], ["serve"]]
)
def test_a_missing_config_file_named_by_duban_config_is_refused_by_the_cli(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli import context

    missing = tmp_path / "etc" / "config.toml"
    monkeypatch.setenv("DUBAN_CONFIG", str(missing))
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    context.settings.cache_clear()
    try:
        result = CliRunner().invoke(app, command)
    finally:
        context.settings.cache_clear()
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"错误：{missing}: {MISSING}")
    assert not (tmp_path / "ledger.sqlite3").exists()  # nothing was opened on the defaults


def test_a_missing_config_file_is_refused_by_the_scheduled_job(tmp_path: Path, monkeypatch) -> None:
    from workflows.scheduler import run_scheduled

    monkeypatch.setenv("DUBAN_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(BadInput, match=MISSING):  # APScheduler logs it; the next run tries again
        run_scheduled("digest")


def test_the_shared_folders_are_marked_at_deploy_time_and_checked_by_the_runs(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, "sqlite://")
    folders = deploy.shared_folders(settings)
    assert set(folders) == {"notify.outbox", "lookback.output"}
    mark = deploy.mark_shared_folders(settings)
    for folder in folders.values():
        assert (folder / deploy.SHARED_MARK).read_text().strip() == mark
    check_shared_folders(settings, mark)  # the same folders: fine
    check_shared_folders(settings, "")  # not a deployment's run: not checked
    # A worker whose outbox is a folder of its own (not the shared one) is refused.
    (folders["notify.outbox"] / deploy.SHARED_MARK).unlink()
    with pytest.raises(BadInput) as refused:
        check_shared_folders(settings, mark)
    assert refused.value.message.startswith(
        f"notify.outbox = {folders['notify.outbox']}: 本机看到的这个目录不是"
    )


def test_deploy_refuses_an_outbox_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    settings = settings_for(tmp_path, "sqlite://")
    settings = settings.model_copy(
        update={"notify": settings.notify.model_copy(update={"outbox": str(tmp_path / "a-file" / "outbox")})}
    )
    with pytest.raises(BadInput, match=r"notify.outbox = .*a-file/outbox: 无法写入"):
        deploy.mark_shared_folders(settings)


def test_concurrent_escalations_each_report_only_the_rows_they_inserted(
    engine: Engine, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs that both found the same levels due: between them every level is reported once.
    On PostgreSQL both compute what is due before either writes (held at a barrier); on SQLite the
    second waits for the first's write lock, then finds nothing due."""
    seed(engine)
    settings = settings_for(tmp_path, ledger_url)
    postgres = ledger_url.startswith("postgresql")
    barrier = threading.Barrier(2, timeout=30)
    found = escalate.due_now

    def due_now_together(session, **args):  # type: ignore[no-untyped-def]
        dues = found(session, **args)
        if postgres:
            barrier.wait()
        return dues

    monkeypatch.setattr(escalate, "due_now", due_now_together)
    reports: list[escalate.EscalateReport] = []

    def run() -> None:
        reports.append(escalate.raise_due(engine, settings, as_of=dt.date(2021, 12, 1)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(reports) == 2
    with engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(Escalation)).scalar_one()
        live = connection.execute(
            select(func.count()).select_from(Escalation).where(Escalation.skipped.is_(False))
        ).scalar_one()
        notices = connection.execute(select(func.count()).select_from(Notice)).scalar_one()
    assert rows > 0
    assert sum(sum(r.raised.values()) for r in reports) == live
    assert sum(r.skipped for r in reports) == rows - live
    assert sum(r.notices for r in reports) == notices
