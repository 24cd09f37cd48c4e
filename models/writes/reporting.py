"""签收 and periodic reports (报送) written to the ledger, each with its journal row.

Callers hand in a session of models.storage.db.write_session (one use case, one transaction) and
have asked the permission table first (workflows.use_cases.reporting).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from models.rules import bounds
from models.storage.tables import Assignment, Journal, Task, TaskReport, Unit, utcnow
from models.vocabulary.i18n import _


def lead_assignments(
    session: Session, task: Task, unit_id: int | None = None
) -> list[tuple[Assignment, str]]:
    """The task's lead assignments (of one unit, when given), with the units' names."""
    query = (
        select(Assignment, Unit.name)
        .join(Unit)
        .where(Assignment.task_id == task.id, Assignment.role == "lead")
        .order_by(Assignment.id)
    )
    if unit_id is not None:
        query = query.where(Assignment.unit_id == unit_id)
    return [(assignment, name) for assignment, name in session.exec(query)]


def acknowledge(
    session: Session, task: Task, assignment: Assignment, unit: str, *, actor: str, day: dt.date
) -> bool:
    """Record the unit's 签收 of the task (False: it had acknowledged already, nothing written)."""
    if assignment.acknowledged_at is not None:
        return False
    assignment.acknowledged_at = utcnow()
    assignment.acknowledged_by = actor
    session.add(assignment)
    session.add(
        Journal(
            task_id=task.id,
            day=day,
            actor=actor,
            action="acknowledge",
            field=f"unit:{unit}",
            old="",
            new=day.isoformat(),
        )
    )
    session.flush()
    return True


def file_report(
    session: Session,
    task: Task,
    *,
    unit_id: int | None,
    unit: str,
    role: str,
    period: str,
    day: dt.date,
    progress: int,
    text: str,
    evidence: str,
    actor: str,
) -> TaskReport:
    """A unit's report for a period (a later one for the same period replaces it on display; both
    are kept), journalled with its period. A "report" row is no progress update of the task (the
    ladder's "reported since" reads updates): the lead unit's report is one as well, written by the
    update use case; a supporting unit's part is not."""
    bounds.check_text(text, _("progress note"), limit=bounds.MAX_NOTE)
    bounds.check_text(evidence, _("evidence"), limit=bounds.MAX_NOTE)
    report = TaskReport(
        task_id=task.id,  # type: ignore[arg-type]
        unit_id=unit_id,
        role=role,
        period=period,
        day=day,
        progress=progress,
        text=text,
        evidence=evidence,
        submitted_by=actor,
    )
    session.add(report)
    session.add(
        Journal(
            task_id=task.id,
            day=day,
            actor=actor,
            action="report",
            field=f"unit:{unit}",
            old="",
            new=f"{period} {progress}%",
            note=text,
            evidence=evidence,
        )
    )
    session.flush()
    return report
