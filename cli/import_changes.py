"""What `duban import` changed (or, with --dry-run, would change), task by task, in a clerk's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.vocabulary import FIELDS
from models.vocabulary.i18n import _

if TYPE_CHECKING:
    from workflows.use_cases.imports import FieldChange, ImportReport, TaskChange

SHORT = 60  # a body or title longer than this is cut in the listing: the preview names the change


def change_lines(report: ImportReport, *, dry_run: bool) -> list[str]:
    """One line per task (new tasks only on a dry run: after an import the ledger lists them) and
    one per changed field under it; a decided field is marked, with what happened to it."""
    lines: list[str] = []
    for task in report.tasks:
        if task.kind == "new" and not dry_run:
            continue
        lines.append(f"  {_task_head(task)}")
        lines += [f"    {_field_line(change, dry_run=dry_run)}" for change in task.fields]
    return lines


def _task_head(task: TaskChange) -> str:
    from models.reads.names import path_label  # the database layer only when there is a change to show

    where = " ".join(part for part in (task.code, path_label(task.path), _cut(task.title)) if part)
    heads = {
        "new": _("new: {task}"),
        "withdrawn": _("withdrawn: {task}"),
        "restored": _("restored: {task}"),
        "changed": _("changed: {task}"),
    }
    return heads[task.kind].format(task=where)


def _field_line(change: FieldChange, *, dry_run: bool) -> str:
    line = _("{field}: {old} → {new}").format(
        field=FIELDS.get(change.field, change.field), old=_cut(change.old) or "—", new=_cut(change.new) or "—"
    )
    if not change.decided:
        return line
    if change.applied and dry_run:
        return line + _(" (decided in the ledger; confirmed: would be changed)")
    if change.applied:
        return line + _(" (decided in the ledger; confirmed)")
    if dry_run:
        return line + _(" (decided in the ledger: would be kept; --confirm-decided applies it)")
    return line + _(" (decided in the ledger: kept; --confirm-decided applies it)")


def _cut(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"
