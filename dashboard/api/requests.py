"""/api: 延期申请 and 办结申请, the office's decisions on them, its cancellations, and the pending
queue — the same use cases as the pages and the CLI (workflows.use_cases.requests): 403 for one the
permission table refuses, 409 for a request decided already, 400 for a request the rules refuse."""

from __future__ import annotations

from fastapi import APIRouter

from dashboard.api.schemas import (
    CommentIn,
    CompletionIn,
    ConflictOut,
    ErrorOut,
    ExtensionIn,
    ReasonIn,
    RequestOut,
    TaskDetailOut,
)
from dashboard.api.security import WRITES
from dashboard.api.tasks import task_detail_out
from dashboard.context import Ctx, CtxDep, signed_in
from dashboard.params import AsOf
from models.reads import requests as reads
from models.reads.requests import get_request
from models.reads.tasks import get_task
from workflows.use_cases import requests as uc
from workflows.use_cases.actor import Actor
from workflows.use_cases.ledger import read_session
from workflows.use_cases.requests import RequestKind

router = APIRouter(tags=["requests"])
REFUSED = {
    400: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ConflictOut},
}


def _request(ctx: Ctx, ref: str) -> RequestOut:
    with read_session(ctx.engine) as session:
        request = get_request(session, ref)
        row = next(r for r in reads.of_task(session, request.task_id) if r.id == request.id)
    return RequestOut.model_validate(row)


def _actor(ctx: Ctx) -> Actor:
    return Actor.of_user(signed_in(ctx))


@router.get("/requests", response_model=list[RequestOut])
def pending_requests(ctx: CtxDep, kind: RequestKind | None = None) -> list[RequestOut]:
    """The pending requests, oldest first: every one for the office and leaders, a unit user's
    own unit's for a unit user."""
    actor = _actor(ctx)
    with read_session(ctx.engine) as session:
        rows = reads.pending(session, kind=kind, unit_id=actor.unit_id if actor.role == "unit" else None)
    return [RequestOut.model_validate(row) for row in rows]


@router.get("/tasks/{code}/requests", response_model=list[RequestOut], responses={404: {"model": ErrorOut}})
def task_requests(ctx: CtxDep, code: str) -> list[RequestOut]:
    with read_session(ctx.engine) as session:
        rows = reads.of_task(session, get_task(session, code).id)  # type: ignore[arg-type]
    return [RequestOut.model_validate(row) for row in rows]


@router.post(
    "/tasks/{code}/extension-request", response_model=RequestOut, responses=REFUSED, dependencies=WRITES
)
def extension_request(ctx: CtxDep, code: str, as_of: AsOf, body: ExtensionIn) -> RequestOut:
    filed = uc.request_extension(
        ctx.engine,
        ctx.settings,
        _actor(ctx),
        code,
        to=body.to,
        reason=body.reason,
        progress=body.progress,
        today=ctx.today,
        day=as_of,
    )
    return _request(ctx, filed.ref)


@router.post(
    "/tasks/{code}/completion-request", response_model=RequestOut, responses=REFUSED, dependencies=WRITES
)
def completion_request(ctx: CtxDep, code: str, as_of: AsOf, body: CompletionIn) -> RequestOut:
    filed = uc.request_completion(
        ctx.engine,
        ctx.settings,
        _actor(ctx),
        code,
        summary=body.summary,
        evidence=body.evidence,
        today=ctx.today,
        day=as_of,
    )
    return _request(ctx, filed.ref)


@router.post("/requests/{ref}/approve", response_model=RequestOut, responses=REFUSED, dependencies=WRITES)
def approve(ctx: CtxDep, ref: str, as_of: AsOf, body: CommentIn) -> RequestOut:
    done = uc.approve_extension(
        ctx.engine, ctx.settings, _actor(ctx), ref, comment=body.comment, today=ctx.today, day=as_of
    )
    return _request(ctx, done.ref)


@router.post("/requests/{ref}/reject", response_model=RequestOut, responses=REFUSED, dependencies=WRITES)
def reject(ctx: CtxDep, ref: str, as_of: AsOf, body: CommentIn) -> RequestOut:
    done = uc.reject_extension(
        ctx.engine, ctx.settings, _actor(ctx), ref, comment=body.comment, today=ctx.today, day=as_of
    )
    return _request(ctx, done.ref)


@router.post("/requests/{ref}/signoff", response_model=RequestOut, responses=REFUSED, dependencies=WRITES)
def signoff(ctx: CtxDep, ref: str, as_of: AsOf, body: CommentIn) -> RequestOut:
    done = uc.sign_off(
        ctx.engine, ctx.settings, _actor(ctx), ref, comment=body.comment, today=ctx.today, day=as_of
    )
    return _request(ctx, done.ref)


@router.post("/requests/{ref}/return", response_model=RequestOut, responses=REFUSED, dependencies=WRITES)
def return_(ctx: CtxDep, ref: str, as_of: AsOf, body: ReasonIn) -> RequestOut:
    done = uc.return_completion(
        ctx.engine, ctx.settings, _actor(ctx), ref, reason=body.reason, today=ctx.today, day=as_of
    )
    return _request(ctx, done.ref)


@router.post("/tasks/{code}/cancel", response_model=TaskDetailOut, responses=REFUSED, dependencies=WRITES)
def cancel(ctx: CtxDep, code: str, as_of: AsOf, body: ReasonIn) -> TaskDetailOut:
    done = uc.cancel_task(
        ctx.engine, ctx.settings, _actor(ctx), code, reason=body.reason, today=ctx.today, day=as_of
    )
    return task_detail_out(ctx, done.code, as_of)
