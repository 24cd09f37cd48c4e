"""Plan import for the office: upload a document, review what the parser read, confirm.

The pages only carry the form to workflows.plan_upload (staging) and the import use case
(workflows.use_cases.imports.confirm_upload) and back; the upload is held server-side
between the steps (see that module), keyed by a random id in the URL.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from dashboard.context import Ctx, OfficeCtx
from dashboard.labels import LABELS
from models.errors import BadInput, Conflict
from models.reads.names import path_label
from models.reads.task_query import TaskFilter, TaskQuery
from models.vocabulary import DEADLINE_TYPES, SECTIONS, _
from workflows import plan_upload
from workflows.plan_upload import TaskEdit, Upload
from workflows.use_cases.actor import Actor
from workflows.use_cases.imports import Confirmed, ImportReport, confirm_upload, preview_upload
from workflows.use_cases.ledger import read_session

router = APIRouter(include_in_schema=False)

SHOWN_TASKS = 500  # the confirmation page lists the imported plan's first tasks; the ledger has all


async def form_data(request: Request) -> FormData:
    return await request.form()  # parsed (and cached) already by the CSRF check


FormDep = Annotated[FormData, Depends(form_data)]


def _user_id(ctx: Ctx) -> int:
    assert ctx.user is not None and ctx.user.id is not None  # OfficeCtx: signed in
    return ctx.user.id


@router.get("/plans/import")
def upload_page(ctx: OfficeCtx) -> Response:
    return _upload_form(ctx)


def _upload_form(ctx: Ctx, *, error: str = "", key: str = "", status: int = 200) -> Response:
    return ctx.render(
        "import.html",
        status_code=status,
        error=error,
        key=key,
        limit_mb=ctx.settings.plans.max_document_bytes / 1024 / 1024,
    )


@router.post("/plans/import")
def upload(
    ctx: OfficeCtx,
    file: Annotated[UploadFile | None, File()] = None,
    key: Annotated[str, Form()] = "",
) -> Response:
    if file is None or not file.filename:
        return _upload_form(ctx, error=_("Choose a file to upload."), key=key, status=400)
    # One byte past the limit is enough to know the file is too large.
    data = file.file.read(ctx.settings.plans.max_document_bytes + 1)
    try:
        staged = plan_upload.stage(
            ctx.settings, filename=file.filename, data=data, owner=_user_id(ctx), key=key
        )
    except BadInput as error:
        return _upload_form(
            ctx, error=_("Cannot import: {problem}").format(problem=_said(error)), key=key, status=400
        )
    return RedirectResponse(f"/plans/import/{staged.id}", status_code=303)


@router.get("/plans/import/{upload_id}")
def preview(ctx: OfficeCtx, upload_id: str) -> Response:
    return _preview(ctx, plan_upload.load(ctx.settings, upload_id, owner=_user_id(ctx)))


def _preview(
    ctx: Ctx, upload: Upload, *, form: FormData | None = None, error: str = "", status: int = 200
) -> Response:
    """The review form, filled from the parsed plan or, after a refused confirmation, from what
    the reviewer submitted (so no correction is lost)."""

    def value(name: str, parsed: Any) -> Any:
        submitted = form.get(name) if form is not None else None
        return submitted if isinstance(submitted, str) else parsed

    rows = []
    for index, task in enumerate(upload.plan.tasks):
        deadline = task.deadline
        rows.append(
            {
                "index": index,
                "path": path_label(task.path),
                "title": task.title,
                "body": task.body,
                "section": "" if task.section.value == "tasks" else SECTIONS.get(task.section.value, ""),
                "open_ended": task.units_open_ended,
                "lead": value(f"lead_{index}", "、".join(task.lead_units)),
                "support": value(f"support_{index}", "、".join(task.support_units)),
                "type": value(f"type_{index}", deadline.type.value),
                "due": value(f"due_{index}", deadline.date.isoformat() if deadline.date else ""),
                "phrase": deadline.text,
            }
        )
    key = value("key", upload.key)
    changes = _compare(ctx, upload, form, key)
    if isinstance(changes, Conflict) and form is None and changes.params.get("plan"):
        # The document is in the ledger already under another key: offer its re-import there.
        key = str(changes.params["plan"])
        notice = _(
            "this file was imported before as plan {key}, and the plan key is now {key}: confirming "
            "re-imports that plan, and what the ledger decided stays"
        ).format(key=key)
        changes = _compare(ctx, upload, form, key)
    else:
        notice = ""
    try:
        existing = plan_upload.plan_file_for(ctx.settings, plan_upload.check_key(key)).exists()
    except BadInput:
        existing = False
    return ctx.render(
        "import_preview.html",
        status_code=status,
        upload=upload,
        plan=upload.plan,
        rows=rows,
        key=key,
        title=value("title", upload.plan.title),
        year=value("year", str(upload.plan.year or "")),
        replace=form is not None and form.get("replace") == "1",
        existing=existing,
        deadline_types=DEADLINE_TYPES,
        error=error,
        notice=notice,
        changes=changes if isinstance(changes, ImportReport) else None,
        compare_error=_said(changes) if isinstance(changes, BadInput | Conflict) else "",
        confirmed=set(form.getlist("confirm")) if form is not None else set(),
        labels=LABELS,
    )


def _compare(ctx: Ctx, upload: Upload, form: FormData | None, key: str) -> ImportReport | BadInput | Conflict:
    """What confirming would do to the ledger (a dry run of the import), or why it would be refused."""
    assert ctx.user is not None
    try:
        return preview_upload(
            ctx.engine,
            ctx.settings,
            Actor.of_user(ctx.user),
            upload.id,
            key=key,
            edits=_edits(form, upload) if form is not None else {},
            title=_field(form, "title") if form is not None else None,
            year=_field(form, "year") if form is not None else None,
        )
    except (BadInput, Conflict) as error:
        return error


def _edits(form: FormData, upload: Upload) -> dict[int, TaskEdit]:
    return {
        index: TaskEdit(
            lead=_field(form, f"lead_{index}"),
            support=_field(form, f"support_{index}"),
            type=_field(form, f"type_{index}"),
            due=_field(form, f"due_{index}"),
        )
        for index in range(len(upload.plan.tasks))
    }


def _confirmed(form: FormData) -> Confirmed:
    """The decided changes the office ticked (`T12:deadline`); every other one is kept."""
    items = {
        tuple(value.split(":", 1))
        for value in form.getlist("confirm")
        if isinstance(value, str) and ":" in value
    }
    return Confirmed(items=frozenset(items))  # type: ignore[arg-type]


@router.post("/plans/import/{upload_id}/compare")
def compare(ctx: OfficeCtx, upload_id: str, form: FormDep) -> Response:
    """The review page again, compared with the ledger as the form now stands."""
    return _preview(ctx, plan_upload.load(ctx.settings, upload_id, owner=_user_id(ctx)), form=form)


@router.post("/plans/import/{upload_id}/confirm")
def confirm(ctx: OfficeCtx, upload_id: str, form: FormDep) -> Response:
    upload = plan_upload.load(ctx.settings, upload_id, owner=_user_id(ctx))
    edits = _edits(form, upload)
    assert ctx.user is not None
    try:
        confirm_upload(
            ctx.engine,
            ctx.settings,
            Actor.of_user(ctx.user),
            upload_id,
            key=_field(form, "key") or upload.key,
            edits=edits,
            title=_field(form, "title"),
            year=_field(form, "year"),
            replace=form.get("replace") == "1",
            confirmed=_confirmed(form),
        )
    except (BadInput, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 400
        return _preview(
            ctx,
            upload,
            form=form,
            error=_("Not imported: {problem}").format(problem=_said(error)),
            status=status,
        )
    return RedirectResponse(f"/plans/import/{upload_id}/done", status_code=303)


def _said(error: BadInput | Conflict) -> str:
    # A bad file is named with its problem; a bad form value needs no "<input>:" in front of it.
    if isinstance(error, BadInput) and error.source is None:
        return error.problem
    return error.message if isinstance(error, BadInput) else str(error)


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


@router.get("/plans/import/{upload_id}/done")
def done(ctx: OfficeCtx, upload_id: str) -> Response:
    outcome = plan_upload.result(ctx.settings, upload_id, owner=_user_id(ctx))
    with read_session(ctx.engine) as session:
        query = TaskQuery(
            session,
            TaskFilter(plan=outcome.key),
            as_of=ctx.today,
            due_soon_days=ctx.settings.ledger.due_soon_days,
        )
        tasks = query.rows(limit=SHOWN_TASKS)
    return ctx.render("import_done.html", outcome=outcome, tasks=tasks, shown=SHOWN_TASKS, labels=LABELS)


@router.post("/plans/import/{upload_id}/discard")
def discard(ctx: OfficeCtx, upload_id: str) -> Response:
    plan_upload.discard(ctx.settings, upload_id, owner=_user_id(ctx))
    return RedirectResponse("/plans/import", status_code=303)
