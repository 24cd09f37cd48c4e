"""`duban show` through models.reads.quick prints what the full path prints, byte for byte, on
SQLite and PostgreSQL, for every task of a ledger with the parts show prints filled in (批示 and a
reply, 催办, pending and returned requests, 签收, reports, a recurring task): on the run that
compiles the statements and on the runs that take them from the cache. And the pure rules import no
SQLAlchemy, which is what lets the quick path start without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app
from models.storage.db import write_session
from models.writes.users import add_user

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
DAYS = ("2021-03-31", "2021-07-02", "2022-01-15")


def duban(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_quick_sheet_is_the_full_sheet(ledger, monkeypatch, tmp_path: Path) -> None:
    with ledger.begin() as connection:
        connection.execute(
            text("UPDATE task SET deadline_type = 'recurring', recurrence = 'quarterly' WHERE code = 'T3'")
        )
        codes = [row[0] for row in connection.execute(text("SELECT code FROM task ORDER BY id"))]
        led, lead = connection.execute(
            text(
                "SELECT t.code, u.name FROM assignment a JOIN unit u ON u.id = a.unit_id"
                " JOIN task t ON t.id = a.task_id WHERE a.role = 'lead' ORDER BY t.id, a.id"
            )
        ).first()
    with write_session(ledger) as session:
        add_user(session, "王局长", role="leader", password="correct horse battery")
    duban("update", "T3", "--progress", "20", "--as-of", "2021-04-10")  # the first quarter reported
    duban("extend-request", "T1", "--to", "2021-12-20", "--reason", "需要时间")  # 待审批延期
    duban("instruct", led, "--text", "请加快进度。", "--as", "王局长")
    duban("reply", led, "--text", "已倒排工期。", "--as", lead)
    duban(
        "chase",
        led,
        "--method",
        "phone",
        "--contact",
        "李处长",
        "--note",
        "五月底前完成",
        "--as-of",
        "2021-04-19",
    )
    duban("ack", led, "--as", lead, "--as-of", "2021-04-12")  # 签收
    duban("report", led, "--progress", "30", "--text", "本期已推进", "--as", lead, "--as-of", "2021-04-20")
    duban("complete-request", led, "--summary", "已完成", "--evidence", "文件一份", "--as", lead)
    duban("return", "R2", "--reason", "材料不全")  # 退回
    cache = tmp_path / "cache" / "duban" / "sql"
    # Every task on one day; the tasks with the parts filled in on every day.
    shown = [(code, DAYS[1]) for code in codes]
    shown += [(code, day) for code in (led, "T1", "t3", "3") for day in DAYS]
    for code, day in shown:
        monkeypatch.setenv("DUBAN_QUICK_READS", "0")
        full = duban("show", code, "--as-of", day)
        monkeypatch.delenv("DUBAN_QUICK_READS")
        assert duban("show", code, "--as-of", day) == full, (code, day)
    assert len(list(cache.glob("*.json"))) == 1  # one entry for every task and day
    # A task that is not there: the full path says so, as before.
    result = runner.invoke(app, ["show", "T99999"])
    assert result.exit_code != 0 and "T99999" in result.output


def test_the_pure_rules_import_no_sqlalchemy() -> None:
    modules = [
        "models.rules.deadlines",
        "models.rules.lights",
        "models.rules.reports",
        "models.rules.lookback",
        "models.rules.ladder",
        "models.rules.pace",
        "models.rules.calendar",
        "models.rules.report_cycle",
        "models.rules.permissions",
        "models.rules.bounds",
        "models.reads.task_sheet",
        "models.reads.quick",
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')}))"
    )
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
