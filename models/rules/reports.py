"""What counts as a unit having reported on a task, and the day of its last report.

A report is a journal row of one of REPORT_ACTIONS (a progress update or a deferral). Its day is the
row's business day (`day`, the --as-of of the command) when it has one, else the date of its clock
time: rows written before business days existed only have the clock. The last report of a task is
the latest such day; the Python rule takes the two maxima a grouped query gives, the SQL twin
(models.rules.reports_sql) is that aggregate itself.
"""

from __future__ import annotations

import datetime as dt

REPORT_ACTIONS = ("update", "defer")


def is_report(action: str) -> bool:
    return action in REPORT_ACTIONS


def last_report(latest_day: dt.date | None, latest_at: dt.datetime | None) -> dt.date | None:
    """The last report's day from max(Journal.day) and max(Journal.at) over a task's reports."""
    if latest_day is not None:
        return latest_day
    return latest_at.date() if latest_at is not None else None
