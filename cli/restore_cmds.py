"""`duban restore FILE`: a backup written by `duban backup` back into the configured ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from models.vocabulary.i18n import _

# User-facing text (Simplified Chinese), in one place.
DONE = "已从 {file} 恢复台账（{kind} 备份，结构版本 {revision}）：{tables} 张表共 {rows} 行，各表行数与外键已核对"
REPLACED = "原台账的 {count} 行已被替换"
SEQUENCES = "已重置 {count} 个编号序列"
UPGRADED = "已升级到结构版本 {revision}"


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
            kind="SQLite" if report.kind == "sqlite" else "JSON 行",
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
