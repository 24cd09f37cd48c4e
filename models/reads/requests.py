"""The requests of the 督办 lifecycle as people read them: the office's queues of pending ones,
a unit's own, and one task's requests with their attachments and the number of times it was returned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from models.errors import NotFound
from models.storage.tables import (
    Assignment,
    Attachment,
    RequestKind,
    RequestState,
    Task,
    TaskRequest,
    Unit,
)


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    size: int
    content_type: str


@dataclass(frozen=True)
class RequestRow:
    id: int
    ref: str  # R3
    code: str  # the task's code
    title: str
    kind: str
    state: str
    unit: str  # the unit that asked ("" for the office asking itself)
    requested_on: dt.date
    requested_by: str
    due_date_then: dt.date | None
    new_due_date: dt.date | None
    late: bool
    reason: str
    progress: int
    evidence: str
    decided_on: dt.date | None
    decided_by: str
    decision_note: str
    attachments: list[AttachmentRow] = field(default_factory=list)


def _rows(session: Session, query: object) -> list[RequestRow]:
    found = session.execute(query).all()  # type: ignore[call-overload]
    ids = [request.id for request, *_ in found]
    files: dict[int, list[AttachmentRow]] = {}
    if ids:
        for row in session.exec(
            select(Attachment).where(col(Attachment.request_id).in_(ids)).order_by(col(Attachment.id))
        ):
            files.setdefault(row.request_id, []).append(  # type: ignore[arg-type]
                AttachmentRow(row.id, row.filename, row.size, row.content_type)  # type: ignore[arg-type]
            )
    return [
        RequestRow(
            id=request.id,
            ref=f"R{request.id}",
            code=code,
            title=title,
            kind=request.kind,
            state=request.state,
            unit=unit or "",
            requested_on=request.requested_on,
            requested_by=request.requested_by,
            due_date_then=request.due_date_then,
            new_due_date=request.new_due_date,
            late=request.late,
            reason=request.reason,
            progress=request.progress,
            evidence=request.evidence,
            decided_on=request.decided_on,
            decided_by=request.decided_by,
            decision_note=request.decision_note,
            attachments=files.get(request.id, []),
        )
        for request, code, title, unit in found
    ]


def _base() -> object:
    return (
        select(TaskRequest, Task.code, Task.title, Unit.name)
        .join(Task, col(Task.id) == TaskRequest.task_id)
        .outerjoin(Unit, col(Unit.id) == TaskRequest.unit_id)
    )


def pending(
    session: Session, *, kind: RequestKind | None = None, unit_id: int | None = None
) -> list[RequestRow]:
    """Pending requests, oldest first (the office's 待审批延期 / 待审核办结); with `unit_id`, those
    on the tasks that unit leads or supports."""
    query = _base().where(col(TaskRequest.state) == RequestState.PENDING.value)  # type: ignore[attr-defined]
    if kind is not None:
        query = query.where(col(TaskRequest.kind) == kind.value)
    if unit_id is not None:
        mine = select(Assignment.task_id).where(Assignment.unit_id == unit_id)
        query = query.where(col(TaskRequest.task_id).in_(mine))
    return _rows(session, query.order_by(col(TaskRequest.requested_on), col(TaskRequest.id)))


def of_task(session: Session, task_id: int) -> list[RequestRow]:
    """Every request on a task, newest first."""
    query = _base().where(col(TaskRequest.task_id) == task_id)  # type: ignore[attr-defined]
    return _rows(session, query.order_by(col(TaskRequest.id).desc()))


def returns_sql(task_id: Any) -> Select:
    """How many times the office returned the task's completion (退回): one row, one count."""
    return select(func.count()).where(
        col(TaskRequest.task_id) == task_id,
        col(TaskRequest.kind) == RequestKind.COMPLETION.value,
        col(TaskRequest.state) == RequestState.REJECTED.value,
    )


def returns_of(session: Session, task_id: int) -> int:
    """How many times the office returned the task's completion (退回)."""
    return int(session.execute(returns_sql(task_id)).scalar_one())


def pending_of_task_sql(task_id: Any) -> Select:
    """(id, kind) of the task's pending requests, newest first (of_task's order): what `duban show`
    prints beside the status (待审批延期 / 待审核) with the request's number."""
    return (
        select(TaskRequest.id, TaskRequest.kind)
        .where(col(TaskRequest.task_id) == task_id, col(TaskRequest.state) == RequestState.PENDING.value)
        .order_by(col(TaskRequest.id).desc())
    )


def pending_kinds(session: Session, task_ids: list[int]) -> dict[int, set[str]]:
    """task id -> the kinds of its pending requests (what a list shows as 待审批延期 / 待审核)."""
    if not task_ids:
        return {}
    query = select(TaskRequest.task_id, TaskRequest.kind).where(
        col(TaskRequest.task_id).in_(task_ids), col(TaskRequest.state) == RequestState.PENDING.value
    )
    found: dict[int, set[str]] = {}
    for task_id, kind in session.exec(query):
        found.setdefault(task_id, set()).add(kind)
    return found


def pending_by_code(session: Session, codes: list[str] | Select) -> dict[str, list[str]]:
    """task code -> the kinds of its pending requests, for a listing's rows (one query); `codes`
    is a list or a query of task codes (models.reads.quick compiles the query form once)."""
    if isinstance(codes, list) and not codes:
        return {}
    query = (
        select(Task.code, TaskRequest.kind)
        .join(Task, col(Task.id) == TaskRequest.task_id)
        .where(col(Task.code).in_(codes), col(TaskRequest.state) == RequestState.PENDING.value)
        .order_by(col(TaskRequest.kind))
    )
    found: dict[str, list[str]] = {}
    for code, kind in session.exec(query):
        found.setdefault(code, []).append(kind)
    return found


def attachment(session: Session, attachment_id: int) -> Attachment | None:
    return session.get(Attachment, attachment_id)


def get_request(session: Session, ref: str | int) -> TaskRequest:
    """A request by its number (`R3`, `r3` or `3`)."""
    text = str(ref).strip().upper().removeprefix("R")
    found = session.get(TaskRequest, int(text)) if text.isdigit() else None
    if found is None:
        raise NotFound(code="request.not_found", request=str(ref))
    return found


def task_code(session: Session, task_id: int) -> str:
    """The code people type (T12) of the task a request is on."""
    return session.exec(select(Task.code).where(Task.id == task_id)).one()
