"""A task's units (lead and supporting, in the order they were assigned) as one column of a long
listing's own query, instead of a second query per chunk of tasks (units_of): the look-back's lists.

The column is a text "<count>␟<role><name>␟<role><name>…" (␟ is U+001F, the unit separator; role
"L" for lead, "S" for supporting), or NULL for a task without units. The count lets split_units
notice a name that itself holds U+001F (models.rules.bounds refuses control characters, but text
written before it did may have one): it then returns None and the caller reads that task's units
with units_of instead.
"""

from __future__ import annotations

from sys import intern
from typing import Any

from sqlalchemy import String, case, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from models.storage.tables import Assignment, Role, Task, Unit

SEPARATOR = "\x1f"
_LEAD, _SUPPORT = "L", "S"


def units_column(dialect: str) -> Any:
    """The correlated subquery of the units of the enclosing query's Task (see the module)."""
    marked = case((Assignment.role == Role.LEAD.value, _LEAD), else_=_SUPPORT) + Unit.name
    joined = Assignment.__table__.join(Unit.__table__, Unit.id == Assignment.unit_id)
    mine = Assignment.task_id == Task.id
    if dialect == "postgresql":
        separator = func.chr(31)
        names = func.string_agg(marked, aggregate_order_by(separator, Assignment.id))
        return (
            select(func.count().cast(String) + separator + names)
            .select_from(joined)
            .where(mine)
            .scalar_subquery()
        )
    # SQLite before 3.44 has no ORDER BY within an aggregate: group_concat takes the rows in the
    # order of the subquery it reads, which is ordered (a co-routine over the task's index).
    separator = func.char(31)
    ordered = (
        select(marked.label("name"))
        .select_from(joined)
        .where(mine)
        .order_by(Assignment.id)
        .correlate(Task)
        .subquery()
    )
    names = func.group_concat(ordered.c.name, separator)
    return select(func.count().cast(String) + separator + names).scalar_subquery()


def split_units(text: str | None) -> tuple[list[str], list[str]] | None:
    """(lead names, supporting names) from units_column's text, or None when a name held the
    separator (the count and the names disagree). Each name is the one string of its text (a
    ledger has few units, named on every one of their tasks): pickle writes and reads it once per
    chunk of a look-back's spool."""
    if text is None:
        return [], []
    count, *names = text.split(SEPARATOR)
    if len(names) != int(count):
        return None
    lead: list[str] = []
    support: list[str] = []
    for name in names:
        (lead if name[0] == _LEAD else support).append(intern(name[1:]))
    return lead, support
