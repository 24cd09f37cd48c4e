"""延期申请 → 审批 and 办结申请 → 审核 → 销号 / 退回, and the office's cancellation: units ask, the
office decides. One function per action, each one transaction, each asking the permission table.

A pending request changes nothing on its task: the due date and status stand (the ladder goes on)
until the office decides. Approving an extension moves the due date (the ladder counts from it);
signing off closes the task; returning puts it back to 办理中 and counts. Each step is journalled on
the task and notifies whom it concerns once (workflows.request_notices).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from models.files import attachments as files
from models.reads import requests as reads
from models.reads.requests import returns_of
from models.rules import bounds
from models.rules.lights import CLOSED
from models.rules.permissions import Action, Role, allowed
from models.settings import Settings
from models.storage.db import write_session

# RequestKind is named by the faces too (a filter of the pending queue), which import no storage.
from models.storage.tables import RequestKind as RequestKind
from models.storage.tables import RequestState, Task, TaskRequest, TaskStatus, Unit
from models.vocabulary import REQUEST_KINDS, word
from models.vocabulary.i18n import _
from models.writes import ledger
from models.writes import requests as rows
from workflows import request_notices as notices
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid, Stale
from workflows.use_cases.guard import business_day, require, require_on_task
from workflows.use_cases.tasks import TaskChanged


@dataclass(frozen=True)
class RequestFiled:
    ref: str  # R3
    code: str
    kind: str
    late: bool
    due_date: dt.date | None  # the task's due date, unchanged
    status: str  # the task's status, unchanged
    attachments: int
    notified: int


@dataclass(frozen=True)
class RequestDecided:
    ref: str
    code: str
    kind: str
    state: str  # approved / rejected
    status: str  # the task's status after the decision
    due_date: dt.date | None
    returns: int  # times the task's completion was returned
    notified: int


Upload = tuple[str, bytes]  # a file's name as uploaded and its content


def request_extension(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    code: str,
    *,
    to: dt.date,
    reason: str,
    today: dt.date,
    progress: int | None = None,
    day: dt.date | None = None,
) -> RequestFiled:
    """A unit asks for a new due date (reason and current progress); the old date stands until the
    office approves. Refused on a closed or undated task, for a date not later than the current one,
    beyond the cap of extensions, with one pending already, and (if config says so) once overdue."""
    rules = settings.lifecycle
    with write_session(engine) as session:
        task = _task_for(session, actor, Action.REQUEST_EXTENSION, code)
        chosen = business_day(actor, day, today=today)
        _check_open(task)
        if task.due_date is None:
            raise Invalid(
                _("task {code} has no due date to extend").format(code=task.code), code="no_due_date"
            )
        _check_reason(reason, _("a request for an extension needs a reason"))
        bounds.check_date(to, _("New due date"))
        if to <= task.due_date:
            raise Invalid(
                _("the new due date {new} must be later than the current one, {old}").format(
                    new=to.isoformat(), old=task.due_date.isoformat()
                ),
                code="date_not_later",
                field="to",
            )
        late = chosen > task.due_date
        if late and not rules.late_extension_allowed:
            raise Invalid(
                _("task {code} was due on {due}: an extension must be asked for before the due date").format(
                    code=task.code, due=task.due_date.isoformat()
                ),
                code="late",
                field="to",
            )
        granted = rows.approved_extensions(session, task.id)  # type: ignore[arg-type]
        if granted >= rules.max_extensions:
            raise Invalid(
                _("task {code} has had {count} extensions, the most allowed: ask the office").format(
                    code=task.code, count=granted
                ),
                code="too_many_extensions",
            )
        request = _file(
            session,
            actor,
            task,
            kind=RequestKind.EXTENSION,
            day=chosen,
            reason=reason.strip(),
            progress=task.progress if progress is None else _percent(progress),
            new_due_date=to,
            late=late,
        )
        notified = notices.request_filed(session, settings, task, request, _unit_name(session, request))
        return _filed(task, request, 0, notified)


def request_completion(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    code: str,
    *,
    summary: str,
    today: dt.date,
    evidence: str = "",
    uploads: Sequence[Upload] = (),
    day: dt.date | None = None,
) -> RequestFiled:
    """A unit reports the task done (办结报告: a summary, links, files); it stays open (待审核) and
    on the ladder's clock until the office signs it off. Files are checked before anything is kept."""
    rules = settings.lifecycle
    max_bytes = int(rules.attachment_max_mb * 1024 * 1024)
    for name, data in uploads:  # every file checked before the first is stored or anything written
        files.check(data, name, max_bytes=max_bytes, types=rules.attachment_types)
    with write_session(engine) as session:
        task = _task_for(session, actor, Action.REQUEST_COMPLETION, code)
        chosen = business_day(actor, day, today=today)
        _check_open(task)
        _check_reason(summary, _("a completion request needs a summary of what was done"))
        bounds.check_text(evidence, _("evidence"), limit=bounds.MAX_NOTE)
        request = _file(
            session,
            actor,
            task,
            kind=RequestKind.COMPLETION,
            day=chosen,
            reason=summary.strip(),
            progress=100,
            evidence=evidence.strip(),
            late=task.due_date is not None and chosen > task.due_date,
        )
        folder = settings.resolve(rules.attachments_dir)
        for name, data in uploads:
            stored = files.store(data, name, folder=folder, max_bytes=max_bytes, types=rules.attachment_types)
            rows.attach(session, request, stored, actor=actor.name)
        notified = notices.request_filed(session, settings, task, request, _unit_name(session, request))
        return _filed(task, request, len(uploads), notified)


