"""/api/tasks: the ledger listed and filtered, one task in detail, updates and deferrals.

The same use cases as the pages (workflows.use_cases.tasks): 403 for a user who may not change the task, 409
with the task's current state for a stale version; `as_of` is the day a change is journaled for only
when the office or an admin sends it (everyone else's changes count for today).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from dashboard.api.schemas import (
    ConflictOut,
    DeferIn,
    ErrorOut,
    EscalationOut,
    JournalEntry,
    NoticeOut,
    TaskDetailOut,
    TaskItem,
    TaskPageOut,
    UpdateIn,
)
from dashboard.api.security import WRITES
from dashboard.context import Ctx, CtxDep, signed_in
from dashboard.labels import level_names
from dashboard.params import ApiFilter, AsOf, Sort
from models.errors import Conflict
from models.reads.pace import paces, task_pace
from models.reads.task_query import MAX_PER_PAGE, TaskQuery
from models.reads.task_view import task_view
from models.rules.lights import is_overdue
from models.rules.pace import Pace
from models.vocabulary.i18n import _
from workflows.use_cases.actor import Actor
from workflows.use_cases.ledger import read_session
from workflows.use_cases.tasks import defer_task, update_task

router = APIRouter(tags=["tasks"])
REFUSED = {403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 409: {"model": ConflictOut}}


@router.get("/tasks", response_model=TaskPageOut)
def list_tasks(
    ctx: CtxDep,
    as_of: AsOf,
    filters: ApiFilter,
    sort: Sort = "due",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 100,
) -> TaskPageOut:
    with read_session(ctx.engine) as session:
        query = TaskQuery(
            session, filters, as_of=as_of, due_soon_days=ctx.settings.ledger.due_soon_days, sort=sort
        )
        found = query.page(page, per_page)
        found_paces = paces(session, found.rows, as_of=as_of, limits=ctx.settings.lifecycle)
    return TaskPageOut(
        as_of=as_of,
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        pages=found.pages,
        items=[_paced(TaskItem.model_validate(row), found_paces.get(row.code)) for row in found.rows],
    )


def _paced(item: TaskItem, pace: Pace | None) -> TaskItem:
    if pace is None:
        return item
    return item.model_copy(
        update={"pace": pace.light.value, "pace_used": pace.used, "pace_behind": pace.behind}
    )


def task_detail_out(ctx: Ctx, code: str, as_of: dt.date) -> TaskDetailOut:
    with read_session(ctx.engine) as session:
        view = task_view(
            session, code, user=signed_in(ctx), as_of=as_of, due_soon_days=ctx.settings.ledger.due_soon_days
        )
        pace = task_pace(
            session, view.detail.task, view.detail.due_date, as_of=as_of, limits=ctx.settings.lifecycle
        )
    detail, task, names = view.detail, view.detail.task, level_names(ctx.settings)
    return TaskDetailOut(
        as_of=as_of,
        code=task.code,
        plan=detail.plan.key,
        plan_title=detail.plan.title or detail.plan.key,
        path=task.path,
        title=task.title,
        body=task.body,
        status=task.status,
        progress=task.progress,
        progress_note=task.progress_note,
        due_date=task.due_date,
        deadline_type=task.deadline_type,
        deadline_text=task.deadline_text,
        recurrence=task.recurrence,
        lead=detail.lead,
        support=detail.support,
        light=detail.light,
        version=task.version,
        pace=pace.light.value,
        pace_used=pace.used,
        pace_behind=pace.behind,
        withdrawn=task.withdrawn,
        overdue=is_overdue(task.status, detail.due_date, as_of, withdrawn=task.withdrawn),
        may_update=view.may_update,
        journal=[JournalEntry.model_validate(entry) for entry in detail.journal],
        escalations=[
            EscalationOut(
                level=e.level,
                level_name=names.get(e.level, e.level),
                occurrence=e.occurrence,
                trigger_date=e.trigger_date,
                raised_on=e.raised_on,
                skipped=e.skipped,
            )
            for e in view.escalations
        ],
        notices=[NoticeOut.model_validate(notice) for notice in view.notices],
    )


@router.get("/tasks/{code}", response_model=TaskDetailOut, responses={404: {"model": ErrorOut}})
def get_task(ctx: CtxDep, code: str, as_of: AsOf) -> TaskDetailOut:
    return task_detail_out(ctx, code, as_of)


def _stale(ctx: Ctx, code: str, as_of: dt.date, version: int) -> JSONResponse:
    current = task_detail_out(ctx, code, as_of)
    message = _(
        "task {code} was changed by someone else: your change is based on version {yours}, it is now at version {now}"
    ).format(code=current.code, yours=version, now=current.version)
    body = ConflictOut(error=message, current=current)
    return JSONResponse(body.model_dump(mode="json"), status_code=409)


@router.post("/tasks/{code}/update", response_model=TaskDetailOut, responses=REFUSED, dependencies=WRITES)
def update(ctx: CtxDep, code: str, as_of: AsOf, change: UpdateIn) -> TaskDetailOut | JSONResponse:
    try:
        task = update_task(
            ctx.engine,
            Actor.of_user(signed_in(ctx)),
            code,
            version=change.version,
            day=as_of,
            today=ctx.today,
            status=change.status,
            progress=change.progress,
            note=change.note.strip(),
            evidence=change.evidence.strip(),
        )
    except Conflict:
        return _stale(ctx, code, as_of, change.version)
    return task_detail_out(ctx, task.code, as_of)


@router.post("/tasks/{code}/defer", response_model=TaskDetailOut, responses=REFUSED, dependencies=WRITES)
def defer(ctx: CtxDep, code: str, as_of: AsOf, change: DeferIn) -> TaskDetailOut | JSONResponse:
    try:
        task = defer_task(
            ctx.engine,
            Actor.of_user(signed_in(ctx)),
            code,
            version=change.version,
            day=as_of,
            today=ctx.today,
            to=change.to,
            reason=change.reason.strip(),
        )
    except Conflict:
        return _stale(ctx, code, as_of, change.version)
    return task_detail_out(ctx, task.code, as_of)
