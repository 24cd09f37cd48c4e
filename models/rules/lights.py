"""Derived state of a task as of a date: open, overdue, the look-ahead window and the traffic light.
Never stored.

Every rule takes the task's effective due date (models.rules.deadlines.effective_due: a recurring
task's current occurrence, none for an ongoing one), so the ledger, the overview, the digest, the
ladder and the look-back agree on what is overdue. Each Python rule has its SQL twin in
models.rules.lights_sql, for the queries that filter or count in the database; a test compares the
two day by day. They are apart so that importing the rules does not import SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from models.storage.kinds import TaskStatus

CLOSED = (TaskStatus.DONE.value, TaskStatus.CANCELLED.value)


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"  # due within the configured number of days
    RED = "red"  # overdue
    GREY = "grey"  # ongoing, or no occurrence left to be due by
    DONE = "done"  # done or cancelled


def is_open(status: str) -> bool:
    return status not in CLOSED


def is_overdue(status: str, due: dt.date | None, as_of: dt.date, *, withdrawn: bool = False) -> bool:
    """Open, and its effective due date is before the as-of date."""
    return not withdrawn and is_open(status) and due is not None and due < as_of


def days_overdue(due: dt.date | None, as_of: dt.date) -> int:
    """How many days past its due date a task is as of a date: 0 when not past it or undated."""
    return (as_of - due).days if due is not None and due < as_of else 0


def window_end(as_of: dt.date, days: int) -> dt.date:
    """The last day of the look-ahead window: due "within N days" means up to as_of + N."""
    return as_of + dt.timedelta(days=days)


def is_due_within(status: str, due: dt.date | None, as_of: dt.date, days: int) -> bool:
    """Open and due from the as-of date to `days` days after it (the look-ahead window)."""
    return is_open(status) and due is not None and as_of <= due <= window_end(as_of, days)


def light(status: str, due: dt.date | None, as_of: dt.date, due_soon_days: int) -> Light:
    """The one function every view uses, so the CLI, digests and dashboard never disagree."""
    if status in CLOSED:
        return Light.DONE
    if due is None:
        return Light.GREY
    if due < as_of:
        return Light.RED
    if due <= window_end(as_of, due_soon_days):
        return Light.YELLOW
    return Light.GREEN
