"""A copy of the ledger and its restore (admins; the operator at the server is one)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from models.files.backup import BackupReport
from models.files.backup import backup as copy_ledger
from models.files.restore import RestoreReport
from models.files.restore import restore as restore_ledger
from models.rules.permissions import Action
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require


def backup(engine: Engine, actor: Actor, target: Path, *, force: bool = False) -> BackupReport:
    """A consistent copy of the ledger, safe while the scheduler writes."""
    require(actor, Action.BACKUP)
    return copy_ledger(engine, target, force=force)


def restore(url: str, actor: Actor, path: Path, *, force: bool = False) -> RestoreReport:
    """A backup restored into the ledger at `url`, all or nothing (empty ledger unless force)."""
    require(actor, Action.RESTORE)
    return restore_ledger(url, path, force=force)
