"""The SQL twins of models.rules.reports, for the queries that find reports in the database.

Apart from the rules so that importing the rules does not import SQLAlchemy (`duban show` reads
without it: models.reads.quick).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, func, type_coerce
from sqlmodel import col

from models.rules.reports import REPORT_ACTIONS
from models.storage.tables import Journal


def report_sql() -> Any:
    """The journal rows that are reports (a WHERE condition on Journal)."""
    return col(Journal.action).in_(REPORT_ACTIONS)


def last_report_sql() -> Any:
    """last_report as a SQL aggregate over a task's report rows (group by or correlate on task_id)."""
    return type_coerce(
        func.coalesce(func.max(Journal.day), func.date(func.max(Journal.at))),
        Date,
    )
