"""序时进度 (models.rules.pace): the light's boundaries, the window's start, and the config that sets them.

A window of 100 days makes one day one point: 2021-01-01 .. 2021-04-11.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from models.rules.pace import PaceLight, pace, window_start
from models.settings import LifecycleSettings

D = dt.date
START = D(2021, 1, 1)
DUE = START + dt.timedelta(days=100)


def light(progress: int, day: int, *, status: str = "in_progress", kind: str = "date") -> PaceLight:
    """The light with `day` days of the 100-day window used and `progress` percent reported."""
    as_of = START + dt.timedelta(days=day)
    return pace(
        status=status,
        deadline_type=kind,
        progress=progress,
        start=START,
        due=DUE,
        as_of=as_of,
        yellow=10,
        red=30,
    ).light


@pytest.mark.parametrize(
    ("progress", "day", "expected"),
    [
        (50, 50, PaceLight.GREEN),  # on pace
        (41, 50, PaceLight.GREEN),  # 9 points behind
        (40, 50, PaceLight.YELLOW),  # exactly 10 behind: yellow
        (20, 50, PaceLight.YELLOW),  # exactly 30 behind: still yellow
        (19, 50, PaceLight.RED),  # 31 behind: red
        (100, 50, PaceLight.GREEN),  # ahead
        (0, 9, PaceLight.GREEN),  # 9 days in, nothing done: 9 behind
        (0, 10, PaceLight.YELLOW),
        (0, 31, PaceLight.RED),
        (70, 150, PaceLight.YELLOW),  # past the due date the whole window is used: 30 behind
        (69, 150, PaceLight.RED),
        (0, -20, PaceLight.GREEN),  # before the window opens nothing is expected
    ],
)
def test_the_light_turns_yellow_at_10_points_behind_and_red_beyond_30(progress, day, expected):
    assert light(progress, day) is expected


def test_a_boundary_between_whole_days_is_decided_exactly():
    # 3 days of a 7-day window used (42.857…%): 32 % reported is 10.857 behind (yellow), 33 % is
    # 9.857 behind (green); the rule compares whole numbers, never a rounded share.
    week = dict(status="in_progress", deadline_type="date", start=START, due=START + dt.timedelta(days=7))
    on = START + dt.timedelta(days=3)
    assert pace(progress=32, as_of=on, yellow=10, red=30, **week).light is PaceLight.YELLOW
    assert pace(progress=33, as_of=on, yellow=10, red=30, **week).light is PaceLight.GREEN


def test_closed_undated_and_recurring_tasks_have_no_pace():
    assert light(0, 90, status="done") is PaceLight.DONE
    assert light(0, 90, status="cancelled") is PaceLight.DONE
    assert light(0, 90, kind="recurring") is PaceLight.GREY
    assert light(0, 90, kind="ongoing") is PaceLight.GREY
    assert light(0, 90, kind="none") is PaceLight.GREY
    no_start = pace(
        status="in_progress",
        deadline_type="date",
        progress=0,
        start=None,
        due=DUE,
        as_of=DUE,
        yellow=10,
        red=30,
    )
    assert no_start.light is PaceLight.GREY
    empty = pace(
        status="in_progress",
        deadline_type="date",
        progress=0,
        start=DUE,
        due=DUE,
        as_of=DUE,
        yellow=10,
        red=30,
    )
    assert empty.light is PaceLight.GREY  # a window of no days measures nothing


def test_the_pace_says_how_much_time_is_used_and_how_far_behind():
    found = pace(
        status="in_progress",
        deadline_type="period_end",
        progress=25,
        start=START,
        due=DUE,
        as_of=START + dt.timedelta(days=60),
        yellow=10,
        red=30,
    )
    assert (found.light, found.used, found.behind, found.start, found.due) == (
        PaceLight.RED,
        60,
        35,
        START,
        DUE,
    )


def test_the_window_starts_at_handing_over_else_the_import_day_in_the_plan_year_else_1_january():
    due = D(2021, 6, 30)
    assert window_start(assigned_on=D(2021, 3, 2), imported_on=D(2021, 2, 1), plan_year=2021, due=due) == D(
        2021, 3, 2
    )
    # Imported in April for the plan year: its tasks start in April.
    assert window_start(assigned_on=None, imported_on=D(2021, 4, 6), plan_year=2021, due=due) == D(2021, 4, 6)
    # Imported the December before its year: the year's start.
    assert window_start(assigned_on=None, imported_on=D(2020, 12, 20), plan_year=2021, due=due) == D(
        2021, 1, 1
    )
    # An old plan loaded after the due date: the import day measures nothing, the year's start does.
    assert window_start(assigned_on=None, imported_on=D(2026, 12, 3), plan_year=2021, due=due) == D(
        2021, 1, 1
    )
    assert window_start(assigned_on=None, imported_on=None, plan_year=2021, due=due) == D(2021, 1, 1)
    assert window_start(assigned_on=None, imported_on=D(2021, 5, 1), plan_year=None, due=due) == D(2021, 5, 1)
    assert window_start(assigned_on=None, imported_on=None, plan_year=None, due=due) is None


def test_the_thresholds_come_from_the_config_and_yellow_cannot_exceed_red():
    assert (LifecycleSettings().pace_yellow, LifecycleSettings().pace_red) == (10, 30)
    with pytest.raises(ValidationError, match="pace_yellow"):
        LifecycleSettings(pace_yellow=40, pace_red=30)
    with pytest.raises(ValidationError):
        LifecycleSettings(pace_red=101)
