"""Deadline types and the effective due date of a task: the one date every view counts from.

- A task with a date (date, period_end, or deferred to a date): that date.
- A recurring task (每季度, 每月…): the end of each period of its plan year (每季度: 3-31, 6-30,
  9-30, 12-31) is an occurrence; a report during a period (or after its start) fulfils it. Its
  effective due date is its current occurrence: the earliest one not yet fulfilled, so a quarter
  left unreported stays overdue until the unit reports, as the ladder escalates it. None once every
  occurrence of the year is fulfilled.
- An ongoing (standing) task (持续推进, 长期坚持): no due date; a monthly check-in asks for progress.
- A task without a deadline: no due date.

effective_due is the rule; effective_due_sql (models.rules.deadlines_sql, apart so that importing
the rules does not import SQLAlchemy) is its twin for the queries that filter, sort or count by due
date in the database (the ledger list, the overview, the counts, the look-back).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

ONGOING = "ongoing"  # standing work: checked in on monthly, never overdue
RECURRING = "recurring"  # due at the end of each period of its plan year
# Deadline types with no single date by which the task could be late: the look-back counts them
# apart and keeps them out of the rate; carry-over keeps their deadline as it is.
ONGOING_TYPES = (ONGOING, RECURRING)
# Recurrences with periods shorter than a year; any other recurrence is yearly.
PERIODIC = ("weekly", "monthly", "quarterly", "half-yearly")


@dataclass(frozen=True)
class TaskFacts:
    """What the deadline rules and the ladder need of a task."""

    task_id: int
    status: str
    deadline_type: str
    due_date: dt.date | None
    recurrence: str | None
    plan_year: int | None
    last_report: dt.date | None = None  # the day of its latest report (models.rules.reports)


def is_standing(deadline_type: str) -> bool:
    """Ongoing or recurring: no single date by which it could be late (look-back, carry-over)."""
    return deadline_type in ONGOING_TYPES


def period_ends(recurrence: str, year: int, due: dt.date | None) -> list[dt.date]:
    """The ends of the periods of a recurrence in a year, in order."""

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
        return [_in_year(due, year)]
    return [dt.date(year, 12, 31)]


def _in_year(due: dt.date, year: int) -> dt.date:
    return dt.date(year, due.month, min(due.day, month_calendar.monthrange(year, due.month)[1]))


def periods(recurrence: str, year: int, due: dt.date | None) -> list[tuple[dt.date, dt.date]]:
    """(start, end) of each period: the first starts on 1 January, each next the day after."""
    ends = period_ends(recurrence, year, due)
    starts = [dt.date(year, 1, 1), *(end + dt.timedelta(days=1) for end in ends[:-1])]
    return list(zip(starts, ends, strict=True))


def occurrences(facts: TaskFacts, as_of: dt.date, horizon: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    """(occurrence, start of its period) pairs up to `horizon` for a task with due dates."""
    if facts.deadline_type == RECURRING and facts.recurrence:
        year = facts.plan_year or as_of.year
        return [
            (end, start) for start, end in periods(facts.recurrence, year, facts.due_date) if end <= horizon
        ]
    if facts.due_date is not None and facts.deadline_type != ONGOING:
        return [(facts.due_date, None)] if facts.due_date <= horizon else []
    return []


def fulfilled(facts: TaskFacts, period_start: dt.date | None) -> bool:
    """A recurring task's occurrence is met when the unit reported within (or after the start of)
    its period; a dated task's occurrence is met only by being closed."""
    return period_start is not None and facts.last_report is not None and facts.last_report >= period_start


def current_occurrence(facts: TaskFacts, as_of: dt.date, horizon: dt.date = dt.date.max) -> dt.date | None:
    """The earliest occurrence not yet fulfilled, if it is up to `horizon`."""
    for occurrence, period_start in occurrences(facts, as_of, horizon):
        if not fulfilled(facts, period_start):
            return occurrence
    return None


def effective_due(facts: TaskFacts, as_of: dt.date) -> dt.date | None:
    """The date the task is due by, whatever its status: its due date, a recurring task's current
    occurrence, None for ongoing and undated tasks (and a recurring one with its year fulfilled)."""
    return current_occurrence(facts, as_of)
