"""What the due-date rules need from the ledger: the plan years and the tasks' last reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from models.rules.deadlines_sql import effective_due_sql
from models.rules.reports import last_report
from models.rules.reports_sql import report_sql
from models.storage.tables import Journal, Plan, Task


def effective_due_column(session: Session, as_of: dt.date) -> Any:
    """models.rules.deadlines_sql.effective_due_sql for this ledger (over Task joined to its Plan)."""
    years = session.scalars(select(Plan.year).distinct()).all()
    return effective_due_sql(as_of, years)


def last_reports_sql(where: Any = None) -> Select:
    """(task id, max(day), max(at)) of the report rows of the tasks `where` selects (none: every
    task not withdrawn), grouped by task: models.rules.reports.last_report takes the two maxima."""
    return (
        select(Journal.task_id, func.max(Journal.day), func.max(Journal.at))
        .join(Task, col(Task.id) == Journal.task_id)
        .where(col(Task.withdrawn).is_(False) if where is None else where, report_sql())
        .group_by(Journal.task_id)
    )


def last_reports(session: Session, where: Any = None) -> dict[int, dt.date]:
    """task id -> the day of its last report (models.rules.reports), for the tasks `where` selects
    (none: every task not withdrawn), in one grouped query."""
    found = {}
    for task_id, day, at in session.connection().execute(last_reports_sql(where)):  # tuples, no ORM rows
        report = last_report(day, at)
        if task_id is not None and report is not None:
            found[task_id] = report
    return found
