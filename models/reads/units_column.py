"""A task's units (lead and supporting, in the order they were assigned) as one column of a long
listing's own query, instead of a second query per chunk of tasks (units_of): the look-back's lists.

The column is a text "<role><unit id>,<role><unit id>…" (role "L" for lead, "S" for supporting), or
NULL for a task without units; the names come from the unit table, read once per list (UnitNames).
Ids, not names: the subquery per task then reads the task's assignments alone, not the unit table
once more per assignment (at a million tasks, about a tenth of the server's CPU on the
unfinished list), and no name can hold the column's separator.
"""

from __future__ import annotations

from sys import intern
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection

from models.storage.tables import Assignment, Role, Task, Unit

SEPARATOR = ","
_LEAD, _SUPPORT = "L", "S"


def units_column(dialect: str) -> Any:
    """The correlated subquery of the units of the enclosing query's Task (see the module)."""
    marked = case((Assignment.role == Role.LEAD.value, _LEAD), else_=_SUPPORT) + cast(
        Assignment.unit_id, String
    )
    mine = Assignment.task_id == Task.id
    if dialect == "postgresql":
        return (
            select(func.string_agg(marked, aggregate_order_by(SEPARATOR, Assignment.id)))
            .where(mine)
            .scalar_subquery()
        )
    # SQLite before 3.44 has no ORDER BY within an aggregate: group_concat takes the rows in the
    # order of the subquery it reads, which is ordered (a co-routine over the task's index).
    ordered = select(marked.label("unit")).where(mine).order_by(Assignment.id).correlate(Task).subquery()
    return select(func.group_concat(ordered.c.unit, SEPARATOR)).scalar_subquery()


class UnitNames(dict[int, str]):
    """Units' names by id, read on the list's connection: every unit's at first, and a unit met
    later that was not among them (made between that read and the list's, when the two do not
    share a snapshot: a page's look-back on SQLite, or PostgreSQL's READ COMMITTED) when it is met.
    Each name is the one string of its text (a ledger has few units, named on every one of their
    tasks): pickle writes and reads it once per chunk of a look-back's spool."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(
            (unit_id, intern(name)) for unit_id, name in connection.execute(select(Unit.id, Unit.name))
        )
        self.connection = connection

    def __missing__(self, unit_id: int) -> str:
        name = self[unit_id] = intern(
            self.connection.execute(select(Unit.name).where(Unit.id == unit_id)).scalar_one()
        )
        return name


def split_units(text: str | None, names: dict[int, str]) -> tuple[list[str], list[str]]:
    """(lead names, supporting names) from units_column's text."""
    lead: list[str] = []
    support: list[str] = []
    if text is None:
        return lead, support
    for unit in text.split(SEPARATOR):
        (lead if unit[0] == _LEAD else support).append(names[int(unit[1:])])
    return lead, support
