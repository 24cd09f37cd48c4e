"""The SQL twins of models.rules.lights (open, overdue, due within, the light), for the queries
that filter or count in the database; a test compares each with its rule day by day.

Apart from the rules so that importing the rules does not import SQLAlchemy (`duban show` reads
without it: models.reads.quick).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case
from sqlmodel import col

from models.rules.lights import CLOSED, Light, window_end
from models.storage.tables import Task


def open_sql() -> Any:
    return col(Task.status).not_in(CLOSED)


def overdue_sql(due: Any, as_of: dt.date) -> Any:
    """is_overdue in SQL, over an effective-due expression (deadlines_sql.effective_due_sql). A NULL
    due date compares as unknown, never true: no IS NOT NULL, so the expression is evaluated once."""
    return and_(due < as_of, open_sql())


def due_within_sql(due: Any, as_of: dt.date, days: int) -> Any:
    return and_(due.between(as_of, window_end(as_of, days)), open_sql())


def light_sql(due: Any, as_of: dt.date, due_soon_days: int) -> Any:
    """light in SQL, so the overview counts in the database."""
    return case(
        (col(Task.status).in_(CLOSED), Light.DONE.value),
        (due.is_(None), Light.GREY.value),
        (due < as_of, Light.RED.value),
        (due <= window_end(as_of, due_soon_days), Light.YELLOW.value),
        else_=Light.GREEN.value,
    )
