"""Writing the office's documents from the ledger: each use case computes what it needs, renders
the .docx in memory and writes it atomically (a failure leaves no half-written file).

- `write_bulletin`: 督办通报 第N期 (the number is journalled: models.writes.bulletins);
- `write_sheets`: a 督办单 per task, one file each;
- `write_annual_report`: the draft 政府信息公开工作年度报告.
The look-back DOCX is written by workflows.lookback_report with the other look-back formats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from models.errors import BadInput
from models.files.files import atomic_path
from models.reads.bulletins import next_number
from models.reads.queries import task_detail
from models.reads.task_query import TaskFilter, TaskQuery
from models.reads.tasks import get_task
from models.rules.reports import is_report
from models.storage.db import read_session, write_session
from models.vocabulary.i18n import _
from models.writes.bulletins import record_bulletin
from workflows.lookback_outline import DEFAULT_ISSUER
from workflows.lookback_report import build_lookback

SUFFIX = ".docx"


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)
    number: int | None = None  # the bulletin's number
    recorded: bool = False  # the bulletin's number was journalled now (not before)


def _target(output: Path, name: str) -> Path:
    """`output` itself when it names a .docx file, else `name` in the folder `output`."""
    output = Path(output)
    if output.suffix.lower() == SUFFIX and not output.is_dir():
        return output
    if output.exists() and not output.is_dir():
        raise BadInput(_("is a file: give a folder, or a .docx file"), source=output)
    return output / name


def _write(path: Path, data: bytes) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
    return path


def write_bulletin(
    engine: Engine,
    *,
    as_of: dt.date,
    output: Path,
    plan: str | None = None,
    year: int | None = None,
    number: int | None = None,
    issuer: str | None = None,
    plans_dir: Path | None = None,
    actor: str = "office",
) -> Written:
    from workflows.documents.bulletin import bulletin_title, render_bulletin

    if (plan is None) == (year is None):
        raise BadInput(_("give either a plan or a year for the bulletin (one of them, not both)"))
    lookback = build_lookback(engine, as_of=as_of, plan=plan, year=year, plans_dir=plans_dir)
    with read_session(engine) as session:
        chosen = number if number is not None else next_number(session, lookback.year)
    if chosen < 1:
        raise BadInput(_("a bulletin number is 1 or more, not {chosen}").format(chosen=chosen))
    target = _target(output, f"督办通报-{lookback.year}-第{chosen}期{SUFFIX}")
    _write(target, render_bulletin(lookback, number=chosen, issuer=issuer))
    with write_session(engine) as session:
        recorded = record_bulletin(
            session, year=lookback.year, number=chosen, title=bulletin_title(lookback), actor=actor, day=as_of
        )
    return Written([target], number=chosen, recorded=recorded)


def write_sheets(
    engine: Engine,
    *,
    as_of: dt.date,
    output: Path,
    codes: Sequence[str] = (),
    overdue: bool = False,
    plan: str | None = None,
    issuer: str | None = None,
    reply_days: int = 7,
    due_soon_days: int = 14,
) -> Written:
    """A 督办单 for each task named, or for every overdue task (of a plan) with `overdue`."""
    from workflows.documents.supervision import SheetTask, render_sheet

    if not codes and not overdue:
        raise BadInput(_("name the tasks (T12 …) or ask for every overdue task"))
    with read_session(engine) as session:
        tasks = [get_task(session, code) for code in codes]
        if overdue:
            late = TaskQuery(
                session, TaskFilter(plan=plan, overdue=True), as_of=as_of, due_soon_days=due_soon_days
            )
            tasks += [get_task(session, row.code) for row in late.rows()]
        unique = list({task.id: task for task in tasks}.values())
        sheets = []
        for task in unique:
            detail = task_detail(session, task, as_of=as_of, due_soon_days=due_soon_days)
            notes = [row.note for row in detail.journal if row.note and is_report(row.action)]
            sheet = SheetTask(
                code=task.code,
                plan_title=detail.plan.title or detail.plan.key,
                path=list(task.path),
                title=task.title,
                body=task.body,
                lead=detail.lead,
                support=detail.support,
                deadline_text=task.deadline_text,
                due_date=detail.due_date,
                status=task.status,
                progress=task.progress,
                note=notes[-1] if notes else "",
            )
            sheets.append((sheet, issuer or detail.plan.issuer or DEFAULT_ISSUER))
    if len(sheets) > 1 and Path(output).suffix.lower() == SUFFIX:
        raise BadInput(
            _("names one .docx file, but there is a sheet for each task: give a folder"), source=output
        )
    reply_by = as_of + dt.timedelta(days=reply_days)
    rendered = [
        (
            _target(output, f"督办单-{sheet.code}{SUFFIX}"),
            render_sheet(sheet, issuer=who, as_of=as_of, reply_by=reply_by),
        )
        for sheet, who in sheets
    ]
    return Written([_write(path, data) for path, data in rendered])


def write_annual_report(
    engine: Engine,
    *,
    as_of: dt.date,
    year: int,
    output: Path,
    issuer: str | None = None,
    plans_dir: Path | None = None,
) -> Written:
    from workflows.documents.annual_report import render_annual_report

    lookback = build_lookback(engine, as_of=as_of, year=year, plans_dir=plans_dir)
    target = _target(output, f"政府信息公开工作年度报告-{year}-草稿{SUFFIX}")
    return Written([_write(target, render_annual_report(lookback, issuer=issuer))])
