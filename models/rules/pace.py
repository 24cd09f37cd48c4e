"""序时进度: how far a task's reported progress lags the share of its time window already used.

A task dated from its start to its due date should, by the day a fraction of that window has
passed, be about that fraction done. The light says how many percentage points it is behind:
green under `yellow` points, yellow from `yellow` to `red` points (both included), red beyond
`red` (defaults from practice: 10 and 30, config `[lifecycle] pace_yellow` / `pace_red`). It sits
beside the due-date light (models.rules.lights): a task can be on time by its date and still red
here, which is the point — it warns before the date does.

Pure: the caller gives the window's start (window_start below picks it from what the ledger knows)
and the effective due date. Comparisons are done in whole numbers (points x days), so a boundary
such as exactly 30 points behind is never decided by a rounding error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# Only tasks with one dated end have a window; recurring, ongoing and undated ones have no pace.
PACED_TYPES = ("date", "period_end")
CLOSED = ("done", "cancelled")


class PaceLight(StrEnum):
    GREEN = "green"  # on pace, or ahead
    YELLOW = "yellow"  # `yellow`..`red` points behind
    RED = "red"  # more than `red` points behind
    GREY = "grey"  # no window: undated, recurring, ongoing, or a start not before the due date
    DONE = "done"  # done or cancelled


@dataclass(frozen=True)
class Pace:
    light: PaceLight
    start: dt.date | None = None  # the window's first day
    due: dt.date | None = None  # its last day
    used: int | None = None  # share of the window used, whole percent (0..100)
    behind: int | None = None  # points behind (negative: ahead), rounded toward zero for display


def window_start(
    *,
    assigned_on: dt.date | None,
    imported_on: dt.date | None,
    plan_year: int | None,
    due: dt.date | None,
) -> dt.date | None:
    """Where a task's window begins: the day it was handed to its unit (交办, assigned_on) when
    known; else the day it entered the ledger, when that falls inside the plan year and before the
    due date (a plan issued in April starts its tasks in April); else 1 January of the plan year
    (an old plan loaded late, or one imported the December before its year)."""
    if assigned_on is not None:
        return assigned_on
    year_start = dt.date(plan_year, 1, 1) if plan_year else None
    if imported_on is not None:
        after_year_start = year_start is None or imported_on >= year_start
        before_due = due is None or imported_on < due
        if after_year_start and before_due:
            return imported_on
    return year_start


def pace(
    *,
    status: str,
    deadline_type: str,
    progress: int,
    start: dt.date | None,
    due: dt.date | None,
    as_of: dt.date,
    yellow: int,
    red: int,
) -> Pace:
    """The 序时进度 light of one task as of a date."""
    if status in CLOSED:
        return Pace(PaceLight.DONE, start, due)
    if deadline_type not in PACED_TYPES or start is None or due is None or start >= due:
        return Pace(PaceLight.GREY, start, due)
    total = (due - start).days
    elapsed = min(max((as_of - start).days, 0), total)
    # behind (points) = 100 * elapsed / total - progress; kept multiplied by total to stay whole.
    behind_x_total = 100 * elapsed - progress * total
    if behind_x_total > red * total:
        light = PaceLight.RED
    elif behind_x_total >= yellow * total:
        light = PaceLight.YELLOW
    else:
        light = PaceLight.GREEN
    return Pace(light, start, due, used=100 * elapsed // total, behind=int(behind_x_total / total))


@dataclass(frozen=True)
class PaceRung:
    """A ladder rung at a share of the window (models.settings.PaceLevel, restated: rules import no
    settings beyond what they need)."""

    level: str
    share: int  # percent of the window used
    light: str  # "yellow" or "red": the least the pace light must be


@dataclass(frozen=True)
class PaceDue:
    level: str
    trigger_date: dt.date  # the day the share was reached
    skipped: bool  # passed over because a higher rung is due too


_SEVERITY = {PaceLight.GREEN: 0, PaceLight.YELLOW: 1, PaceLight.RED: 2}


def share_day(start: dt.date, due: dt.date, share: int) -> dt.date:
    """The first day on which `share` percent of the window [start, due] is used."""
    total = (due - start).days
    return start + dt.timedelta(days=-(-share * total // 100))  # rounded up: the share is reached


def pace_rungs_due(current: Pace, rungs: list[PaceRung], as_of: dt.date) -> list[PaceDue]:
    """The rungs whose share of the window is reached by `as_of` while the task lags at least as
    much as each asks, up to its due date (past it the due-date ladder is in charge). Lower rungs
    due at once with a higher one are marked skipped, as the ladder does."""
    if current.start is None or current.due is None or current.light not in _SEVERITY or as_of > current.due:
        return []
    severity = _SEVERITY[current.light]
    reached = [
        (rung, day)
        for rung in sorted(rungs, key=lambda r: r.share)
        if (day := share_day(current.start, current.due, rung.share)) <= as_of
        and severity >= _SEVERITY[PaceLight(rung.light)]
    ]
    return [
        PaceDue(rung.level, day, skipped=index < len(reached) - 1)
        for index, (rung, day) in enumerate(reached)
    ]
