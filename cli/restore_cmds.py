"""`duban restore FILE`: a backup written by `duban backup` back into the configured ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from models.vocabulary.i18n import _

# User-facing text, in one place (the catalog gives the Chinese).
DONE = _(
    "restored the ledger from {file} ({kind} backup, schema revision {revision}): {rows} rows in {tables}"
    " tables, every table's row count and the foreign keys checked"
)
REPLACED = _("the {count} rows of the former ledger were replaced")
SEQUENCES = _("{count} id sequences reset")
UPGRADED = _("upgraded to schema revision {revision}")


def register(app: typer.Typer) -> None:
    app.command(name="restore")(reported(restore))


def restore(
    file: Annotated[
        Path, typer.Argument(help=_("A backup written by `duban backup` (SQLite file or JSON lines)."))
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help=_("Replace a ledger that is not empty (all its rows are deleted).")),
    ] = False,
) -> None:
    """Restore a backup into the configured ledger (SQLite or PostgreSQL), all or nothing.

    The ledger must be empty unless --force. Either kind of backup restores into either database.
    Row counts and foreign keys are checked before anything is kept; stop `duban serve`, the
    scheduler and the workers first."""
    from workflows.use_cases.restore import restore as restore_ledger

    report = restore_ledger(context.settings().database_url, context.operator(), file, force=force)
    print(
        DONE.format(
            file=file,
            kind="SQLite" if report.kind == "sqlite" else _("JSON lines"),
            revision=report.revision,
            tables=len(report.rows),
            rows=sum(report.rows.values()),
        )
    )
    for line, count in ((REPLACED, report.replaced), (SEQUENCES, report.sequences)):
        if count:
            print(line.format(count=count))
    if report.upgraded_to:
        print(UPGRADED.format(revision=report.upgraded_to))
