"""The statements of models.reads.task_sheet (`duban show`), each from the read that owns it, with
the task as a bound parameter; read through a session (the full path) or compiled once for the
database's own driver (models.reads.quick).

Compiling: each statement is executed once through SQLAlchemy with a stand-in task (an id and a
code no ledger holds, so the reads find nothing) and what the driver received is recorded, with
the places of the stand-in values: a later run puts the real task's there. Each column's kind
(date, time, time in UTC, boolean, JSON) is kept too, for the conversions SQLAlchemy would have made.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Select, String, bindparam, event
from sqlmodel import Session, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from models.reads.dues import last_reports_sql
from models.reads.instructions import chases_sql, instructions_sql
from models.reads.names import plan_names_sql
from models.reads.queries import journal_sql, sheet_task_sql
from models.reads.quick import encode_statement
from models.reads.reporting import ack_states_sql, task_reports_sql
from models.reads.requests import pending_of_task_sql, returns_sql
from models.reads.task_query import units_sql
from models.reads.task_sheet import Fetch
from models.storage.tables import Task

# The stand-in task of the compiling run: values no ledger's task has, found again in the
# parameters the driver received.
STAND_IN = {"task_id": -73_400_331, "code": "duban:stand-in:-73400331"}  # codes are T and digits


def statements() -> dict[str, Select]:
    """task_sheet.read_sheet's statements by name; parameters `code` and `task_id`."""
    task_id = bindparam("task_id", type_=Integer)
    return {
        "task": sheet_task_sql(bindparam("code", type_=String)),
        "units": units_sql(select(Task.id).where(col(Task.id) == task_id)),
        "journal": journal_sql(task_id),
        "last_report": last_reports_sql(col(Task.id) == task_id),
        "acks": ack_states_sql(task_id),
        "names": plan_names_sql(),
        "instructions": instructions_sql(task_id),
        "chases": chases_sql(task_id),
        "pending": pending_of_task_sql(task_id),
        "returns": returns_sql(task_id),
        "reports": task_reports_sql(task_id),
    }


def session_fetch(session: Session) -> Fetch:
    """task_sheet's fetch through a session: the full path."""
    found = statements()

    def fetch(name: str, **parameters: Any) -> list[Any]:
        return list(session.execute(found[name], parameters).all())

    return fetch


def _kind(column_type: Any) -> str:
    # SQLModel's datetimes first: a TypeDecorator that gives them back aware, in UTC.
    for kind, types in (
        ("utc", UTCDateTime),
        ("datetime", DateTime),
        ("date", Date),
        ("bool", Boolean),
        ("json", JSON),
    ):
        if isinstance(column_type, types):
            return kind
    return ""


def compile_sheet(session: Session) -> dict[str, Any]:
    """The compiled entry of `duban show`'s statements (models.reads.quick.QuickLedger.sheet_fetch)."""
    recorded: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        recorded.append((statement, parameters))

    compiled: dict[str, Any] = {}
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        for name, statement in statements().items():
            wanted = {p for p in STAND_IN if p in statement.compile().params}
            start = len(recorded)
            session.execute(statement, {p: STAND_IN[p] for p in wanted}).all()
            queries = [s for s in recorded[start:] if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
            if len(queries) != 1:
                raise RuntimeError(f"{name}: expected one query, the read ran {len(queries)}")
            text, parameters = queries[0]
            places = parameters.items() if isinstance(parameters, dict) else enumerate(parameters)
            slots = [[place, p] for place, value in places for p in wanted if value == STAND_IN[p]]
            if {p for _, p in slots} != wanted:
                raise RuntimeError(f"{name}: the task's parameters not found in what the driver received")
            compiled[name] = {
                "statement": encode_statement(text, parameters),
                "slots": slots,
                "kinds": [_kind(c.type) for c in statement.selected_columns],
            }
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return compiled
