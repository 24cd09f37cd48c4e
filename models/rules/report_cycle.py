"""The periods of the reporting cycle (报送) and the day a 签收 falls due. Pure: dates in, dates out.

A period is named by its label, "2026-11" (monthly) or "2026-Q4" (quarterly). Its report is due by
`report_day` of the period's last month (the 25th by default, clamped to the month's last day). The
period the 报送催办 chases on a day is the latest one whose due day has come, so a job that missed the
25th still chases the month on the next run, and never a period twice (the escalation's occurrence
is the period's due day).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from models.rules.calendar import WorkCalendar

MONTHLY, QUARTERLY, NONE = "monthly", "quarterly", "none"

# The levels the lifecycle adds to the ladder (Escalation.level): their own names, never a rung's.
ACK_LEVEL = "ack"  # 签收催办
REPORT_LEVEL = "report"  # 报送催办
LIFECYCLE_LEVELS = (ACK_LEVEL, REPORT_LEVEL)


@dataclass(frozen=True)
class Period:
    label: str  # "2026-11" or "2026-Q4"
    start: dt.date
    end: dt.date
    due: dt.date  # the report is due by this day


def period_of(day: dt.date, cycle: str, report_day: int) -> Period:
    """The period `day` falls in. A cycle of "none" files reports by month."""
    if cycle == QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        first, last = 3 * quarter - 2, 3 * quarter
        label = f"{day.year}-Q{quarter}"
    else:
        first = last = day.month
        label = f"{day.year}-{day.month:02d}"
    days_in_last = calendar.monthrange(day.year, last)[1]
    return Period(
        label,
        dt.date(day.year, first, 1),
        dt.date(day.year, last, days_in_last),
        dt.date(day.year, last, min(report_day, days_in_last)),
    )


def chased_period(as_of: dt.date, cycle: str, report_day: int) -> Period | None:
    """The latest period whose report was due by `as_of` (None when reports are not expected)."""
    if cycle not in (MONTHLY, QUARTERLY):
        return None
    current = period_of(as_of, cycle, report_day)
    if current.due <= as_of:
        return current
    return period_of(current.start - dt.timedelta(days=1), cycle, report_day)


def ack_due(assigned_on: dt.date, working_days: int, calendar_: WorkCalendar) -> dt.date:
    """The day an unacknowledged assignment is chased: `working_days` Chinese working days after
    the business day it was handed over (a task handed over before 国庆 waits out the holiday)."""
    return calendar_.shift(assigned_on, working_days, working_days=True)
