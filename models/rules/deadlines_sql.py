"""The SQL twin of models.rules.deadlines: the effective due date as an expression, for the queries
that filter, sort or count by due date in the database (the ledger list, the overview, the counts,
the look-back); a test compares it with the rule day by day.

Apart from the rules so that importing the rules does not import SQLAlchemy (`duban show` reads
without it: models.reads.quick).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, extract, func, literal, null, or_, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from models.rules.deadlines import ONGOING, ONGOING_TYPES, PERIODIC, RECURRING, periods
from models.rules.reports_sql import last_report_sql, report_sql
from models.storage.tables import Journal, Plan, Task


def standing_sql() -> Any:
    return col(Task.deadline_type).in_(ONGOING_TYPES)


class _MakeDate(FunctionElement):  # type: ignore[type-arg]
    """A date from year, month and day expressions, in each database's words."""

    type = Date()
    inherit_cache = True


@compiles(_MakeDate)
def _make_date_default(element: Any, compiler: Any, **kw: Any) -> str:
    return f"make_date({compiler.process(element.clauses, **kw)})"


@compiles(_MakeDate, "sqlite")
def _make_date_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    year, month, day = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date(printf('%04d-%02d-%02d', {year}, {month}, {day}))"


def _in_year_sql(due: Any, year: int) -> Any:
    """models.rules.deadlines._in_year in SQL: the due date's month and day in `year` (29 February read as the 28th)."""
    month = cast(extract("month", due), Integer)
    day = cast(extract("day", due), Integer)
    if not month_calendar.isleap(year):
        day = case((and_(month == 2, day == 29), 28), else_=day)
    return _MakeDate(literal(year), month, day)


def _occurrence_sql(recurrence: str, year: int, last: Any, due: Any) -> Any:
    """current_occurrence of a recurring task of this recurrence and year, over its last report."""
    if recurrence == "yearly":
        end = case((due.is_(None), dt.date(year, 12, 31)), else_=_in_year_sql(due, year))
        return case((or_(last.is_(None), last < dt.date(year, 1, 1)), end), else_=null())
    found = periods(recurrence, year, None)
    return case(
        (last.is_(None), found[0][1]),
        *((last < start, end) for start, end in found),
        else_=null(),
    )


def recurring_sql() -> Any:
    """The tasks whose effective due date is a period's end (effective_due_sql's first branch)."""
    return and_(col(Task.deadline_type) == RECURRING, col(Task.recurrence).is_not(None))


def fixed_due_sql() -> Any:
    """The tasks whose effective due date is their stored due_date (or none): neither recurring nor
    ongoing, effective_due_sql's last branch. A query over these can order and filter on the
    due_date column itself, and so on its index (models.reads.task_query)."""
    return and_(~recurring_sql(), col(Task.deadline_type) != ONGOING)


def effective_due_sql(as_of: dt.date, years: Iterable[int | None]) -> Any:
    """effective_due as a SQL expression over Task joined to its Plan. `years` are the plan years
    in the ledger (a recurring task's periods are written out per year; a plan without a year
    takes the as-of date's). The last report is read by a correlated subquery, only for recurring
    tasks."""
    year_of = func.coalesce(col(Plan.year), as_of.year)
    known = sorted({year or as_of.year for year in years} | {as_of.year})
    branches = []
    last = last_report_sql()
    due = col(Task.due_date)
    for recurrence in (*PERIODIC, "yearly"):
        kind = (
            col(Task.recurrence) == recurrence
            if recurrence in PERIODIC
            else col(Task.recurrence).not_in(PERIODIC)
        )
        for year in known:
            branches.append((and_(kind, year_of == year), _occurrence_sql(recurrence, year, last, due)))
    occurrence = (
        select(case(*branches, else_=null()))
        .where(col(Journal.task_id) == Task.id, report_sql())
        .correlate(Task, Plan)
        .scalar_subquery()
    )
    return type_coerce(
        case(
            (recurring_sql(), occurrence),
            (col(Task.deadline_type) == ONGOING, null()),
            else_=due,
        ),
        Date,
    )
