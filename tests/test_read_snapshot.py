"""A read session with one snapshot (models.storage.db.read_session(one_snapshot=True)) sees the
ledger as it was when it first read, whatever is committed meanwhile; on PostgreSQL its snapshot
twin (the look-back reads its lists on one, beside the counting) sees exactly the same."""

from __future__ import annotations

from lookback_ledger import build
from sqlalchemy import text

from models.storage.db import read_session, snapshot_twin, write_session

PROGRESS = text("SELECT sum(progress) FROM task")


def test_one_snapshot_and_its_twin_see_the_ledger_as_it_was(engine):
    build(engine)
    with read_session(engine, one_snapshot=True) as session:
        before = session.execute(PROGRESS).scalar_one()
        with snapshot_twin(session) as twin:
            with write_session(engine) as writer:
                writer.execute(text("UPDATE task SET progress = progress + 1"))
            assert session.execute(PROGRESS).scalar_one() == before
            if engine.dialect.name == "postgresql":
                assert twin is not None
                assert twin.execute(PROGRESS).scalar_one() == before
            else:  # a second SQLite connection could see the later ledger: none is made
                assert twin is None
    with read_session(engine) as later:
        assert later.execute(PROGRESS).scalar_one() > before
