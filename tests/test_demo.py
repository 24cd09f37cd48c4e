"""`duban demo`: the seed plans walked through their year, every output where it says it is."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from models.db import open_ledger, read_session
from models.tables import Escalation, Journal, Notice

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
    assert "== where everything went" in out
    # Four weekly digests, each a folder of per-unit and office files.
    weeks = re.search(r"digests\s+(.*) in ", out).group(1).split(", ")
    assert weeks == ["2021-W09", "2021-W23", "2021-W36", "2021-W44"]
    for week in weeks:
        assert (folder / "outbox" / "digest" / week / "office.md").exists()
    looks = re.findall(r"look-back\s+(\S+)", out)
    assert sorted(Path(p).suffix for p in looks) == [".docx", ".md", ".xlsx"]
    assert all(Path(p).exists() for p in looks)
    engine = open_ledger(f"sqlite:///{folder / 'ledger.sqlite3'}")
    with read_session(engine) as session:
        levels = dict(
            session.execute(select(Escalation.level, func.count()).group_by(Escalation.level)).all()
        )
        defers = session.exec(
            select(func.count()).select_from(Journal).where(Journal.action == "defer")
        ).one()
        unsent = session.exec(select(func.count()).select_from(Notice).where(Notice.sent_at.is_(None))).one()
    engine.dispose()
    assert {"reminder", "overdue", "checkin", "notify"} <= set(levels)
    assert defers > 0 and unsent == 0
    assert list((folder / "outbox" / "escalation").glob("*/*.md"))
