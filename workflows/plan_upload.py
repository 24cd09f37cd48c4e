"""A plan document uploaded through the dashboard: parsed, held for review, then confirmed.

Between the upload and the confirmation the document and its parsed plan wait on the server, in
`var/uploads/<random id>/` (never in the cookie: a plan is far larger than a cookie, and the parsed
text must not travel back and forth through the browser to be trusted again). An upload belongs to
the user who made it and lives for UPLOAD_TTL; older ones are removed whenever a new one arrives.

Confirming writes the reviewed plan file `<plans>/<key>.plan.toml` (and the source document beside
it, as the plans folder keeps them) and imports it in one transaction. If the import fails, the
files are put back as they were, so a refused confirmation leaves neither the ledger nor the plans
folder changed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from models.clock import parse_date
from models.errors import BadInput, Conflict, NotFound
from models.files.files import atomic_path
from models.files.plan_file import dump_plan, load_plan
from models.plan import Deadline, DeadlineType, ParsedPlan
from models.reads.names import path_label
from models.settings import Settings
from models.vocabulary.i18n import _
from models.writes.ledger import ImportReport
from parsing.sources import SOURCE_SUFFIXES, parse_source
from workflows.ingest import PLAN_SUFFIX

UPLOADS = "var/uploads"
UPLOAD_TTL = dt.timedelta(hours=24)
_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# A key names files in the plans folder: word characters (CJK included), dots and dashes, no path.
_KEY = re.compile(r"^\w[\w.-]{0,119}$")
_UNSAFE = re.compile(r"[^\w.-]+")
_UNIT_SEPARATORS = re.compile(r"[、，,；;\s]+")
PARSED, CLAIMED, META, RESULT = "plan.toml", "plan.toml.confirming", "meta.json", "result.json"


@dataclass
class Upload:
    id: str
    folder: Path
    owner: int
    filename: str  # as the user's browser named it
    document: Path  # the stored copy
    key: str  # the plan key proposed at upload
    created: dt.datetime
    plan: ParsedPlan


@dataclass
class TaskEdit:
    """What the preview form sends back for one task; None leaves that part as parsed."""

    lead: str | None = None
    support: str | None = None
    type: str | None = None
    due: str | None = None


@dataclass
class ImportOutcome:
    key: str
    plan_file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    restored: int = 0
    new_units: list[str] = field(default_factory=list)
    # models.writes.decisions.TaskChange as plain data (result.json): what changed, task by task.
    tasks: list[dict] = field(default_factory=list)
    kept: int = 0  # changes to decided fields left as the ledger had them


def uploads_dir(settings: Settings) -> Path:
    return settings.resolve(UPLOADS)


def plan_file_for(settings: Settings, key: str) -> Path:
    return settings.resolve(settings.plans.dir) / f"{key}{PLAN_SUFFIX}"


def check_key(key: str) -> str:
    key = key.strip()
    if not _KEY.match(key) or key.endswith(".") or ".." in key:
        raise BadInput(
            _(
                "the plan key “{key}” cannot be used: only Chinese characters, letters, digits and - _ ."
                " (at most 120 characters, no spaces or slashes)"
            ).format(key=key)
        )
    return key


def default_key(filename: str) -> str:
    stem = Path(filename).stem
    return _UNSAFE.sub("-", stem).strip("-.") or "plan"


def stage(settings: Settings, *, filename: str, data: bytes, owner: int, key: str = "") -> Upload:
    """Parse an uploaded document and keep it for review; a file that cannot be used is refused
    with a message naming it, and nothing is kept."""
    purge(settings)
    name = Path(filename.replace("\\", "/")).name.strip() or "document"
    suffix = Path(name).suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise BadInput(
            _("not a file type Duban reads: upload a {suffixes} file").format(
                suffixes=_(", ").join(SOURCE_SUFFIXES)
            ),
            source=name,
        )
    limit = settings.plans.max_document_bytes
    if len(data) > limit:
        raise BadInput(
            _("file too large: over the limit of {limit:,} bytes").format(limit=limit), source=name
        )
    key = check_key(key) if key.strip() else default_key(name)
    upload_id = secrets.token_urlsafe(18)
    folder = uploads_dir(settings) / upload_id
    document = folder / "source" / f"{default_key(name)}{suffix}"
    try:
        document.parent.mkdir(parents=True)
        document.write_bytes(data)
        plan = parse_source(document, max_bytes=limit, archive_limits=settings.archives)
        (folder / PARSED).write_text(dump_plan(plan), encoding="utf-8")
        meta = {"owner": owner, "filename": name, "key": key, "created": _now().isoformat()}
        (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    except BadInput as error:
        shutil.rmtree(folder, ignore_errors=True)
        # The parser names the stored copy; the user knows the file by the name they uploaded.
        raise BadInput(error.problem, source=name, line=error.line) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return load(settings, upload_id, owner=owner)


def _folder(settings: Settings, upload_id: str, owner: int) -> tuple[Path, dict]:
    gone = NotFound(
        _("this upload does not exist (it expired, was imported or was dropped): upload the file again")
    )
    if not _ID.match(upload_id):
        raise gone
    folder = uploads_dir(settings) / upload_id
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise gone from None
    if meta.get("owner") != owner or _now() - dt.datetime.fromisoformat(meta["created"]) > UPLOAD_TTL:
        raise gone  # another user's upload is as good as absent
    return folder, meta


def load(settings: Settings, upload_id: str, *, owner: int) -> Upload:
    folder, meta = _folder(settings, upload_id, owner)
    parsed = folder / PARSED
    if not parsed.exists():
        raise NotFound(_("this upload has been imported (or is being imported): see the ledger"))
    plan = load_plan(parsed.read_text(encoding="utf-8"), source=meta["filename"])
    documents = list((folder / "source").iterdir())
    return Upload(
        upload_id,
        folder,
        meta["owner"],
        meta["filename"],
        documents[0],
        meta["key"],
        dt.datetime.fromisoformat(meta["created"]),
        plan,
    )


def discard(settings: Settings, upload_id: str, *, owner: int) -> None:
    folder, _meta = _folder(settings, upload_id, owner)
    shutil.rmtree(folder, ignore_errors=True)


def purge(settings: Settings, *, now: dt.datetime | None = None) -> int:
    """Remove uploads older than UPLOAD_TTL (left by users who never confirmed); returns how many."""
    root = uploads_dir(settings)
    if not root.is_dir():
        return 0
    cutoff = (now or _now()) - UPLOAD_TTL
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def split_units(text: str) -> list[str]:
    return list(dict.fromkeys(name for name in _UNIT_SEPARATORS.split(text) if name))


def apply_edits(
    plan: ParsedPlan, edits: dict[int, TaskEdit], *, title: str | None = None, year: str | None = None
) -> ParsedPlan:
    """The plan with the reviewer's corrections; a bad value names the task (number and path)."""
    edited = plan.model_copy(deep=True)
    if title is not None:
        edited.title = title.strip()
    if year is not None:
        edited.year = _year(year)
    for index, edit in edits.items():
        if not 0 <= index < len(edited.tasks):
            raise BadInput(_("item {number}: the plan has no such item").format(number=index + 1))
        task = edited.tasks[index]
        where = _("item {number} ({path})").format(number=index + 1, path=path_label(task.path))
        if edit.lead is not None:
            task.lead_units = split_units(edit.lead)
        if edit.support is not None:
            task.support_units = split_units(edit.support)
        # A unit named as lead is not also a supporting unit of the same task.
        task.support_units = [u for u in task.support_units if u not in task.lead_units]
        task.deadline = _deadline(task.deadline, edit, where, edited.year)
    return edited


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise BadInput(
            _("the year “{text}” is not right: it should be a year such as 2024").format(text=text)
        )
    return int(text)


