"""The pure rules of models.rules: due dates, overdue, the light, the window, the look-back category,
reports and the ladder's horizon. No ledger here: the SQL twins are compared with these on a real
ledger, day by day, in test_overdue_agreement.py."""

from __future__ import annotations

import datetime as dt

import pytest

from models.rules.deadlines import TaskFacts, effective_due, is_standing, period_ends, periods
from models.rules.ladder import horizon
from models.rules.lights import Light, days_overdue, is_due_within, is_overdue, light, window_end
from models.rules.lookback import Category, category
from models.rules.reports import is_report, last_report
from models.settings import DEFAULT_LADDER, EscalationLevel

D = dt.date


def facts(kind: str, due: D | None = None, every: str | None = None, year: int | None = 2021, report=None):
    return TaskFacts(1, "not_started", kind, due, every, year, report)


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        (facts("date", D(2021, 3, 15)), D(2021, 3, 15)),
        (facts("period_end", D(2021, 5, 31)), D(2021, 5, 31)),
        (facts("none"), None),
        (facts("ongoing"), None),
        # An ongoing point never has a date to be late by, whatever was stored.
        (facts("ongoing", D(2021, 3, 1)), None),
        # Recurring: the first period not reported for.
        (facts("recurring", every="quarterly"), D(2021, 3, 31)),
        (facts("recurring", every="quarterly", report=D(2021, 3, 31)), D(2021, 6, 30)),
        # A report after a period's start fulfils that period too (reported on 1 April: Q1 and Q2).
        (facts("recurring", every="quarterly", report=D(2021, 4, 1)), D(2021, 9, 30)),
        (facts("recurring", every="quarterly", report=D(2021, 12, 1)), None),
        # A report from before the plan's year fulfils nothing of it.
        (facts("recurring", every="quarterly", report=D(2020, 12, 1)), D(2021, 3, 31)),
        (facts("recurring", every="monthly", report=D(2021, 2, 10)), D(2021, 3, 31)),
        (facts("recurring", every="half-yearly"), D(2021, 6, 30)),
        (facts("recurring", every="weekly"), D(2021, 1, 3)),  # the year's first Sunday
        (facts("recurring", every="yearly"), D(2021, 12, 31)),
        (facts("recurring", D(2021, 6, 30), "yearly"), D(2021, 6, 30)),
        # A stated yearly day moves into the plan's year; 29 February reads as the 28th.
        (facts("recurring", D(2024, 2, 29), "yearly"), D(2021, 2, 28)),
        # Last year's plan: its unreported first quarter.
        (facts("recurring", every="quarterly", year=2020), D(2020, 3, 31)),
        # A recurring point without a recurrence falls back to its date.
        (facts("recurring", D(2021, 7, 1)), D(2021, 7, 1)),
    ],
)
def test_the_effective_due_date(task: TaskFacts, expected: D | None) -> None:
    assert effective_due(task, D(2021, 4, 20)) == expected


def test_a_plan_without_a_year_takes_the_as_of_dates() -> None:
    task = facts("recurring", every="quarterly", year=None)
    assert effective_due(task, D(2022, 5, 1)) == D(2022, 3, 31)


def test_periods_start_the_day_after_the_previous_one_ends() -> None:
    assert periods("quarterly", 2021, None) == [
        (D(2021, 1, 1), D(2021, 3, 31)),
        (D(2021, 4, 1), D(2021, 6, 30)),
        (D(2021, 7, 1), D(2021, 9, 30)),
        (D(2021, 10, 1), D(2021, 12, 31)),
    ]
    sundays = period_ends("weekly", 2021, None)
    assert len(sundays) == 52 and all(day.weekday() == 6 for day in sundays)
    assert period_ends("monthly", 2024, None)[1] == D(2024, 2, 29)


def test_overdue_means_open_and_due_before_the_as_of_date() -> None:
    as_of = D(2021, 4, 20)
    assert is_overdue("in_progress", D(2021, 4, 19), as_of)
    assert is_overdue("deferred", D(2021, 4, 19), as_of)
    assert not is_overdue("in_progress", D(2021, 4, 20), as_of)  # due today is not late yet
    assert not is_overdue("done", D(2021, 1, 1), as_of)
    assert not is_overdue("cancelled", D(2021, 1, 1), as_of)
    assert not is_overdue("not_started", None, as_of)
    assert not is_overdue("not_started", D(2021, 1, 1), as_of, withdrawn=True)
    assert days_overdue(D(2021, 4, 10), as_of) == 10
    assert days_overdue(D(2021, 4, 20), as_of) == 0 and days_overdue(None, as_of) == 0


def test_the_light_and_the_look_ahead_window() -> None:
    as_of = D(2021, 4, 20)
    assert window_end(as_of, 14) == D(2021, 5, 4)
    assert light("not_started", D(2021, 4, 19), as_of, 14) is Light.RED
    assert light("not_started", D(2021, 4, 20), as_of, 14) is Light.YELLOW
    assert light("not_started", D(2021, 5, 4), as_of, 14) is Light.YELLOW
    assert light("not_started", D(2021, 5, 5), as_of, 14) is Light.GREEN
    assert light("not_started", None, as_of, 14) is Light.GREY
    assert light("done", D(2021, 1, 1), as_of, 14) is Light.DONE
    assert is_due_within("in_progress", D(2021, 5, 4), as_of, 14)
    assert not is_due_within("in_progress", D(2021, 4, 19), as_of, 14)  # overdue, not due soon
    assert not is_due_within("done", D(2021, 4, 25), as_of, 14)


@pytest.mark.parametrize(
    ("status", "kind", "due", "expected"),
    [
        ("done", "date", D(2021, 1, 1), Category.DONE),
        ("cancelled", "date", D(2021, 1, 1), Category.CANCELLED),
        ("not_started", "date", D(2021, 1, 1), Category.OVERDUE),
        # A recurring point past its unreported period is overdue, not "ongoing".
        ("not_started", "recurring", D(2021, 3, 31), Category.OVERDUE),
        ("in_progress", "recurring", D(2021, 6, 30), Category.ONGOING),
        ("in_progress", "ongoing", None, Category.ONGOING),
        ("deferred", "date", D(2021, 10, 15), Category.IN_PROGRESS),
        ("in_progress", "date", None, Category.IN_PROGRESS),
        ("not_started", "none", None, Category.NOT_STARTED),
    ],
)
def test_the_look_back_category(status: str, kind: str, due: D | None, expected: Category) -> None:
    assert category(status, kind, due, D(2021, 4, 20)) is expected


def test_what_counts_as_a_report() -> None:
    assert is_report("update") and is_report("defer")
    assert not is_report("schedule") and not is_report("carry_over") and not is_report("assign")
    # The business day wins over the clock; without one, the clock's date.
    assert last_report(D(2021, 3, 1), dt.datetime(2021, 6, 1, 9)) == D(2021, 3, 1)
    assert last_report(None, dt.datetime(2021, 6, 1, 9)) == D(2021, 6, 1)
    assert last_report(None, None) is None
    assert is_standing("ongoing") and is_standing("recurring") and not is_standing("date")


def test_the_ladder_looks_ahead_as_far_as_its_earliest_rung() -> None:
    as_of = D(2021, 4, 20)
    # DEFAULT_LADDER's reminder is 7 days before: twice that and two weeks' margin for holidays.
    assert horizon(DEFAULT_LADDER, as_of) == as_of + dt.timedelta(days=28)
    late_only = [EscalationLevel(level="late", name="逾期", offset_days=3, recipients=["lead"])]
    assert horizon(late_only, as_of) == as_of + dt.timedelta(days=14)
