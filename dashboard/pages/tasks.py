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
from dashboard.pages.instructions import SAVED, task_extras
from dashboard.params import AsOf, percent
from models.clock import parse_date
from models.errors import BadInput, Conflict
from models.reads.requests import of_task, returns_of
from models.reads.task_view import task_view
from models.rules.permissions import Action, may_set_status
from models.vocabulary import PENDING_LABELS, REQUEST_KINDS, REQUEST_STATES
from models.vocabulary.i18n import _
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import business_day, may_on_task
from workflows.use_cases.ledger import read_session
from workflows.use_cases.reporting import task_reporting
from workflows.use_cases.requests import may_decide_extension
from workflows.use_cases.tasks import defer_task, update_task

router = APIRouter(include_in_schema=False)
# What the page offers beside the update form: each form shown only to those the table lets act.
LIFECYCLE_ACTIONS = (
    Action.DEFER_TASK,
    Action.REQUEST_EXTENSION,
    Action.REQUEST_COMPLETION,
    Action.REVIEW_COMPLETION,
    Action.CANCEL_TASK,
)
# What the page says after a lifecycle form (the update and deferral ones are worded in task.html).
REQUEST_SAVED = {
    "extension": _("extension requested: the office approves it; the due date stays until then."),
    "completion": _("completion submitted: the office reviews it; the task stays open until then."),
    "approve": _("extension approved: the due date is updated."),
    "reject": _("extension rejected: the due date stays."),
    "signoff": _("signed off: the task is done."),
    "return": _("completion returned: the task is in progress again."),
    "cancel": _("this task is cancelled."),
}
Text = Annotated[str, Form()]


def render_task(
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
    actor = Actor.of_user(signed_in(ctx))
    with read_session(ctx.engine) as session:
        view = task_view(
            session, code, user=signed_in(ctx), as_of=as_of, due_soon_days=ctx.settings.ledger.due_soon_days
        )
        task = view.detail.task
        requests = of_task(session, task.id)  # type: ignore[arg-type]
        may = {action.value: may_on_task(session, actor, action, task) for action in LIFECYCLE_ACTIONS}
        returns = returns_of(session, task.id)  # type: ignore[arg-type]
        # 序时进度, 领导批示 and 催办记录 (dashboard.pages.instructions).
        extras = task_extras(
            session, actor, view.detail, view.escalations, level_names(ctx.settings), ctx.settings, as_of
        )
        # 签收 and periodic reports (workflows.use_cases.reporting): their section of the page.
        reporting = task_reporting(session, actor, view.detail.task, ctx.settings.lifecycle, today=ctx.today)
    may[Action.DECIDE_EXTENSION.value] = may_decide_extension(ctx.settings, actor.role)
    return ctx.render(
        "task.html",
        requests=requests,
        pending={r.kind: r for r in requests if r.state == "pending"},
        returns=returns,
        may=may,
        # The statuses this user may choose in the update form (the transition table's row).
        statuses={
            value: text
            for value, text in LABELS["status"].items()
            if may_set_status(actor.role, task.status, value)
        },
        request_labels={"kind": REQUEST_KINDS, "state": REQUEST_STATES, "pending": PENDING_LABELS},
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
        saved_text=REQUEST_SAVED.get(saved) or SAVED.get(saved, ""),
        **extras,
    )


@router.get("/tasks/{code}")
def task_page(ctx: CtxDep, code: str, as_of: AsOf, saved: str = "") -> HTMLResponse:
    return render_task(
        ctx,
        code,
        as_of,
        saved=saved if saved in ("update", "defer", *SAVED, *REQUEST_SAVED, "ack", "report") else "",
    )


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
            progress=percent(progress),
            note=note.strip(),
            evidence=evidence.strip(),
        )
    except Conflict:
        return render_task(ctx, code, as_of, status_code=409, conflict=version, form=typed)
    except BadInput as error:
        return render_task(ctx, code, as_of, status_code=400, problem=error.problem, form=typed)
    return _done(task.code, as_of, "update")


@router.post("/tasks/{code}/defer")
def defer_form(
    ctx: CtxDep, code: str, as_of: AsOf, version: Annotated[int, Form()], to: Text = "", reason: Text = ""
) -> Response:
    user = signed_in(ctx)
    typed = {"form": "defer", "to": to, "reason": reason}
    try:
        new_date = parse_date(to, what=_("New due date")) if to.strip() else None
        if new_date is None:
            raise BadInput(_("Fill in the new due date"))
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
        return render_task(ctx, code, as_of, status_code=409, conflict=version, form=typed)
    except BadInput as error:
        return render_task(ctx, code, as_of, status_code=400, problem=error.problem, form=typed)
    return _done(task.code, as_of, "defer")
