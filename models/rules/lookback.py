"""The look-back's category of a task: the one bucket it is counted in as of a date.

Withdrawn tasks are not counted at all (the caller's scope). Every other task falls in exactly one
category, taken in this order:
  1. done         status done;
  (cancelled      beside the total, not in it: decided not to be done, it neither helps nor hurts;)
  2. overdue      open and its effective due date (models.rules.deadlines) is before the as-of
                  date: the rule of models.rules.lights, so a deferred task counts by its new date
                  and a recurring one by the period its unit has not reported for;
  3. ongoing      a 持续推进 / 长期坚持 / 每季度 point (deadline type ongoing or recurring) not overdue:
                  no date by which it could be late;
  4. in_progress  in progress, or deferred to a date not yet passed;
  5. not_started  the rest.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from models.rules.deadlines import is_standing
from models.rules.lights import is_overdue
from models.storage.kinds import TaskStatus


class Category(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    ONGOING = "ongoing"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    CANCELLED = "cancelled"  # beside the total, not in it


MOVING = (TaskStatus.IN_PROGRESS.value, TaskStatus.DEFERRED.value)


def category(status: str, deadline_type: str, due: dt.date | None, as_of: dt.date) -> Category:
    """The category of a task with this effective due date."""
    if status == TaskStatus.DONE.value:
        return Category.DONE
    if status == TaskStatus.CANCELLED.value:
        return Category.CANCELLED
    if is_overdue(status, due, as_of):
        return Category.OVERDUE
    if is_standing(deadline_type):
        return Category.ONGOING
    if status in MOVING:
        return Category.IN_PROGRESS
    return Category.NOT_STARTED
