"""The lifecycle's own rungs beside the ladder: 签收催办 and 报送催办, raised by the escalation job.

A 签收催办 is due for an open task whose lead unit has not acknowledged it `ack_working_days`
Chinese working days after it was handed over; its occurrence is the hand-over day, so it is
raised once (a unit made lead again later is a new hand-over). A 报送催办 is due for an open task
whose lead unit has not reported for the latest period whose report day has come; its occurrence
is that report day, so it is raised once per period. Both are Escalation rows (unique per task,
level and occurrence) and reach only the units concerned: the lead units still owing the 签收 or
the report, not every unit of the task.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from models.reads.escalations import Raised
from models.reads.reporting import Pending, unacknowledged, unreported
from models.rules.calendar import WorkCalendar
from models.rules.ladder import Due
from models.rules.report_cycle import ACK_LEVEL, LIFECYCLE_LEVELS, REPORT_LEVEL, chased_period
from models.settings import LifecycleSettings
from models.storage.tables import Escalation

Key = tuple[str, str, dt.date]  # task code, level, occurrence


@dataclass
class LifecycleDues:
    dues: list[Due] = field(default_factory=list)
    # Who each due level is for: the lead units still owing the 签收 or the report.
    units: dict[Key, list[str]] = field(default_factory=dict)


def lifecycle_dues(
    session: Session, lifecycle: LifecycleSettings, *, as_of: dt.date, calendar: WorkCalendar
) -> LifecycleDues:
    """The 签收催办 and 报送催办 due by `as_of` that the ledger does not hold yet."""
    pending: list[tuple[str, Pending, dt.date]] = []
    if lifecycle.ack_working_days > 0:
        for row in unacknowledged(
            session, as_of=as_of, working_days=lifecycle.ack_working_days, calendar=calendar
        ).rows:
            if row.late and row.since is not None:
                pending.append((ACK_LEVEL, row, row.since))
    period = chased_period(as_of, lifecycle.report_cycle, lifecycle.report_day)
    if period is not None:
        pending += [(REPORT_LEVEL, row, period.due) for row in unreported(session, period, as_of=as_of).rows]
    held = _held(session, sorted({row.task_id for _, row, _ in pending}))
    found = LifecycleDues()
    units: dict[Key, list[str]] = defaultdict(list)
    for level, row, occurrence in pending:
        if (row.task_id, level, occurrence) in held:
            continue
        key = (row.code, level, occurrence)
        if key not in units:
            found.dues.append(Due(row.task_id, level, occurrence, row.due, skipped=False))
        units[key].append(row.unit)
    found.units = dict(units)
    return found


def _held(session: Session, task_ids: list[int]) -> set[tuple[int, str, dt.date]]:
    held: set[tuple[int, str, dt.date]] = set()
    for start in range(0, len(task_ids), 500):
        query = select(Escalation.task_id, Escalation.level, Escalation.occurrence).where(
            col(Escalation.task_id).in_(task_ids[start : start + 500]),
            col(Escalation.level).in_(LIFECYCLE_LEVELS),
        )
        held.update((t, lv, o) for t, lv, o in session.execute(query))
    return held


def address(raised: list[Raised], found: LifecycleDues) -> None:
    """Send each lifecycle level to the units owing it only (the level's "lead" recipients)."""
    for item in raised:
        owing = found.units.get((item.code, item.level, item.occurrence))
        if owing is not None:
            item.lead = sorted(set(owing))