def _date(text: str, where: str, year: int | None) -> dt.date:
    """The one date parser (models.clock): 2021/6/30, 2021年6月30日, 6月30日 in the plan's year…"""
    try:
        return parse_date(text, what=_("date"), year=year)
    except BadInput as error:
        raise BadInput(_("{where}: {problem}").format(where=where, problem=error.problem)) from None


def _deadline(deadline: Deadline, edit: TaskEdit, where: str, year: int | None) -> Deadline:
    kind = deadline.type
    if edit.type is not None:
        try:
            kind = DeadlineType(edit.type)
        except ValueError:
            raise BadInput(
                _("{where}: unknown deadline type “{type}”").format(where=where, type=edit.type)
            ) from None
    due = deadline.date
    if edit.due is not None:
        due = _date(edit.due, where, year) if edit.due.strip() else None
    if due is not None and kind in (DeadlineType.NONE, DeadlineType.ONGOING):
        kind = DeadlineType.DATE  # a date typed in for an undated point makes it a dated one
    if due is None and kind == DeadlineType.DATE:
        raise BadInput(_("{where}: the deadline type is “a date”: fill in the date").format(where=where))
    recurrence = deadline.recurrence if kind == DeadlineType.RECURRING else None
    return Deadline(type=kind, date=due, text=deadline.text, recurrence=recurrence)


