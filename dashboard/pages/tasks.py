"""One task (/tasks/{code}): its text, units, deadline, journal, escalations and notices; and the
update and deferral forms for those who may change it.

The forms carry the version they were rendered with. A stale one gets the page again with 409, the
task's current values and what the user typed, so nothing is lost and nothing is overwritten
unseen. Permission is checked on the server (the use cases of workflows.use_cases.tasks and their
permission table), not only by hiding the forms.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard.context import Ctx, CtxDep, signed_in
from dashboard.labels import LABELS, level_names
from dashboard.params import AsOf
from models.clock import parse_date
from models.errors import BadInput, Conflict
from models.reads.task_view import task_view
from models.storage.db import read_session
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import business_day
from workflows.use_cases.reporting import task_reporting
from workflows.use_cases.tasks import defer_task, update_task

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _render(
    ctx: Ctx,
    code: str,
    as_of: dt.date,
    *,
    status_code: int = 200,
    problem: str = "",
    conflict: int | None = None,
    form: dict[str, Any] | None = None,
    saved: str = "",
) -> HTMLResponse:
    with read_session(ctx.engine) as session:
        view = task_view(
            session, code, user=signed_in(ctx), as_of=as_of, due_soon_days=ctx.settings.ledger.due_soon_days
        )
        # 签收 and periodic reports (workflows.use_cases.reporting): their section of the page.
        reporting = task_reporting(
            session, Actor.of_user(signed_in(ctx)), view.detail.task, ctx.settings.lifecycle, today=ctx.today
        )
    return ctx.render(
        "task.html",
        status_code=status_code,
        view=view,
        t=view.detail.task,
        as_of=as_of,
        problem=problem,
        conflict=conflict,  # the version the refused form was rendered with
        form=form or {},
        saved=saved,
        reporting=reporting,
        # The day a change from this page is journaled for (today, unless the office names a day).
        change_day=business_day(Actor.of_user(signed_in(ctx)), as_of, today=ctx.today),
        levels=level_names(ctx.settings),
        labels=LABELS,
    )


render_task = _render  # for the lifecycle's forms (dashboard.pages.reporting)


@router.get("/tasks/{code}")
def task_page(ctx: CtxDep, code: str, as_of: AsOf, saved: str = "") -> HTMLResponse:
    return _render(ctx, code, as_of, saved=saved if saved in ("update", "defer", "ack", "report") else "")


def _percent(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise BadInput(f"进度应为0到100之间的整数，而不是 {text!r}") from None


def _done(code: str, as_of: dt.date, saved: str) -> Response:
    # Post/redirect/get: reloading the page after saving does not submit the form again.
    return RedirectResponse(f"/tasks/{code}?as_of={as_of.isoformat()}&saved={saved}", status_code=303)


@router.post("/tasks/{code}/update")
def update_form(
    ctx: CtxDep,
    code: str,
    as_of: AsOf,
    version: Annotated[int, Form()],
    status: Text = "",
    progress: Text = "",
    note: Text = "",
    evidence: Text = "",
) -> Response:
    user = signed_in(ctx)
    typed = {"form": "update", "status": status, "progress": progress, "note": note, "evidence": evidence}
    try:
        task = update_task(
            ctx.engine,
            Actor.of_user(user),
            code,
            version=version,
            day=as_of,
            today=ctx.today,
            status=status or None,
            progress=_percent(progress),
            note=note.strip(),
            evidence=evidence.strip(),
        )
    except Conflict:
        return _render(ctx, code, as_of, status_code=409, conflict=version, form=typed)
    except BadInput as error:
        return _render(ctx, code, as_of, status_code=400, problem=error.problem, form=typed)
    return _done(task.code, as_of, "update")


@router.post("/tasks/{code}/defer")
def defer_form(
    ctx: CtxDep, code: str, as_of: AsOf, version: Annotated[int, Form()], to: Text = "", reason: Text = ""
) -> Response:
    user = signed_in(ctx)
    typed = {"form": "defer", "to": to, "reason": reason}
    try:
        new_date = parse_date(to, what="新的完成日期") if to.strip() else None
        if new_date is None:
            raise BadInput("请填写新的完成日期")
        task = defer_task(
            ctx.engine,
            Actor.of_user(user),
            code,
            version=version,
            day=as_of,
            today=ctx.today,
            to=new_date,
            reason=reason.strip(),
        )
    except Conflict:
        return _render(ctx, code, as_of, status_code=409, conflict=version, form=typed)
    except BadInput as error:
        return _render(ctx, code, as_of, status_code=400, problem=error.problem, form=typed)
    return _done(task.code, as_of, "defer")
