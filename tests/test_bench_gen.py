"""The synthetic-ledger generator (bench/ledger_gen.py) builds a valid ledger the app can read and import into."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from models.reads.queries import unit_counts
from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import open_ledger, read_session, write_session
from models.writes.ledger import import_plan
from models.writes.units import normal

# bench/ is a folder of scripts, not a package: load the module from its file.
_spec = importlib.util.spec_from_file_location(
    "ledger_gen", Path(__file__).resolve().parent.parent / "bench" / "ledger_gen.py"
)
assert _spec is not None and _spec.loader is not None
ledger_gen = importlib.util.module_from_spec(_spec)
sys.modules["ledger_gen"] = ledger_gen  # dataclasses look the module up by name
_spec.loader.exec_module(ledger_gen)

AS_OF = dt.date(ledger_gen.YEAR, 7, 1)


def rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_generated_ledger_has_the_requested_shape(engine):
    ledger_gen.generate(engine, 500, units=60, seed=7)
    ((tasks, plans, units),) = rows(
        engine,
        'SELECT (SELECT count(*) FROM task), (SELECT count(*) FROM "plan"), (SELECT count(*) FROM unit)',
    )
    assert (tasks, plans, units) == (500, 10, 60)  # 50 tasks per plan
    per_task = Counter(task for (task,) in rows(engine, "SELECT task_id FROM assignment WHERE role = 'lead'"))
    assert len(per_task) == 500 and set(per_task.values()) == {1}  # exactly one lead each
    sizes = Counter(n for _, n in rows(engine, "SELECT task_id, count(*) FROM assignment GROUP BY task_id"))
    assert set(sizes) <= {1, 2, 3, 4} and len(sizes) >= 3  # a lead and 0-3 supporting units
    statuses = dict(rows(engine, "SELECT status, count(*) FROM task GROUP BY status"))
    assert set(statuses) == {"not_started", "in_progress", "deferred", "done", "cancelled"}
    open_share = sum(statuses[s] for s in ("not_started", "in_progress", "deferred")) / 500
    assert 0.5 < open_share < 0.7
    kinds = dict(rows(engine, "SELECT deadline_type, count(*) FROM task GROUP BY deadline_type"))
    assert set(kinds) == {"date", "period_end", "recurring", "ongoing", "none"}
    ((first, last, undated),) = rows(
        engine,
        "SELECT min(due_date), max(due_date), sum(CASE WHEN due_date IS NULL THEN 1 ELSE 0 END) FROM task",
    )
    assert str(first) < f"{ledger_gen.YEAR}-02-01" and str(last) > f"{ledger_gen.YEAR}-11-30" and undated > 50


def test_generated_ledger_reads_and_imports_through_the_app(engine):
    ledger_gen.generate(engine, 500, units=60, seed=7)
    with read_session(engine) as session:
        overdue = TaskQuery(session, TaskFilter(overdue=True), as_of=AS_OF, due_soon_days=7).rows()
        counts = unit_counts(session, as_of=AS_OF)
    assert overdue and all(row.due_date < AS_OF and row.lead for row in overdue)
    assert sum(c.overdue for c in counts) >= len(overdue)
    # Ids were given explicitly; the app's own inserts must still get fresh ones (PostgreSQL sequences).
    plan = ledger_gen.parsed_plan(20, units=60)
    with write_session(engine) as session:
        report = import_plan(session, plan, key="bench-import", actor="test")
    assert report.created == 20 and report.new_units == []  # every unit name was found, none invented
    assert rows(engine, "SELECT count(*) FROM task") == [(520,)]


def test_same_seed_same_ledger(tmp_path):
    def dump(seed: int, name: str) -> list[tuple]:
        engine = open_ledger(f"sqlite:///{tmp_path / name}")
        ledger_gen.generate(engine, 120, units=30, seed=seed)
        found = rows(
            engine,
            "SELECT t.code, t.title, t.due_date, t.status, a.unit_id, a.role FROM task t JOIN assignment a ON a.task_id = t.id ORDER BY a.id",
        )
        engine.dispose()
        return found

    assert dump(1, "a.sqlite3") == dump(1, "b.sqlite3") != dump(2, "c.sqlite3")


def test_generator_refuses_a_ledger_that_is_not_empty(engine):
    ledger_gen.generate(engine, 50, units=10)
    with pytest.raises(ValueError, match="not empty"):
        ledger_gen.generate(engine, 50, units=10)


def test_unit_names_are_distinct_and_already_normal():
    names = ledger_gen.unit_names(2100)
    assert len(set(names)) == 2100
    assert all(normal(name) == name for name in names)
