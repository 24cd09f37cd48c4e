"""The statements of models.reads.quick, compiled by SQLAlchemy from the reads that own them.

Run once per cache key (models.reads.quick): each read below is executed through the session as
the full path would, and what the driver receives (text and parameters) is recorded. Nothing here
writes SQL of its own: the rows are TaskQuery's, with the light's SQL twin as one more column; the
units, plan names and pending requests are units_of, plan_names and pending_by_code over the same
selection of tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, select

from models.reads.names import plan_names
from models.reads.quick import encode_statement, plan_years
from models.reads.requests import pending_by_code
from models.reads.task_query import TaskFilter, TaskQuery, units_of
from models.rules.lights_sql import light_sql
from models.storage.tables import Plan, Role, Task


def compile_listing(
    session: Session, filters: TaskFilter, *, as_of: dt.date, due_soon_days: int, sort: str
) -> dict[str, Any]:
    """The compiled entry of a `duban tasks` listing (filters without plan or unit)."""
    if filters.plan or filters.unit:
        raise ValueError("a plan or unit filter names ids of one ledger: not compiled once")
    query = TaskQuery(session, filters, as_of=as_of, due_soon_days=due_soon_days, sort=sort)
    # TaskQuery.rows() of a whole listing, and the light the rows get from models.rules.lights.
    rows = query.listing(lambda due: light_sql(due, as_of, due_soon_days).label("light"))
    recorded: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        recorded.append((statement, parameters))

    def one(read: Callable[[], object]) -> list[Any]:
        start = len(recorded)
        read()
        queries = [s for s in recorded[start:] if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
        if len(queries) != 1:
            raise RuntimeError(f"expected one query, the read ran {len(queries)}")
        return encode_statement(*queries[0])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        return {
            "rows": one(lambda: session.execute(rows).all()),
            "units": one(lambda: units_of(session, query.selection(Task.id))),
            "names": one(lambda: plan_names(session)),
            "pending": one(lambda: pending_by_code(session, query.selection(Task.code))),
            "lead_role": Role.LEAD.value,
            # The years the rows' statement was written for, read in the same transaction: the
            # caller stores the entry only under a key of these years.
            "years": plan_years(session.scalars(select(Plan.year).distinct())),
        }
    finally:
        event.remove(engine, "before_cursor_execute", record)