def approve_extension(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    ref: str,
    *,
    today: dt.date,
    comment: str = "",
    day: dt.date | None = None,
) -> RequestDecided:
    """The office (or, by config, a leader) approves: the task takes the new due date and reads 已延期;
    the ladder counts from the new date."""
    _require_approver(settings, actor)
    with write_session(engine) as session:
        request, task = _pending(session, ref, RequestKind.EXTENSION)
        chosen = business_day(actor, day, today=today)
        granted = rows.approved_extensions(session, task.id)  # type: ignore[arg-type]
        if granted >= settings.lifecycle.max_extensions:
            raise Invalid(
                _("task {code} has had {count} extensions, the most allowed: reject this one").format(
                    code=task.code, count=granted
                ),
                code="too_many_extensions",
            )
        rows.decide(
            session,
            request,
            state=RequestState.APPROVED,
            actor=actor.name,
            day=chosen,
            note=comment.strip(),
            action=rows.APPROVE_EXTENSION,
        )
        assert request.new_due_date is not None  # an extension request always names its date
        written = ledger.defer_task(
            session, task.code, to=request.new_due_date, reason=request.reason, actor=actor.name, day=chosen
        )
        return _decided(session, settings, written, request, "approved")


def reject_extension(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    ref: str,
    *,
    comment: str,
    today: dt.date,
    day: dt.date | None = None,
) -> RequestDecided:
    """Not approved, with a comment: only the request changes; the old date stands."""
    _require_approver(settings, actor)
    _check_reason(comment, _("say why the extension is not approved"), field="comment")
    with write_session(engine) as session:
        request, task = _pending(session, ref, RequestKind.EXTENSION)
        chosen = business_day(actor, day, today=today)
        rows.decide(
            session,
            request,
            state=RequestState.REJECTED,
            actor=actor.name,
            day=chosen,
            note=comment.strip(),
            action=rows.REJECT_EXTENSION,
        )
        return _decided(session, settings, task, request, "rejected")


def sign_off(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    ref: str,
    *,
    today: dt.date,
    comment: str = "",
    day: dt.date | None = None,
) -> RequestDecided:
    """销号: the office accepts the completion; the task is done (100%), its summary the latest note."""
    require(actor, Action.REVIEW_COMPLETION)
    with write_session(engine) as session:
        request, task = _pending(session, ref, RequestKind.COMPLETION)
        chosen = business_day(actor, day, today=today)
        rows.decide(
            session, request, state=RequestState.APPROVED, actor=actor.name, day=chosen, note=comment.strip()
        )
        written = ledger.set_status(
            session,
            task.code,
            status=TaskStatus.DONE,
            progress=100,
            latest_note=request.reason,
            actor=actor.name,
            action="signoff",
            note=comment.strip() or request.reason,
            evidence=request.evidence,
            day=chosen,
        )
        return _decided(session, settings, written, request, "signed_off")


def return_completion(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    ref: str,
    *,
    reason: str,
    today: dt.date,
    day: dt.date | None = None,
) -> RequestDecided:
    """退回: the completion is not accepted, with a reason; the task is back to 办理中 and the return
    is counted."""
    require(actor, Action.REVIEW_COMPLETION)
    _check_reason(reason, _("a return needs a reason"))
    with write_session(engine) as session:
        request, task = _pending(session, ref, RequestKind.COMPLETION)
        chosen = business_day(actor, day, today=today)
        rows.decide(
            session, request, state=RequestState.REJECTED, actor=actor.name, day=chosen, note=reason.strip()
        )
        written = ledger.set_status(
            session,
            task.code,
            status=TaskStatus.IN_PROGRESS,
            actor=actor.name,
            action="return",
            note=reason.strip(),
            day=chosen,
        )
        return _decided(session, settings, written, request, "returned")


