"""The SQL twin of models.rules.lookback's category, for the look-back's grouped counts.

Apart from the rules so that importing the rules does not import SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case
from sqlmodel import col

from models.rules.deadlines_sql import standing_sql
from models.rules.lights_sql import overdue_sql
from models.rules.lookback import MOVING, Category
from models.storage.kinds import TaskStatus
from models.storage.tables import Task


def category_sql(due: Any, as_of: dt.date) -> Any:
    """category in SQL, over an effective-due expression (deadlines.effective_due_sql)."""
    status = col(Task.status)
    return case(
        (status == TaskStatus.DONE.value, Category.DONE.value),
        (status == TaskStatus.CANCELLED.value, Category.CANCELLED.value),
        (overdue_sql(due, as_of), Category.OVERDUE.value),
        (standing_sql(), Category.ONGOING.value),
        (status.in_(MOVING), Category.IN_PROGRESS.value),
        else_=Category.NOT_STARTED.value,
    )
