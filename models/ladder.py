"""The escalation ladder as a pure function of (task, as-of date): which levels are due, for which
occurrence. Nothing here reads or writes the ledger; models.escalations does that around it.

An occurrence is a due date the ladder counts from:
- a task with a date (date, period_end, or deferred to a date): that date; a deferral makes a new one;
- a recurring task: the end of each period of its plan year (每季度: 3-31, 6-30, 9-30, 12-31),
  unless the unit reported during that period, which fulfils it;
- an ongoing task: no due date, so a monthly check-in (level "checkin") asks for progress, unless
  the unit reported within the month before it.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

from models.calendar import WorkCalendar
from models.lights import CLOSED
from models.settings import CHECKIN, EscalationLevel  # CHECKIN there: settings refuses it as a rung

CHECKIN_NAME = "进展调度"
# A check-in is not sent when the unit reported within this many days before it.
CHECKIN_QUIET_DAYS = 28


@dataclass(frozen=True)
class TaskFacts:
    """What the ladder needs of a task (read set-based by models.escalations)."""

    task_id: int
    status: str
    deadline_type: str
    due_date: dt.date | None
    recurrence: str | None
    plan_year: int | None
    last_report: dt.date | None = None  # the day of its latest progress report or deferral


@dataclass(frozen=True)
class Due:
    task_id: int
    level: str
    occurrence: dt.date
    trigger_date: dt.date
    skipped: bool  # passed over because a higher level of the same occurrence is due too


def occurrences(facts: TaskFacts, as_of: dt.date, horizon: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    """(occurrence, start of its period) pairs up to `horizon` for a task with due dates."""
    if facts.deadline_type == "recurring" and facts.recurrence:
        year = facts.plan_year or as_of.year
        ends = _period_ends(facts.recurrence, year, facts.due_date)
        starts = [dt.date(year, 1, 1), *(end + dt.timedelta(days=1) for end in ends[:-1])]
        return [(end, start) for end, start in zip(ends, starts, strict=True) if end <= horizon]
    if facts.due_date is not None and facts.deadline_type != "ongoing":
        return [(facts.due_date, None)] if facts.due_date <= horizon else []
    return []


def fulfilled(facts: TaskFacts, period_start: dt.date | None) -> bool:
    """A recurring task's occurrence is met when the unit reported within (or after the start of)
    its period; a dated task's occurrence is met only by being closed."""
    return period_start is not None and facts.last_report is not None and facts.last_report >= period_start


def current_occurrence(facts: TaskFacts, as_of: dt.date, horizon: dt.date) -> dt.date | None:
    """The date a task is due by, if it is up to `horizon`: its due date, or for a recurring task
    the earliest occurrence not yet fulfilled (so a quarter left unreported stays overdue until the
    unit reports, as the ladder escalates it); None for ongoing and undated tasks."""
    for occurrence, period_start in occurrences(facts, as_of, horizon):
        if not fulfilled(facts, period_start):
            return occurrence
    return None


def _period_ends(recurrence: str, year: int, due: dt.date | None) -> list[dt.date]:
    def month_end(month: int) -> dt.date:
        return dt.date(year, month, month_calendar.monthrange(year, month)[1])

    if recurrence == "monthly":
        return [month_end(m) for m in range(1, 13)]
    if recurrence == "quarterly":
        return [month_end(m) for m in (3, 6, 9, 12)]
    if recurrence == "half-yearly":
        return [month_end(6), month_end(12)]
    if recurrence == "weekly":  # each Sunday of the year
        day = dt.date(year, 1, 1) + dt.timedelta(days=6 - dt.date(year, 1, 1).weekday())
        return [day + dt.timedelta(weeks=w) for w in range(53) if (day + dt.timedelta(weeks=w)).year == year]
    # yearly: the stated day if the document gave one (29 February read as the 28th), else year end
    if due is not None:
        return [dt.date(year, due.month, min(due.day, month_calendar.monthrange(year, due.month)[1]))]
    return [dt.date(year, 12, 31)]


def due_levels(
    facts: TaskFacts,
    as_of: dt.date,
    ladder: list[EscalationLevel],
    calendar: WorkCalendar,
    *,
    checkin_day: int = 1,
) -> list[Due]:
    """Every (level, occurrence) due on or before `as_of`, raised or not: the caller subtracts what
    the ledger already holds. Lower levels passed over by a higher one come back marked skipped."""
    if facts.status in CLOSED or not ladder:
        return []
    if facts.deadline_type == "ongoing":
        return _checkin(facts, as_of, checkin_day)
    found: list[Due] = []
    # A level with a negative offset fires before its occurrence: look that far ahead.
    lead_days = max(0, -min(level.offset_days for level in ladder))
    horizon = as_of + dt.timedelta(days=lead_days * 2 + 14)
    for occurrence, period_start in occurrences(facts, as_of, horizon):
        if fulfilled(facts, period_start):
            continue  # the unit reported within the period
        triggers = [
            (level, calendar.shift(occurrence, level.offset_days, working_days=level.working_days))
            for level in ladder
        ]
        reached = [(level, day) for level, day in triggers if day <= as_of]
        for index, (level, day) in enumerate(reached):
            found.append(Due(facts.task_id, level.level, occurrence, day, skipped=index < len(reached) - 1))
    return found


def _checkin(facts: TaskFacts, as_of: dt.date, checkin_day: int) -> list[Due]:
    if checkin_day <= 0:
        return []
    if facts.plan_year is not None and as_of.year != facts.plan_year:
        return []  # check-ins run through the plan's own year
    day = as_of.replace(day=checkin_day)
    if day > as_of:
        return []
    if facts.last_report and (day - facts.last_report).days <= CHECKIN_QUIET_DAYS:
        return []
    return [Due(facts.task_id, CHECKIN, day, day, skipped=False)]
