"""The 台账 round trip through Excel (`export --xlsx`, `import --xlsx`) and `backup`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import context
from cli.errors import reported
from cli.options import AsOf, DueWithinFilter, OverdueFilter, PlanFilter, SortOption, UnitFilter
from cli.tables import Format, render
from models.vocabulary.i18n import N_, _

if TYPE_CHECKING:
    from models.files.excel import SheetImport

# openpyxl and the backup code load only when these commands run: every other command starts faster.


def register(app: typer.Typer) -> None:
    for command in (export, backup):
        app.command(name=command.__name__)(reported(command))


def export(
    xlsx: Annotated[
        Path, typer.Option("--xlsx", help=_("The workbook to write (.xlsx); replaced if it exists."))
    ],
    plan: PlanFilter = None,
    unit: UnitFilter = None,
    status: Annotated[
        str | None,
        typer.Option(
            help=_("Only this status: not_started, in_progress, done, deferred, cancelled (or 未开始…).")
        ),
    ] = None,
    overdue: OverdueFilter = False,
    due_within: DueWithinFilter = None,
    sort: SortOption = None,
    as_of: AsOf = None,
) -> None:
    """Export the ledger as an Excel workbook for the units to fill in (status, progress, note, evidence).

    Send it out, then read it back with `duban import --xlsx FILE --as UNIT`.
    """
    from workflows.use_cases.ledger import read_session

    settings = context.settings()
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        from models.files.excel import export_workbook
        from models.reads.task_query import TaskFilter

        count = export_workbook(
            session,
            xlsx,
            TaskFilter(plan, unit, status, overdue, due_within),
            as_of=day,
            due_soon_days=settings.ledger.due_soon_days,
            sort=sort or "plan",
        )
    print(_("wrote {count} tasks to {file}").format(count=count, file=xlsx))


def import_xlsx(xlsx: Path, *, actor: str) -> None:
    """`duban import --xlsx FILE`: apply a filled-in 台账 and print what happened."""
    from workflows.use_cases.workbook import import_workbook

    report = import_workbook(context.ledger(), context.settings(), context.actor(actor), xlsx)
    print_report(report)
    if report.refused:
        raise typer.Exit(1)  # the other rows are applied; these need the office's attention


def print_report(report: SheetImport) -> None:
    counts = [[len(report.applied), report.unchanged, len(report.conflicts)]]
    headers = [N_("applied"), N_("unchanged"), N_("conflicts")]
    if report.refused:  # a column only when some row was refused
        counts[0].append(len(report.refused))
        headers.append(N_("refused"))
    print(render(headers, counts, Format.table))
    if report.applied:
        print("\n" + _("applied: {tasks}").format(tasks=", ".join(a.code for a in report.applied)))
    for refused in report.refused:
        print(_("row {row} not imported: {reason}").format(row=refused.row, reason=refused.reason))
    if not report.conflicts:
        return
    print(
        "\n"
        + _(
            "{count} conflicts, NOT applied: the office changed these tasks after the sheet was "
            "exported. Check them and re-enter the sheet's values where they still hold:"
        ).format(count=len(report.conflicts))
    )
    for c in report.conflicts:
        print(
            "\n"
            + _("{task} (sheet row {row}; sheet version {sheet}, ledger version {ledger})").format(
                task=c.code, row=c.row, sheet=c.sheet_version, ledger=c.ledger_version
            )
        )
        print("  " + _("sheet:  {values}").format(values=c.sheet.describe()))
        print("  " + _("ledger: {values}").format(values=c.ledger.describe()))


def backup(
    file: Annotated[Path, typer.Argument(help=_("Where to write the copy."))],
    force: Annotated[bool, typer.Option("--force", help=_("Replace FILE if it exists."))] = False,
) -> None:
    """A consistent copy of the ledger, safe while the scheduler writes.

    SQLite: a standalone database file made with SQLite's online backup API. PostgreSQL: a portable JSON-lines dump of every table, one line per row (no pg_dump needed; data only: the schema comes from the migrations).
    """
    from workflows.use_cases.restore import backup as backup_ledger

    report = backup_ledger(context.ledger(), context.operator(), file, force=force)
    total = sum(report.rows.values())
    print(
        _("wrote {kind} backup to {file}: {rows} rows in {tables} tables, {size} bytes").format(
            kind=report.kind, file=file, rows=total, tables=len(report.rows), size=report.size
        )
    )
