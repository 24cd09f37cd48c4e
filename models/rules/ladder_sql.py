"""The SQL side of models.rules.ladder: which tasks an escalation run reads at all.

Apart from the rules so that importing the rules does not import SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, exists, false, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import col

from models.rules.calendar import WorkCalendar
from models.rules.deadlines import ONGOING, RECURRING
from models.rules.deadlines_sql import standing_sql
from models.rules.ladder import horizon, reached_until
from models.rules.lights_sql import open_sql
from models.settings import CHECKIN, EscalationLevel
from models.storage.tables import Escalation, Task


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


def pending_sql(
    ladder: list[EscalationLevel], as_of: dt.date, calendar: WorkCalendar, *, checkin_day: int
) -> Any:
    """candidate_sql less the tasks that already hold every level due by `as_of`: what the
    escalation run must read. The day after a first run that is all but a few hundred of the dated
    and ongoing tasks of a hundred thousand; the levels left out would be found held and dropped.
    - A dated task's one occurrence is its due date (models.rules.deadlines) and an escalation row
      is (task, level, occurrence), so its levels due are those reached for its due date
      (models.rules.ladder.reached_until) and not held; a deferral makes a new due date, whose
      levels are not held.
    - An ongoing task's one level due is this month's check-in (models.rules.ladder._checkin), its
      occurrence the check-in day.
    Recurring tasks are all read: their occurrences are computed per period."""
    if not ladder:  # nothing is due (models.rules.ladder.due_levels): the plain candidates
        return candidate_sql(ladder, as_of)
    # A copy of the calendar: the days looked up to find the thresholds are not the tasks' own, and
    # must not add to the run's warnings.
    until = reached_until(ladder, as_of, WorkCalendar(calendar.extra))
    due = col(Task.due_date)
    # An alias: a query joining escalation to these tasks (held_levels) must not correlate it.
    held = aliased(Escalation)

    def holds(level: str, occurrence: Any) -> Any:
        return exists().where(held.task_id == Task.id, held.level == level, held.occurrence == occurrence)

    unraised = [and_(due <= day, ~holds(level, due)) for level, day in until.items()]
    return and_(
        candidate_sql(ladder, as_of),
        or_(
            col(Task.deadline_type) == RECURRING,
            and_(col(Task.deadline_type) == ONGOING, ~_checked_in(holds, as_of, checkin_day)),
            and_(~standing_sql(), or_(*unraised)),
        ),
    )


def _checked_in(holds: Callable[[str, Any], Any], as_of: dt.date, checkin_day: int) -> Any:
    """An ongoing task has no check-in left to raise by `as_of` (models.rules.ladder._checkin)."""
    if checkin_day <= 0:
        return true()  # check-ins are off
    try:
        day = as_of.replace(day=checkin_day)
    except ValueError:
        return false()  # no such day this month: _checkin fails, each task's failure is reported
    if day > as_of:
        return true()  # not this month's yet
    return holds(CHECKIN, day)
