"""Derived state of a task as of a date: overdue and the traffic light. Never stored."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from models.tables import TaskStatus

CLOSED = (TaskStatus.DONE.value, TaskStatus.CANCELLED.value)


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"  # due within the configured number of days
    RED = "red"  # overdue
    GREY = "grey"  # ongoing, recurring or without a date
    DONE = "done"  # done or cancelled


def is_overdue(status: str, due_date: dt.date | None, as_of: dt.date, *, withdrawn: bool = False) -> bool:
    return not withdrawn and status not in CLOSED and due_date is not None and due_date < as_of


def light(status: str, due_date: dt.date | None, as_of: dt.date, due_soon_days: int) -> Light:
    """The one function every view uses, so the CLI, digests and dashboard never disagree."""
    if status in CLOSED:
        return Light.DONE
    if due_date is None:
        return Light.GREY
    if due_date < as_of:
        return Light.RED
    if (due_date - as_of).days <= due_soon_days:
        return Light.YELLOW
    return Light.GREEN