def reviewed(
    settings: Settings,
    upload_id: str,
    *,
    owner: int,
    key: str,
    edits: dict[int, TaskEdit],
    title: str | None = None,
    year: str | None = None,
) -> tuple[Upload, str, ParsedPlan, Path]:
    """The upload with the reviewer's corrections: the upload, its checked key, the plan as it will
    be written and the plan file it will be written to (for the preview and the confirmation)."""
    upload = load(settings, upload_id, owner=owner)
    key = check_key(key)
    plan = apply_edits(upload.plan, edits, title=title, year=year)
    plan.source = f"{key}{upload.document.suffix}"
    return upload, key, plan, plan_file_for(settings, key)


def confirm(
    settings: Settings,
    upload_id: str,
    *,
    owner: int,
    key: str,
    edits: dict[int, TaskEdit],
    run_import: Callable[[Path], ImportReport],
    title: str | None = None,
    year: str | None = None,
    replace: bool = False,
) -> ImportOutcome:
    """Write the reviewed plan file (and the document beside it) and import it with `run_import`
    (workflows.use_cases.imports.confirm_upload, the one import every face uses); all or nothing."""
    upload, key, plan, target = reviewed(
        settings, upload_id, owner=owner, key=key, edits=edits, title=title, year=year
    )
    folder = target.parent
    document = folder / plan.source
    text = dump_plan(plan)
    load_plan(text, source=target.name)  # what is written must read back
    # Other source documents of the same key would make `duban ingest plans/` import it twice.
    others = [folder / f"{key}{s}" for s in SOURCE_SUFFIXES if s != document.suffix]
    present = [p for p in (target, document, *others) if p.exists()]
    if present and not replace:
        names = _(", ").join(p.name for p in present)
        raise Conflict(
            _(
                "the plans folder already holds {names}: to replace them, tick “replace existing files”"
            ).format(names=names)
        )
    try:  # the claim: of two confirmations of one upload (a double click), one goes on
        os.rename(upload.folder / PARSED, upload.folder / CLAIMED)
    except FileNotFoundError:
        raise Conflict(_("this upload is being imported: do not submit it twice")) from None
    changes: dict[Path, bytes | None] = {
        document: upload.document.read_bytes(),
        target: text.encode("utf-8"),
        **{p: None for p in others},
    }
    backups = {path: path.read_bytes() if path.exists() else None for path in changes}
    try:
        _write(changes)
        report = run_import(target)
    except BaseException:
        _write(backups)
        os.rename(upload.folder / CLAIMED, upload.folder / PARSED)
        raise
    outcome = _outcome(report, target.name)
    (upload.folder / RESULT).write_text(json.dumps(asdict(outcome), ensure_ascii=False), encoding="utf-8")
    # Only the small result stays (for the confirmation page) until purge() removes the folder.
    shutil.rmtree(upload.folder / "source", ignore_errors=True)
    (upload.folder / CLAIMED).unlink(missing_ok=True)
    return outcome


def result(settings: Settings, upload_id: str, *, owner: int) -> ImportOutcome:
    folder, _meta = _folder(settings, upload_id, owner)
    try:
        return ImportOutcome(**json.loads((folder / RESULT).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        raise NotFound(_("this upload has not been imported yet")) from None


def _write(changes: dict[Path, bytes | None]) -> None:
    for path, data in changes.items():
        if data is None:
            path.unlink(missing_ok=True)
        else:
            with atomic_path(path) as temporary:
                temporary.write_bytes(data)


def _outcome(report: ImportReport, plan_file: str) -> ImportOutcome:
    return ImportOutcome(
        key=report.plan_key,
        plan_file=plan_file,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        withdrawn=report.withdrawn,
        restored=report.restored,
        new_units=list(report.new_units),
        tasks=[asdict(task) for task in report.tasks if task.kind != "new"],
        kept=report.kept,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
