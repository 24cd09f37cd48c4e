"""The permission table applied to an actor: one check every use case makes before it writes."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.reads.users import unit_assigned
from models.rules.permissions import Action, Grant, Role, allowed, grant
from models.storage.tables import Task
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import ADMIN_ONLY, OFFICE_ONLY, TASK_DENIED, Denied


def require(actor: Actor, action: Action, *, message: str | None = None) -> None:
    """Refuse (Denied) unless the table gives the actor's role this action at all."""
    if not allowed(actor.role, action):
        raise Denied(message or _default(action), action=action)


def owns_task(session: Session, actor: Actor, task: Task) -> bool:
    """Whether the actor's unit leads or supports the task."""
    return unit_assigned(session, task, actor.unit_id)


def may_on_task(session: Session, actor: Actor, action: Action, task: Task) -> bool:
    """The table's answer for this actor, action and task (reads the assignment only when needed)."""
    cell = grant(actor.role, action)
    if cell is Grant.OWN_UNIT:
        return owns_task(session, actor, task)
    return cell is Grant.YES


def require_on_task(session: Session, actor: Actor, action: Action, task: Task) -> None:
    if not may_on_task(session, actor, action, task):
        raise Denied(TASK_DENIED.format(code=task.code), action=action, field="task")


def business_day(actor: Actor, requested: dt.date | None, *, today: dt.date) -> dt.date:
    """The day a change is journalled for: the requested day for those the table lets backdate (the
    office, admins, jobs), today for everyone else — the ladder reads the newest journal day as
    "reported since", so a unit that could post for 2099-12-31 would silence its own reminders."""
    return requested if requested is not None and allowed(actor.role, Action.BACKDATE) else today


def _default(action: Action) -> str:
    if grant(Role.OFFICE, action) is Grant.NO:
        return ADMIN_ONLY
    return OFFICE_ONLY
