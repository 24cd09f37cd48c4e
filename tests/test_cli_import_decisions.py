"""`duban import` as the office types it: --dry-run shows per task what would change, a decided
field is kept unless --confirm-decided, the same document under another name is refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from models.files.plan_file import dump_plan, read_plan_file
from models.plan import Deadline
from models.storage.db import open_ledger, read_session
from models.storage.tables import Journal, Task

PLANS = Path(__file__).resolve().parent.parent / "plans"
JILIN = PLANS / "2021-jilin-amr-gongkai-yaodian.plan.toml"
runner = CliRunner()


def duban(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def ledger_rows(url: str) -> tuple[list[tuple], int]:
    engine = open_ledger(url)
    try:
        with read_session(engine) as session:
            tasks = session.exec(
                select(Task.code, Task.due_date, Task.status, Task.version).order_by(Task.id)
            ).all()
            return list(tasks), len(session.exec(select(Journal.id)).all())
    finally:
        engine.dispose()


def test_dry_run_then_import_then_confirm(cli_env, tmp_path):
    plan_file = tmp_path / JILIN.name
    shutil.copy(JILIN, plan_file)
    assert duban("import", str(plan_file)).exit_code == 0
    result = duban("defer", "T17", "--to", "2021-12-20", "--reason", "等待省局统一部署")
    assert result.exit_code == 0, result.output
    plan = read_plan_file(plan_file)
    plan.tasks[16].deadline = Deadline(type="date", date=dt.date(2021, 12, 31), text="12月底前")
    plan.tasks[2].title = "规范政府信息公开环节和要素（修订）"
    plan_file.write_text(dump_plan(plan), encoding="utf-8")
    before = ledger_rows(cli_env)

    preview = duban("import", "--dry-run", str(plan_file))
    assert preview.exit_code == 0, preview.output
    assert ledger_rows(cli_env) == before
    out = preview.stdout
    assert (
        "变更：T3 一、3" in out
        and "标题：规范政府信息公开环节和要素 → 规范政府信息公开环节和要素（修订）" in out
    )
    assert "变更：T17 六、17" in out
    assert (
        "完成时限：2021-12-20（11月30日前） → 2021-12-31（12月底前）（已在台账中决定：将保留；加 --confirm-decided 才改）"
        in out
    )
    assert "试运行：未写入任何内容" in out

    kept = duban("import", str(plan_file))
    assert kept.exit_code == 0, kept.output
    assert "（已在台账中决定：已保留；加 --confirm-decided 才改）" in kept.stdout
    rows = {code: (due, status) for code, due, status, _ in ledger_rows(cli_env)[0]}
    assert rows["T17"] == (dt.date(2021, 12, 20), "deferred")

    would = duban("import", "--dry-run", "--confirm-decided", str(plan_file))
    assert "（已在台账中决定，经确认将按文件修改）" in would.stdout
    assert {code: due for code, due, _, _ in ledger_rows(cli_env)[0]}["T17"] == dt.date(2021, 12, 20)

    confirmed = duban("import", "--confirm-decided", str(plan_file))
    assert confirmed.exit_code == 0, confirmed.output
    assert "（已在台账中决定，经确认已修改）" in confirmed.stdout
    # Confirmed back to the document's date, the task is no longer deferred: it takes the status
    # it had before the deferral.
    assert "状态：已延期 → 未开始" in confirmed.stdout
    rows = {code: (due, status) for code, due, status, _ in ledger_rows(cli_env)[0]}
    assert rows["T17"] == (dt.date(2021, 12, 31), "not_started")


def test_the_same_document_under_another_name_exits_non_zero_naming_its_plan(cli_env, tmp_path):
    assert duban("import", str(JILIN)).exit_code == 0
    before = ledger_rows(cli_env)
    copy = tmp_path / "吉林要点.txt"
    shutil.copy(PLANS / "2021-jilin-amr-gongkai-yaodian.txt", copy)
    result = duban("import", str(copy))
    assert result.exit_code == 4
    assert "该文件已作为计划 2021-jilin-amr-gongkai-yaodian 导入" in result.stderr
    assert "吉林要点" in result.stderr
    assert ledger_rows(cli_env) == before
