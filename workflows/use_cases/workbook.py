"""The 台账 round trip through Excel: a workbook a unit filled in, applied to the ledger."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from models.files.excel import SheetImport, apply_rows, read_checked_workbook
from models.rules.permissions import Action
from models.settings import Settings
from models.storage.db import write_session
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import may_on_task, require
from workflows.use_cases.tasks import status_refusal


def import_workbook(engine: Engine, settings: Settings, actor: Actor, path: Path) -> SheetImport:
    """Read and check the whole workbook, then apply it in one transaction (rows the office
        changed since the export are listed as conflicts, not applied). The permission table decides
        row by row: a row changing a task the actor may not change (a unit user, or `--as` a unit, on
        another unit's task) is refused and reported, as is a row setting a status the transition table
    refuses (a unit's 已完成: it submits 办结 instead); the rows it may change are applied."""
    require(actor, Action.IMPORT_WORKBOOK)
    # Before the transaction: a bad file never takes the write lock.
    rows = read_checked_workbook(engine, path, archive_limits=settings.archives)
    with write_session(engine) as session:
        return apply_rows(
            session,
            rows,
            actor=actor.name,
            source=path,
            allowed=lambda task: may_on_task(session, actor, Action.IMPORT_WORKBOOK, task),
            status_refusal=lambda task, status: status_refusal(actor, task, status),
        )
