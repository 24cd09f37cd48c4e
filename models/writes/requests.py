"""The rows of the 督办 lifecycle's requests: a unit's 延期申请 or 办结申请, the office's decision
on it, and the evidence files attached. Nothing here changes a task (models.writes.ledger does,
when a decision calls for it); each step leaves a journal row on the task.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from models.errors import Conflict
from models.files.attachments import StoredFile
from models.storage.tables import Attachment, Journal, RequestKind, RequestState, Task, TaskRequest, utcnow

# The journal's action for each step (models.vocabulary.ACTIONS words them).
REQUESTED = {RequestKind.EXTENSION: "request_extension", RequestKind.COMPLETION: "request_completion"}
REJECT_EXTENSION = "reject_extension"
APPROVE_EXTENSION = "approve_extension"


def lock_task(session: Session, task: Task) -> None:
    """Hold the task's row until the transaction ends (PostgreSQL; SQLite writes one at a time
    anyway), so two requests for one task cannot both find no pending one and both be filed."""
    session.exec(select(Task.id).where(Task.id == task.id).with_for_update())


def pending_of(session: Session, task_id: int, kind: RequestKind) -> TaskRequest | None:
    query = select(TaskRequest).where(
        TaskRequest.task_id == task_id,
        TaskRequest.kind == kind.value,
        TaskRequest.state == RequestState.PENDING.value,
    )
    return session.exec(query).first()


def approved_extensions(session: Session, task_id: int) -> int:
    query = select(func.count()).where(
        col(TaskRequest.task_id) == task_id,
        col(TaskRequest.kind) == RequestKind.EXTENSION.value,
        col(TaskRequest.state) == RequestState.APPROVED.value,
    )
    return int(session.exec(query).one())


def file_request(session: Session, task: Task, request: TaskRequest) -> TaskRequest:
    """Add a request and its journal row (the caller checked there is no pending one of its kind)."""
    session.add(request)
    session.flush()
    kind = RequestKind(request.kind)
    session.add(
        Journal(
            task_id=task.id,
            day=request.requested_on,
            actor=request.requested_by,
            action=REQUESTED[kind],
            field="request",
            new=f"R{request.id}",
            old=request.due_date_then.isoformat() if request.due_date_then else "",
            note=_request_note(request),
            evidence=request.evidence,
        )
    )
    session.flush()
    return request


def _request_note(request: TaskRequest) -> str:
    if request.new_due_date is not None:
        return f"→ {request.new_due_date.isoformat()}：{request.reason}"
    return request.reason


def decide(
    session: Session,
    request: TaskRequest,
    *,
    state: RequestState,
    actor: str,
    day: dt.date,
    note: str,
    action: str | None = None,
) -> TaskRequest:
    """Close a pending request (approved / rejected / withdrawn). The UPDATE names the pending state,
    so of two people deciding at once the second finds it decided and gets a conflict."""
    result = session.execute(
        update(TaskRequest)
        .where(col(TaskRequest.id) == request.id, col(TaskRequest.state) == RequestState.PENDING.value)
        .values(state=state.value, decided_on=day, decided_at=utcnow(), decided_by=actor, decision_note=note)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(code="request.decided", request=f"R{request.id}")
    session.refresh(request)
    if action is not None:  # a decision that changes nothing on the task is journalled on its own
        session.add(
            Journal(
                task_id=request.task_id,
                day=day,
                actor=actor,
                action=action,
                field="request",
                old=RequestState.PENDING.value,
                new=state.value,
                note=note,
            )
        )
        session.flush()
    return request


def attach(session: Session, request: TaskRequest, stored: StoredFile, *, actor: str) -> Attachment:
    row = Attachment(
        task_id=request.task_id,
        request_id=request.id,
        filename=stored.filename,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        uploaded_by=actor,
    )
    session.add(row)
    session.flush()
    return row
