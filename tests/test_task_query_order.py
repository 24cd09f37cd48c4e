"""TaskQuery in due-date order reads the ledger in two ordered ranges (models/reads/task_query.py);
its pages, listings and counts are those of the one whole-table query they replace:
`ORDER BY effective due NULLS LAST, plan key, position, id` under the same filters."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest
from sqlmodel import col, select

from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import read_session
from models.storage.tables import Plan, Task

_spec = importlib.util.spec_from_file_location(
    "ledger_gen", Path(__file__).resolve().parent.parent / "bench" / "ledger_gen.py"
)
assert _spec is not None and _spec.loader is not None
ledger_gen = importlib.util.module_from_spec(_spec)
sys.modules["ledger_gen"] = ledger_gen
_spec.loader.exec_module(ledger_gen)

YEAR = ledger_gen.YEAR
FILTERS = [
    TaskFilter(),
    TaskFilter(overdue=True),
    TaskFilter(due_within=45),
    TaskFilter(status="in_progress"),
    TaskFilter(include_withdrawn=True),
    TaskFilter(overdue=True, include_withdrawn=True),
]


@pytest.fixture
def generated(engine):
    # Dated, recurring (with reports), ongoing and undated points over several plans, a few withdrawn.
    ledger_gen.generate(engine, 700, units=40, seed=11)
    return engine


def whole_table(session, query: TaskQuery) -> list[str]:
    """The order as one query over every matching task, as the ledger was read before."""
    ordered = (
        select(Task.code)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(*query.conditions)
        .order_by(query.due.nulls_last(), Plan.key, Task.position, Task.id)
    )
    return list(session.exec(ordered))


def keeper():
    """A keep function as the dashboard's cache is one: each value computed once, then reused."""
    kept: dict[str, object] = {}
    return lambda what, compute: kept[what] if what in kept else kept.setdefault(what, compute())


@pytest.mark.parametrize("kept", [False, True], ids=["computed", "kept"])
@pytest.mark.parametrize("as_of", [dt.date(YEAR, 3, 1), dt.date(YEAR + 1, 1, 15)])
def test_due_order_pages_listings_and_counts_are_the_whole_table_query(generated, as_of, kept):
    with read_session(generated) as session:
        for filters in FILTERS:
            keep = keeper() if kept else None
            query = TaskQuery(session, filters, as_of=as_of, due_soon_days=14, keep=keep)
            expected = whole_table(session, query)
            assert expected or filters.due_within, filters  # only the window may be empty
            assert query.count() == len(expected), filters
            assert [r.code for r in query.rows()] == expected, filters
            assert [r.code for r in query.rows(limit=9)] == expected[:9], filters
            per_page = 37  # pages that straddle the last dated task and the first undated one
            pages = -(-len(expected) // per_page)
            for number in range(1, pages + 1):
                page = query.page(number, per_page)
                assert page.total == len(expected)
                start = (number - 1) * per_page
                assert [r.code for r in page.rows] == expected[start : start + per_page], (filters, number)
                if kept:  # the same rows, field for field, as the query without a keeper reads
                    alone = TaskQuery(session, filters, as_of=as_of, due_soon_days=14).page(number, per_page)
                    assert page.rows == alone.rows, (filters, number)


def test_undated_tasks_come_after_the_dated_ones(generated):
    with read_session(generated) as session:
        query = TaskQuery(session, as_of=dt.date(YEAR, 7, 1), due_soon_days=14)
        rows = query.rows()
        dated = [r for r in rows if r.due_date is not None]
        assert rows[: len(dated)] == dated
        assert [r.due_date for r in dated] == sorted(r.due_date for r in dated)
        assert len(dated) < len(rows)  # the ledger has undated tasks, so both ranges were read
