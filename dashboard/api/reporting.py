"""/api/inbox, /api/tasks/{code}/ack and /api/tasks/{code}/report: the inbox of the signed-in user,
签收 and periodic reports, through the same use cases as the pages and the CLI (403 for a user the
permission table refuses, 400 for a bad report, 409 for a stale version)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from dashboard.api.schemas import ErrorOut
from dashboard.api.security import WRITES
from dashboard.context import CtxDep, signed_in
from dashboard.params import AsOf
from workflows.use_cases.actor import Actor
from workflows.use_cases.inbox import inbox_of
from workflows.use_cases.reporting import acknowledge, submit_report

router = APIRouter(tags=["inbox"])
REFUSED = {400: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}}


class InboxItemOut(BaseModel):
    code: str
    title: str
    plan: str
    unit: str
    day: dt.date | None
    detail: str
    late: bool
    state: str  # a request's state, a level's key, a unit's role
    about: str  # a reply: the 批示 it answers


class InboxSectionOut(BaseModel):
    key: str  # to_acknowledge, to_report, returned, extension_results, extensions_pending, …
    total: int  # the items listed are the first 200 of these
    items: list[InboxItemOut]


class InboxOut(BaseModel):
    owner: str  # unit / office / leader
    name: str
    as_of: dt.date
    sections: list[InboxSectionOut]


class AckOut(BaseModel):
    code: str
    units: list[str]
    already: list[str]
    day: dt.date


class ReportIn(BaseModel):
    progress: int = Field(ge=0, le=100)
    text: str
    evidence: str = ""
    status: str | None = None  # the lead unit's only
    version: int | None = None


class ReportOut(BaseModel):
    code: str
    unit: str
    role: str
    period: str
    day: dt.date
    progress: int
    status: str
    version: int


@router.get("/inbox", response_model=InboxOut)
def inbox(ctx: CtxDep, as_of: AsOf) -> InboxOut:
    found = inbox_of(ctx.engine, ctx.settings, Actor.of_user(signed_in(ctx)), as_of=as_of)
    sections = [
        InboxSectionOut(
            key=key,
            total=found.totals[key],
            items=[InboxItemOut(**vars(item)) for item in items],
        )
        for key, items in found.sections.items()
    ]
    return InboxOut(owner=found.owner, name=found.name, as_of=as_of, sections=sections)


@router.post("/tasks/{code}/ack", response_model=AckOut, responses=REFUSED, dependencies=WRITES)
def ack(ctx: CtxDep, code: str, as_of: AsOf) -> AckOut:
    done = acknowledge(ctx.engine, Actor.of_user(signed_in(ctx)), code, today=ctx.today, day=as_of)
    return AckOut(code=done.code, units=done.units, already=done.already, day=done.day)


@router.post("/tasks/{code}/report", response_model=ReportOut, responses=REFUSED, dependencies=WRITES)
def report(ctx: CtxDep, code: str, as_of: AsOf, body: ReportIn) -> ReportOut:
    done = submit_report(
        ctx.engine,
        ctx.settings.lifecycle,
        Actor.of_user(signed_in(ctx)),
        code,
        progress=body.progress,
        text=body.text,
        evidence=body.evidence,
        status=body.status,
        today=ctx.today,
        day=as_of,
        version=body.version,
    )
    return ReportOut(**vars(done))
