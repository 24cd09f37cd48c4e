"""What people do to one task: report progress, defer it, give it a due date, change its units.

Each function is one transaction: the permission table is asked with the task in hand (a unit user
acts on its own unit's tasks only), then models.writes.ledger writes the change and its journal rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from models.errors import Conflict
from models.rules.permissions import STATUSES, Action, may_set_status
from models.storage.db import write_session
from models.storage.tables import Role as UnitRole
from models.storage.tables import Task
from models.vocabulary import STATUSES as STATUSES_SHOWN
from models.vocabulary import word
from models.vocabulary.i18n import N_, _
from models.writes import ledger
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid, Stale
from workflows.use_cases.guard import business_day, may_on_task, require_on_task

NOTHING_TO_UPDATE = _(
    "nothing to update: change the status or progress, or write a progress note or evidence"
)
STATUS_DENIED = _("no right to move task {code} from “{old}” to “{new}”")
# What a unit does instead of setting a status the office decides (models.rules.permissions).
STATUS_HINTS = {
    "done": N_("submit a completion request; the office signs it off"),
    "deferred": N_("ask for an extension; the office approves it"),
    "cancelled": N_("a task is cancelled only by the office, with a reason"),
}


@dataclass(frozen=True)
class TaskChanged:
    """A task after a change: what every face reports back (and the page redirects to)."""

    code: str
    status: str
    progress: int
    version: int
    due_date: dt.date | None
    deadline_type: str
    day: dt.date  # the business day the change was journalled for

    @classmethod
    def of(cls, task: Task, day: dt.date) -> TaskChanged:
        return cls(
            task.code, task.status, task.progress, task.version, task.due_date, task.deadline_type, day
        )


@dataclass(frozen=True)
class UnitAssigned:
    code: str
    unit: str
    role: str  # lead / support, "" once removed
    changed: bool


def update_task(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    today: dt.date,
    day: dt.date | None = None,
    status: str | None = None,
    progress: int | None = None,
    note: str = "",
    evidence: str = "",
    version: int | None = None,
) -> TaskChanged:
    """Status / progress / note / evidence, against the version the actor read (Stale if changed
    since). A change that changes nothing is refused, from every face: an "update" row in the
    journal counts as a report for the check-ins and the ladder."""
    with write_session(engine) as session:
        task = _task_for(session, actor, Action.UPDATE_TASK, code)
        chosen = business_day(actor, day, today=today)
        written = apply_update(
            session,
            actor,
            task,
            day=chosen,
            status=status,
            progress=progress,
            note=note,
            evidence=evidence,
            version=version,
        )
        return TaskChanged.of(written, chosen)


def apply_update(
    session: Session,
    actor: Actor,
    task: Task,
    *,
    day: dt.date,
    status: str | None = None,
    progress: int | None = None,
    note: str = "",
    evidence: str = "",
    version: int | None = None,
) -> Task:
    """The update inside a caller's transaction (a periodic report is a progress update too): the
    status rule of the permission table, then the write. The caller has asked for the task."""
    refusal = status_refusal(actor, task, status)
    if refusal is not None:
        raise Denied(refusal, action=Action.UPDATE_TASK, field="status")
    if status in (None, task.status) and progress in (None, task.progress) and not note and not evidence:
        raise Invalid(NOTHING_TO_UPDATE, code="nothing_to_update")
    return _stale_checked(
        lambda: ledger.update_task(
            session,
            task.code,
            actor=actor.name,
            status=status,
            progress=progress,
            note=note,
            evidence=evidence,
            expected_version=version,
            day=day,
        )
    )


def defer_task(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    to: dt.date,
    reason: str,
    today: dt.date,
    day: dt.date | None = None,
    version: int | None = None,
) -> TaskChanged:
    """A new due date with its reason (the ladder restarts from it); the task reads deferred."""
    with write_session(engine) as session:
        task = ledger.get_task(session, code)
        if not may_on_task(session, actor, Action.DEFER_TASK, task) and may_on_task(
            session, actor, Action.REQUEST_EXTENSION, task
        ):
            # A unit asks instead (workflows.use_cases.requests): say so rather than "no right".
            raise Denied(
                _("a unit does not move a due date itself: ask for an extension, the office decides"),
                action=Action.DEFER_TASK,
                field="to",
            )
        require_on_task(session, actor, Action.DEFER_TASK, task)
        chosen = business_day(actor, day, today=today)
        written = _stale_checked(
            lambda: ledger.defer_task(
                session,
                task.code,
                to=to,
                reason=reason,
                actor=actor.name,
                expected_version=version,
                day=chosen,
            )
        )
        return TaskChanged.of(written, chosen)


def schedule_task(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    to: dt.date | None,
    today: dt.date,
    day: dt.date | None = None,
    note: str = "",
) -> TaskChanged:
    """The office gives an undated point its due date, or (`to=None`) declares it standing work."""
    with write_session(engine) as session:
        task = _task_for(session, actor, Action.SCHEDULE_TASK, code)
        chosen = business_day(actor, day, today=today)
        written = ledger.schedule_task(session, task.code, to=to, actor=actor.name, note=note, day=chosen)
        return TaskChanged.of(written, chosen)


def assign_unit(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    unit: str,
    role: UnitRole,
    today: dt.date,
    remove: bool = False,
    day: dt.date | None = None,
) -> UnitAssigned:
    """Add a unit to a task (or change its role), or take it off."""
    with write_session(engine) as session:
        task = _task_for(session, actor, Action.ASSIGN_UNIT, code)
        version = task.version
        written = ledger.assign_unit(
            session,
            task.code,
            unit=unit,
            role=role,
            actor=actor.name,
            remove=remove,
            day=business_day(actor, day, today=today),
        )
        return UnitAssigned(written.code, unit, "" if remove else role.value, written.version != version)


def status_refusal(actor: Actor, task: Task, status: str | None) -> str | None:
    """Why the transition table refuses the actor this status on this task (None: it allows it),
    with what to do instead (a unit asks for 办结 or 延期). One rule for the page, the API, the CLI
    and the 台账 workbook."""
    # An unknown status is left to models.writes.ledger, which refuses it with the known ones.
    if status not in STATUSES or may_set_status(actor.role, task.status, str(status)):
        return None
    hint = STATUS_HINTS.get(str(status))
    refused = STATUS_DENIED.format(
        code=task.code, old=word(STATUSES_SHOWN, task.status), new=word(STATUSES_SHOWN, status)
    )
    return refused + ("：" + _(hint) if hint else "")


def _task_for(session: Session, actor: Actor, action: Action, code: str) -> Task:
    task = ledger.get_task(session, code)
    require_on_task(session, actor, action, task)
    return task


def _stale_checked(write: Callable[[], Task]) -> Task:
    try:
        return write()
    except Conflict as error:
        if isinstance(error, Stale):
            raise
        raise Stale(str(error)) from None
