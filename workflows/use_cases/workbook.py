"""The 台账 round trip through Excel: a workbook a unit filled in, applied to the ledger."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from models.db import write_session
from models.excel import SheetImport, apply_rows, read_workbook
from models.rules.permissions import Action
from models.settings import Settings
from models.tables import Task
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import WORKBOOK_DENIED, Denied
from workflows.use_cases.guard import may_on_task, require


def import_workbook(engine: Engine, settings: Settings, actor: Actor, path: Path) -> SheetImport:
    """Read and check the whole workbook, then apply it in one transaction (all or nothing; rows
    the office changed since the export are listed as conflicts, not applied). A unit user applies
    rows of its own unit's tasks only: a sheet changing another unit's task is refused whole."""
    require(actor, Action.IMPORT_WORKBOOK)
    # Before the transaction: a bad file never takes the write lock.
    rows = read_workbook(path, archive_limits=settings.archives)
    with write_session(engine) as session:

        def check(tasks: list[Task]) -> None:
            refused = [t.code for t in tasks if not may_on_task(session, actor, Action.IMPORT_WORKBOOK, t)]
            if refused:
                raise Denied(
                    WORKBOOK_DENIED.format(codes="、".join(refused)),
                    action=Action.IMPORT_WORKBOOK,
                    field="task",
                )

        return apply_rows(session, rows, actor=actor.name, source=path, check=check)
