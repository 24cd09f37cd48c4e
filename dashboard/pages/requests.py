"""The 督办 lifecycle on the task page: a unit's 申请延期 and 申请办结 (with evidence files), the
office's decisions (批准 / 不予批准, 销号 / 退回) and its 撤销; the evidence files themselves, served
to signed-in users only; and the office's queue of pending requests (/requests).

Every form goes through workflows.use_cases.requests, which asks the permission table: a hidden
form is a courtesy, the refusal happens there.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from dashboard.context import CtxDep, signed_in
from dashboard.labels import LABELS
from dashboard.pages.tasks import render_task
from dashboard.params import AsOf, percent
from models.clock import parse_date
from models.errors import BadInput, Conflict, NotFound
from models.files.attachments import path_of
from models.reads import requests as reads
from models.reads.requests import get_request
from models.vocabulary.i18n import _
from workflows.use_cases import requests as uc
from workflows.use_cases.actor import Actor
from workflows.use_cases.ledger import read_session

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _back(code: str, as_of: object, saved: str) -> Response:
    return RedirectResponse(f"/tasks/{code}?as_of={as_of}&saved={saved}", status_code=303)


@router.post("/tasks/{code}/extension")
def extension_form(
    ctx: CtxDep, code: str, as_of: AsOf, to: Text = "", reason: Text = "", progress: Text = ""
) -> Response:
    typed = {"form": "extension", "to": to, "reason": reason, "progress": progress}
    try:
        if not to.strip():
            raise BadInput(_("give the date the extension is asked to"))
        filed = uc.request_extension(
            ctx.engine,
            ctx.settings,
            Actor.of_user(signed_in(ctx)),
            code,
            to=parse_date(to, what=_("new due")),
            reason=reason,
            progress=percent(progress),
            today=ctx.today,
            day=as_of,
        )
    except Conflict as error:
        return render_task(ctx, code, as_of, status_code=409, problem=error.describe(), form=typed)
    except BadInput as error:
        return render_task(ctx, code, as_of, status_code=400, problem=error.describe(), form=typed)
    return _back(filed.code, as_of.isoformat(), "extension")


@router.post("/tasks/{code}/completion")
def completion_form(
    ctx: CtxDep,
    code: str,
    as_of: AsOf,
    summary: Text = "",
    evidence: Text = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    typed = {"form": "completion", "summary": summary, "evidence": evidence}
    limit = int(ctx.settings.lifecycle.attachment_max_mb * 1024 * 1024)
    # An empty file input still sends one part without a name: not an upload. One byte over the
    # limit is enough to refuse a file, so no more is read.
    uploads = [(f.filename, f.file.read(limit + 1)) for f in files or [] if f.filename]
    try:
        filed = uc.request_completion(
            ctx.engine,
            ctx.settings,
            Actor.of_user(signed_in(ctx)),
            code,
            summary=summary,
            evidence=evidence,
            uploads=uploads,
            today=ctx.today,
            day=as_of,
        )
    except Conflict as error:
        return render_task(ctx, code, as_of, status_code=409, problem=error.describe(), form=typed)
    except BadInput as error:
        return render_task(ctx, code, as_of, status_code=400, problem=error.describe(), form=typed)
    return _back(filed.code, as_of.isoformat(), "completion")


def _decide(ctx: CtxDep, ref: str, as_of: AsOf, outcome: str, text: str) -> Response:
    with read_session(ctx.engine) as session:
        request = get_request(session, ref)
        code = reads.task_code(session, request.task_id)
    actor = Actor.of_user(signed_in(ctx))
    common = {"today": ctx.today, "day": as_of}
    try:
        if outcome == "approve":
            uc.approve_extension(ctx.engine, ctx.settings, actor, ref, comment=text, **common)
        elif outcome == "reject":
            uc.reject_extension(ctx.engine, ctx.settings, actor, ref, comment=text, **common)
        elif outcome == "signoff":
            uc.sign_off(ctx.engine, ctx.settings, actor, ref, comment=text, **common)
        else:
            uc.return_completion(ctx.engine, ctx.settings, actor, ref, reason=text, **common)
    except Conflict as error:
        return render_task(ctx, code, as_of, status_code=409, problem=error.describe())
    except BadInput as error:
        form = {"form": f"decide-{ref}", "text": text}
        return render_task(ctx, code, as_of, status_code=400, problem=error.describe(), form=form)
    return _back(code, as_of.isoformat(), outcome)


@router.post("/requests/{ref}/approve")
def approve_form(ctx: CtxDep, ref: str, as_of: AsOf, comment: Text = "") -> Response:
    return _decide(ctx, ref, as_of, "approve", comment)


@router.post("/requests/{ref}/reject")
def reject_form(ctx: CtxDep, ref: str, as_of: AsOf, comment: Text = "") -> Response:
    return _decide(ctx, ref, as_of, "reject", comment)


@router.post("/requests/{ref}/signoff")
def signoff_form(ctx: CtxDep, ref: str, as_of: AsOf, comment: Text = "") -> Response:
    return _decide(ctx, ref, as_of, "signoff", comment)


@router.post("/requests/{ref}/return")
def return_form(ctx: CtxDep, ref: str, as_of: AsOf, reason: Text = "") -> Response:
    return _decide(ctx, ref, as_of, "return", reason)


@router.post("/tasks/{code}/cancel")
def cancel_form(ctx: CtxDep, code: str, as_of: AsOf, reason: Text = "") -> Response:
    try:
        done = uc.cancel_task(
            ctx.engine,
            ctx.settings,
            Actor.of_user(signed_in(ctx)),
            code,
            reason=reason,
            today=ctx.today,
            day=as_of,
        )
    except BadInput as error:
        form = {"form": "cancel", "reason": reason}
        return render_task(ctx, code, as_of, status_code=400, problem=error.describe(), form=form)
    return _back(done.code, as_of.isoformat(), "cancel")


@router.get("/attachments/{attachment_id}")
def attachment(ctx: CtxDep, attachment_id: int) -> FileResponse:
    """An evidence file, to a signed-in user (the middleware refuses anyone else; every role may view
    every task), as a download under the name it was uploaded with."""
    signed_in(ctx)
    with read_session(ctx.engine) as session:
        row = reads.attachment(session, attachment_id)
    if row is None:
        raise NotFound(_("no attachment numbered {id}").format(id=attachment_id))
    path = path_of(ctx.settings.resolve(ctx.settings.lifecycle.attachments_dir), row.stored_name)
    if not path.is_file():
        raise NotFound(
            _("the file of attachment {name} is no longer in the storage folder").format(name=row.filename)
        )
    return FileResponse(
        path,
        media_type=row.content_type or "application/octet-stream",
        filename=row.filename,  # Content-Disposition: attachment, RFC 5987 for a Chinese name
        headers={"X-Content-Type-Options": "nosniff"},
    )


@router.get("/requests")
def queue_page(ctx: CtxDep, as_of: AsOf) -> HTMLResponse:
    """The pending requests: all of them for the office and leaders, a unit's own for a unit user."""
    user = signed_in(ctx)
    actor = Actor.of_user(user)
    with read_session(ctx.engine) as session:
        found = reads.pending(session, unit_id=actor.unit_id if actor.role == "unit" else None)
    return ctx.render("requests.html", rows=found, as_of=as_of, labels=LABELS)
