"""The escalation ladder as a pure function of (task, as-of date): which levels are due, for which
occurrence. Nothing here reads or writes the ledger; models.reads.escalations (which levels are
due) and models.writes.escalations (recording them) do that around it.

An occurrence is a due date the ladder counts from (models.rules.deadlines: a task's dates, a
recurring task's period ends unless fulfilled by a report); a deferral makes a new one. An ongoing
task has no due date, so a monthly check-in (level "checkin") asks for progress, unless the unit
reported within the month before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.rules.calendar import WorkCalendar
from models.rules.deadlines import ONGOING, TaskFacts, fulfilled, occurrences
from models.rules.lights import CLOSED
from models.settings import CHECKIN, EscalationLevel  # CHECKIN there: settings refuses it as a rung
from models.vocabulary import _

CHECKIN_NAME = _("progress check-in")
# A check-in is not sent when the unit reported within this many days before it.
CHECKIN_QUIET_DAYS = 28


@dataclass(frozen=True)
class Due:
    task_id: int
    level: str
    occurrence: dt.date
    trigger_date: dt.date
    skipped: bool  # passed over because a higher level of the same occurrence is due too


def horizon(ladder: list[EscalationLevel], as_of: dt.date) -> dt.date:
    """The last occurrence a level can be due for by `as_of`: a level with a negative offset fires
    before its occurrence, and working-day offsets stretch over holidays (国庆 is 7 days), so look
    a generous way ahead."""
    lead_days = max([0, *(-level.offset_days for level in ladder)])
    return as_of + dt.timedelta(days=lead_days * 2 + 14)


def reached_until(
    ladder: list[EscalationLevel], as_of: dt.date, calendar: WorkCalendar
) -> dict[str, dt.date]:
    """Level -> the last due date for which it is reached by `as_of` (its trigger day on or before
    `as_of`): a dated task's occurrence is its due date, and a later one triggers no earlier (a
    shift by days or working days never goes back when its start moves forward), so the level is
    reached exactly for the due dates up to this one. `calendar` should be a copy of the run's:
    the days looked up here are not the tasks' own, and must not add to its warnings."""
    found = {}
    for level in ladder:
        if not level.working_days or level.offset_days == 0:
            found[level.level] = as_of - dt.timedelta(days=level.offset_days)
            continue
        # A working-day shift is at least as long as a calendar-day one: start from there, step back
        # while the trigger is after `as_of`, then forward while the next day's is not.
        day = as_of - dt.timedelta(days=level.offset_days)
        while calendar.shift(day, level.offset_days, working_days=True) > as_of:
            day -= dt.timedelta(days=1)
        while calendar.shift(day + dt.timedelta(days=1), level.offset_days, working_days=True) <= as_of:
            day += dt.timedelta(days=1)
        found[level.level] = day
    return found


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
    if facts.deadline_type == ONGOING:
        return _checkin(facts, as_of, checkin_day)
    found: list[Due] = []
    for occurrence, period_start in occurrences(facts, as_of, horizon(ladder, as_of)):
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
