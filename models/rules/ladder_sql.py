"""The SQL side of models.rules.ladder: which tasks an escalation run reads at all.

Apart from the rules so that importing the rules does not import SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import col

from models.rules.deadlines_sql import standing_sql
from models.rules.ladder import horizon
from models.rules.lights_sql import open_sql
from models.settings import EscalationLevel
from models.storage.tables import Task


def candidate_sql(ladder: list[EscalationLevel], as_of: dt.date) -> Any:
    """Open tasks that can have a level due by `as_of` (what the escalation run reads): dated ones
    close enough, all recurring and ongoing ones (their occurrences are computed, not stored)."""
    return and_(
        col(Task.withdrawn).is_(False),
        open_sql(),
        or_(
            standing_sql(),
            and_(col(Task.due_date).is_not(None), col(Task.due_date) <= horizon(ladder, as_of)),
        ),
    )
