"""签收, periodic reports (报送) and the inboxes on the dashboard.

- /inbox: what waits for the signed-in user (a unit's, the office's or a leader's inbox);
- POST /tasks/{code}/ack: the lead unit's 签收 (the button on the task page);
- POST /tasks/{code}/report: a unit's report for the period (the form on the task page).

Permission is the use cases' (workflows.use_cases.reporting): a refused or bad form gets the task
page again with the message and what was typed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard.context import TEMPLATES, CtxDep, signed_in
from dashboard.pages.tasks import render_task
from dashboard.params import AsOf
from models.errors import BadInput, Conflict
from models.vocabulary import ROLES
from models.vocabulary.i18n import _
from models.vocabulary.lifecycle_reports import (
    DECISIONS,
    INBOX_EMPTY,
    INBOX_OWNERS,
    INBOX_SECTIONS,
    PAGE_WORDS,
)
from workflows.escalate import level_names
from workflows.use_cases.actor import Actor
from workflows.use_cases.inbox import inbox_of
from workflows.use_cases.reporting import acknowledge, submit_report

router = APIRouter(include_in_schema=False)
# The words of the task page's 签收 and 报送 section (task_reporting.html) and of the inbox page.
TEMPLATES.env.globals["rw"] = PAGE_WORDS
TEMPLATES.env.globals["rw_roles"] = ROLES
Text = Annotated[str, Form()]


@router.get("/inbox")
def inbox_page(ctx: CtxDep, as_of: AsOf) -> HTMLResponse:
    found = inbox_of(ctx.engine, ctx.settings, Actor.of_user(signed_in(ctx)), as_of=as_of)
    return ctx.render(
        "inbox.html",
        inbox=found,
        title=INBOX_OWNERS[found.owner].format(name=found.name),
        sections=INBOX_SECTIONS,
        empty=INBOX_EMPTY,
        states=level_names(ctx.settings) | DECISIONS | ROLES,
        as_of=as_of,
    )


def _back(code: str, as_of_text: str, saved: str) -> Response:
    # Post/redirect/get, as the update and deferral forms do.
    return RedirectResponse(f"/tasks/{code}?as_of={as_of_text}&saved={saved}", status_code=303)


@router.post("/tasks/{code}/ack")
def ack_form(ctx: CtxDep, code: str, as_of: AsOf) -> Response:
    try:
        result = acknowledge(ctx.engine, Actor.of_user(signed_in(ctx)), code, today=ctx.today, day=as_of)
    except BadInput as error:
        return render_task(ctx, code, as_of, status_code=400, problem=error.problem)
    return _back(result.code, as_of.isoformat(), "ack")


@router.post("/tasks/{code}/report")
def report_form(
    ctx: CtxDep,
    code: str,
    as_of: AsOf,
    progress: Text = "",
    text: Text = "",
    evidence: Text = "",
    status: Text = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    typed = {"form": "report", "progress": progress, "text": text, "evidence": evidence, "status": status}
    try:
        try:
            percent = int(progress)
        except ValueError:
            raise BadInput(_("progress must be a whole number from 0 to 100")) from None
        result = submit_report(
            ctx.engine,
            ctx.settings.lifecycle,
            Actor.of_user(signed_in(ctx)),
            code,
            progress=percent,
            text=text,
            evidence=evidence,
            status=status or None,
            today=ctx.today,
            day=as_of,
            version=version,
        )
    except Conflict:
        return render_task(ctx, code, as_of, status_code=409, conflict=version, form=typed)
    except BadInput as error:
        return render_task(ctx, code, as_of, status_code=400, problem=error.problem, form=typed)
    return _back(result.code, as_of.isoformat(), "report")
