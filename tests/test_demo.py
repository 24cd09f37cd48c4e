"""`duban demo`: the seed plans walked through their year, every output where it says it is."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from models.rules.ladder import CHECKIN
from models.settings import load_settings
from models.storage.db import open_ledger, read_session
from models.storage.tables import Escalation, Journal, Notice, Task, User, UserRole
from workflows.notice_bodies import body

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_walks_the_year_and_says_where_everything_went(tmp_path, monkeypatch):
    from cli import context

    monkeypatch.setenv("DUBAN_CONFIG", str(ROOT / "config.toml"))
    monkeypatch.delenv("DUBAN_DATABASE_URL", raising=False)
    context.settings.cache_clear()
    folder = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--folder", str(folder), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "== 各项输出的位置" in out
    # Four weekly digests, each a folder of per-unit and office files.
    weeks = re.search(r"周报\s+(.*)，位于 ", out).group(1).split(", ")
    assert weeks == ["2021-W09", "2021-W23", "2021-W36", "2021-W44"]
    for week in weeks:
        assert (folder / "outbox" / "digest" / week / "office.md").exists()
    looks = re.findall(r"回头看\s+(\S+)", out)
    assert sorted(Path(p).suffix for p in looks) == [".docx", ".md", ".xlsx"]
    assert all(Path(p).exists() for p in looks)
    engine = open_ledger(f"sqlite:///{folder / 'ledger.sqlite3'}")
    with read_session(engine) as session:
        sent_levels = dict(
            session.execute(
                select(Escalation.level, func.count())
                .where(Escalation.skipped.is_(False))
                .group_by(Escalation.level)
            ).all()
        )
        raised = session.execute(
            select(Escalation.raised_on, Task.code).join(Task).where(Escalation.skipped.is_(False))
        ).all()
        told: dict[str, str] = defaultdict(str)  # day -> every escalation notice's text of that day
        for notice in session.exec(select(Notice).where(Notice.kind == "escalation")):
            told[notice.period.split("/")[0]] += body(notice, "text")
        defers = session.exec(
            select(func.count()).select_from(Journal).where(Journal.action == "defer")
        ).one()
        unsent = session.exec(select(func.count()).select_from(Notice).where(Notice.sent_at.is_(None))).one()
        accounts = session.execute(select(User.role, User.unit_id)).all()
        journal_days = session.exec(select(func.min(Journal.day), func.max(Journal.day))).one()
        undated = session.exec(select(func.count()).select_from(Journal).where(Journal.day.is_(None))).one()
    engine.dispose()
    # Every level of the shipped ladder (督办 included) and the check-in were raised, not passed over.
    ladder = [level.level for level in load_settings(ROOT / "config.toml").escalation]
    assert set(ladder) == {"reminder", "overdue", "supervise", "notify"}
    assert {*ladder, CHECKIN} <= set(sent_levels), sent_levels
    # Each raised level reached someone: its task's line is in a notice of that day (a point without
    # a lead unit included, through the office).
    assert [(day, code) for day, code in raised if f"{code} " not in told[day.isoformat()]] == []
    assert defers > 0 and unsent == 0
    # Everything the demo did is dated within the plan year, the import on 1 January, so the
    # look-back's "last update" never shows the day the demo happened to run.
    assert undated == 0
    assert journal_days[0].isoformat() == "2021-01-01" and journal_days[1].isoformat() <= "2021-11-30"
    lookback_md = next(Path(p) for p in looks if p.endswith(".md")).read_text(encoding="utf-8")
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in lookback_md.split("## 五、")[1].split("\n## ")[0].splitlines()
        if line.startswith("|") and not line.startswith("|-")
    ]
    column = rows[0].index("最近更新")
    assert {row[column][:4] for row in rows[1:]} == {"2021"}
    assert list((folder / "outbox" / "escalation").glob("*/*.md"))
    # One account of each role, the unit's bound to a unit.
    assert sorted(role for role, _ in accounts) == sorted(role.value for role in UserRole)
    assert all((unit_id is not None) == (role == UserRole.UNIT) for role, unit_id in accounts)
