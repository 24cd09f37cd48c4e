"""The ladder's rungs at shares of the time window (序时进度, `[[lifecycle.pace_levels]]`): which are
due for the open dated tasks, as models.reads.escalations.due_now does for the day offsets.

A rung is recorded in the same Escalation table with the task's due date as its occurrence, so it
is raised once per due date (a deferral starts it again) and shows on the task page with the others.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.reads.pace import PacedTask, paces
from models.rules.ladder import Due
from models.rules.lights_sql import open_sql
from models.rules.pace import PACED_TYPES, PaceRung, pace_rungs_due
from models.settings import LifecycleSettings
from models.storage.tables import Escalation, Task


def pace_dues(session: Session, *, as_of: dt.date, lifecycle: LifecycleSettings) -> list[Due]:
    """Pace rungs due by `as_of` that the ledger does not hold yet (none when none is configured)."""
    if not lifecycle.pace_levels:
        return []
    candidates = (
        col(Task.withdrawn).is_(False),
        open_sql(),
        col(Task.deadline_type).in_(PACED_TYPES),
        col(Task.due_date) >= as_of,
    )
    rows = session.execute(
        select(Task.id, Task.code, Task.status, Task.progress, Task.due_date).where(*candidates)
    ).all()
    if not rows:
        return []
    ids = {code: task_id for task_id, code, *_ in rows}
    found = paces(
        session,
        [PacedTask(code, status, progress, due) for _, code, status, progress, due in rows],
        as_of=as_of,
        limits=lifecycle,
    )
    names = [level.level for level in lifecycle.pace_levels]
    held = {
        (task_id, level, occurrence)
        for task_id, level, occurrence in session.execute(
            select(Escalation.task_id, Escalation.level, Escalation.occurrence)
            .join(Task, col(Task.id) == Escalation.task_id)
            .where(*candidates, col(Escalation.level).in_(names))
        )
    }
    rungs = [PaceRung(level.level, level.share, level.light) for level in lifecycle.pace_levels]
    dues = []
    for code, current in found.items():
        for rung in pace_rungs_due(current, rungs, as_of):
            due = Due(ids[code], rung.level, current.due, rung.trigger_date, rung.skipped)  # type: ignore[arg-type]
            if (due.task_id, due.level, due.occurrence) not in held:
                dues.append(due)
    return dues