def cancel_task(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    code: str,
    *,
    reason: str,
    today: dt.date,
    day: dt.date | None = None,
) -> TaskChanged:
    """Only the office cancels a task, with a reason (it leaves the ladder and the look-back's rate);
    its pending requests are closed as withdrawn. The task's units are told."""
    require(actor, Action.CANCEL_TASK)  # the office's alone: no unit cancels even its own task
    with write_session(engine) as session:
        task = ledger.get_task(session, code)
        if task.status == TaskStatus.CANCELLED.value:
            raise Invalid(_("task {code} is cancelled already").format(code=task.code), code="cancelled")
        _check_reason(reason, _("a cancellation needs a reason"))
        chosen = business_day(actor, day, today=today)
        for kind in RequestKind:
            pending = rows.pending_of(session, task.id, kind)  # type: ignore[arg-type]
            if pending is not None:
                rows.decide(
                    session,
                    pending,
                    state=RequestState.WITHDRAWN,
                    actor=actor.name,
                    day=chosen,
                    note=_("the task was cancelled"),
                )
        written = ledger.set_status(
            session,
            task.code,
            status=TaskStatus.CANCELLED,
            actor=actor.name,
            action="cancel",
            note=reason.strip(),
            day=chosen,
        )
        notices.task_cancelled(session, settings, written, reason.strip(), written.version)
        return TaskChanged.of(written, chosen)


# --- Shared steps -------------------------------------------------------------------------------


def may_decide_extension(settings: Settings, role: Role | str) -> bool:
    """The table's grant, and the leaders too when config makes them approvers."""
    if allowed(role, Action.DECIDE_EXTENSION):
        return True
    return settings.lifecycle.extension_approver == "leader" and role == Role.LEADER


def _require_approver(settings: Settings, actor: Actor) -> None:
    if not may_decide_extension(settings, actor.role):
        who = (
            _("the office or a leader")
            if settings.lifecycle.extension_approver == "leader"
            else _("the office")
        )
        raise Denied(
            _("you may not decide extension requests: only {who} may").format(who=who),
            action=Action.DECIDE_EXTENSION,
        )


def _task_for(session: Session, actor: Actor, action: Action, code: str) -> Task:
    task = ledger.get_task(session, code)
    require_on_task(session, actor, action, task)
    rows.lock_task(session, task)
    return task


def _check_open(task: Task) -> None:
    if task.status in CLOSED:
        raise Invalid(
            _("task {code} is closed: nothing to ask for").format(code=task.code), code="closed", field="task"
        )


def _check_reason(text: str, message: str, *, field: str = "reason") -> None:
    if not text.strip():
        raise Invalid(message, code="reason_required", field=field)
    bounds.check_text(text, _("note"), limit=bounds.MAX_NOTE)


def _percent(value: int) -> int:
    if not 0 <= value <= 100:
        raise Invalid(
            _("progress must be between 0 and 100, not {value}").format(value=value),
            code="progress",
            field="progress",
        )
    return value


def _file(
    session: Session, actor: Actor, task: Task, *, kind: RequestKind, day: dt.date, **values: object
) -> TaskRequest:
    if rows.pending_of(session, task.id, kind) is not None:  # type: ignore[arg-type]
        raise Invalid(
            _("task {code} has a {kind} awaiting a decision already").format(
                code=task.code, kind=word(REQUEST_KINDS, kind.value)
            ),
            code="pending",
        )
    request = TaskRequest(
        task_id=task.id,  # type: ignore[arg-type]
        unit_id=actor.unit_id,
        kind=kind.value,
        requested_on=day,
        requested_by=actor.name,
        due_date_then=task.due_date,
        **values,  # type: ignore[arg-type]
    )
    return rows.file_request(session, task, request)


def _pending(session: Session, ref: str, kind: RequestKind) -> tuple[TaskRequest, Task]:
    request = reads.get_request(session, ref)
    if request.kind != kind.value:
        raise Invalid(
            _("{ref} is a {kind}").format(ref=f"R{request.id}", kind=word(REQUEST_KINDS, request.kind)),
            code="wrong_kind",
        )
    if request.state != RequestState.PENDING.value:
        raise Stale(code="request.decided", request=f"R{request.id}")
    task = session.get(Task, request.task_id)
    assert task is not None  # a foreign key
    rows.lock_task(session, task)
    return request, task


def _unit_name(session: Session, request: TaskRequest) -> str:
    unit = session.get(Unit, request.unit_id) if request.unit_id else None
    return unit.name if unit is not None else ""


def _filed(task: Task, request: TaskRequest, attached: int, notified: int) -> RequestFiled:
    return RequestFiled(
        f"R{request.id}",
        task.code,
        request.kind,
        request.late,
        task.due_date,
        task.status,
        attached,
        notified,
    )


def _decided(
    session: Session, settings: Settings, task: Task, request: TaskRequest, outcome: str
) -> RequestDecided:
    notified = notices.request_decided(session, settings, task, request, outcome)
    return RequestDecided(
        f"R{request.id}",
        task.code,
        request.kind,
        request.state,
        task.status,
        task.due_date,
        returns_of(session, task.id),  # type: ignore[arg-type]
        notified,
    )
