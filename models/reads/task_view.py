"""One task as the dashboard shows it: its detail and journal, the escalations raised for it, the
notices sent about them, and whether the signed-in user may change it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models.reads.escalations import EscalationRow, escalations_of
from models.reads.notices import NoticeRow
from models.reads.queries import TaskDetail, task_detail
from models.reads.tasks import get_task
from models.reads.users import may_update
from models.storage.tables import Notice, NoticeKind, User


@dataclass
class TaskView:
    detail: TaskDetail
    escalations: list[EscalationRow]
    notices: list[NoticeRow]
    may_update: bool


def task_view(session: Session, code: str, *, user: User, as_of: dt.date, due_soon_days: int) -> TaskView:
    task = get_task(session, code)
    detail = task_detail(session, task, as_of=as_of, due_soon_days=due_soon_days)
    escalations = escalations_of(session, task.id)  # type: ignore[arg-type]
    days = sorted({e.raised_on for e in escalations if not e.skipped})
    return TaskView(
        detail,
        escalations,
        escalation_notices(session, days, [*detail.lead, *detail.support]),
        may_update(session, user, task),
    )


def escalation_notices(session: Session, days: list[dt.date], units: list[str]) -> list[NoticeRow]:
    """The escalation notices to the task's units on the days its levels were raised.

    workflows.escalate queues one notice per recipient and run, period "<as-of day>/E<first id>",
    to "unit:<name>": a notice found here lists this task among that day's items. Notices to the
    office or a leader are not tied to one unit's tasks and are left out.
    """
    if not days or not units:
        return []
    query = (
        select(
            Notice.id,
            Notice.kind,
            Notice.period,
            Notice.recipient,
            Notice.subject,
            Notice.created_at,
            Notice.sent_at,
            Notice.attempts,
            Notice.last_error,
        )
        .where(
            col(Notice.kind) == NoticeKind.ESCALATION.value,
            col(Notice.recipient).in_([f"unit:{name}" for name in units]),
            or_(*(col(Notice.period).startswith(f"{day.isoformat()}/") for day in days)),
        )
        .order_by(col(Notice.id))
    )
    return [NoticeRow(*row) for row in session.execute(query)]
