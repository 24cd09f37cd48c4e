"""Changes a signed-in user makes to a task (the dashboard's forms and API): the permission rule of
models.users checked in the same transaction as the write, then models.ledger does the write.

The journal rows carry the user's name and the business day of the change. Only the office and
admins may name that day (the demo walks through a year; a late report is back-filled); everyone
else records today, because the ladder reads the newest journal day as "reported since": a unit
that could post for 2099-12-31 would silence its own reminders.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.errors import BadInput, PermissionDenied
from models.ledger import defer_task, get_task, update_task
from models.tables import Task, User
from models.users import is_office, may_update


def change_day(user: User, requested: dt.date | None, *, today: dt.date) -> dt.date:
    """The business day a change by `user` is journaled for: the requested day for the office and
    admins, today (in the configured timezone, passed in) for everyone else."""
    return requested if requested is not None and is_office(user) else today


def _allowed(session: Session, user: User, code: str) -> Task:
    task = get_task(session, code)
    if not may_update(session, user, task):
        raise PermissionDenied(code="task.permission_denied", task=task.code)
    return task


def update_as(
    session: Session,
    user: User,
    code: str,
    *,
    version: int,
    day: dt.date | None,
    today: dt.date,
    status: str | None = None,
    progress: int | None = None,
    note: str = "",
    evidence: str = "",
) -> Task:
    """Status / progress / note / evidence, against the version the user read (Conflict if stale);
    journaled for `change_day(user, day, today=today)`."""
    task = _allowed(session, user, code)
    if status in (None, task.status) and progress in (None, task.progress) and not note and not evidence:
        # A form sent back unchanged is not a progress report: it would count as one for the ladder.
        raise BadInput(code="task.update.nothing", field=("status", "progress", "note", "evidence"))
    return update_task(
        session,
        task.code,
        actor=user.name,
        status=status,
        progress=progress,
        note=note,
        evidence=evidence,
        expected_version=version,
        day=change_day(user, day, today=today),
    )


def defer_as(
    session: Session,
    user: User,
    code: str,
    *,
    version: int,
    day: dt.date | None,
    today: dt.date,
    to: dt.date,
    reason: str,
) -> Task:
    """A new due date with its reason, against the version the user read (Conflict if stale);
    journaled for `change_day(user, day, today=today)`."""
    task = _allowed(session, user, code)
    return defer_task(
        session,
        task.code,
        to=to,
        reason=reason,
        actor=user.name,
        expected_version=version,
        day=change_day(user, day, today=today),
    )
