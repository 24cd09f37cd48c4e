"""The 台账 round trip through Excel (`export --xlsx`, `import --xlsx`) and `backup`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import context
from cli.errors import reported
from cli.options import AsOf, OverdueFilter, PlanFilter, UnitFilter
from cli.tables import Format, render
from models.db import read_session

if TYPE_CHECKING:
    from models.excel import SheetImport

# openpyxl and the backup code load only when these commands run: every other command starts faster.


def register(app: typer.Typer) -> None:
    for command in (export, backup):
        app.command(name=command.__name__)(reported(command))


def export(
    xlsx: Annotated[
        Path, typer.Option("--xlsx", help="The workbook to write (.xlsx); replaced if it exists.")
    ],
    plan: PlanFilter = None,
    unit: UnitFilter = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only this status: not_started, in_progress, done, deferred, cancelled (or 未开始…)."
        ),
    ] = None,
    overdue: OverdueFilter = False,
    as_of: AsOf = None,
) -> None:
    """Export the ledger as an Excel 台账 for the units to fill in (status, progress, note, evidence).

    Send it out, then read it back with `duban import --xlsx FILE --as UNIT`.
    """
    settings = context.settings()
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        from models.excel import export_workbook

        count = export_workbook(
            session,
            xlsx,
            as_of=day,
            due_soon_days=settings.ledger.due_soon_days,
            plan=plan,
            unit=unit,
            status=status,
            overdue=overdue,
        )
    print(f"wrote {count} tasks to {xlsx}")


def import_xlsx(xlsx: Path, *, actor: str) -> None:
    """`duban import --xlsx FILE`: apply a filled-in 台账 and print what happened."""
    from models.excel import import_workbook

    limits = context.settings().archives
    report = import_workbook(context.ledger(), xlsx, actor=actor, archive_limits=limits)
    print_report(report)
    if report.refused:
        raise typer.Exit(1)  # the other rows are applied; these need the office's attention


def print_report(report: SheetImport) -> None:
    counts = [[len(report.applied), report.unchanged, len(report.conflicts)]]
    headers = ["applied", "unchanged", "conflicts"]
    if report.refused:  # a column only when some row was refused
        counts[0].append(len(report.refused))
        headers.append("refused")
    print(render(headers, counts, Format.table))
    if report.applied:
        print("\napplied: " + ", ".join(a.code for a in report.applied))
    for refused in report.refused:
        print(f"第 {refused.row} 行未导入：{refused.reason}")
    if not report.conflicts:
        return
    print(
        f"\n{len(report.conflicts)} conflict{'s' if len(report.conflicts) != 1 else ''}, NOT applied: the office changed these tasks after the sheet was "
        "exported. Check them and re-enter the sheet's values where they still hold:"
    )
    for c in report.conflicts:
        print(
            f"\n{c.code} (sheet row {c.row}; sheet version {c.sheet_version}, ledger version {c.ledger_version})"
        )
        print(f"  sheet:  {c.sheet.describe()}")
        print(f"  ledger: {c.ledger.describe()}")


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """A consistent copy of the ledger, safe while the scheduler writes.

    SQLite: a standalone database file made with SQLite's online backup API. PostgreSQL: a portable JSON-lines dump of every table, one line per row (no pg_dump needed; data only: the schema comes from the migrations).
    """
    from models.backup import backup as backup_ledger

    report = backup_ledger(context.ledger(), file, force=force)
    total = sum(report.rows.values())
    print(
        f"wrote {report.kind} backup to {file}: {total} rows in {len(report.rows)} tables, {report.size} bytes"
    )
