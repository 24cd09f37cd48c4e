"""The year-end look-back (`duban lookback`) and the units' summaries (`duban summary …`).

Both only call into workflows.lookback_report and models; neither imports Prefect, so they answer
as fast as the other ledger commands.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from cli.options import Actor, AsOf, Fmt
from cli.tables import Format, render
from models.errors import BadInput
from models.vocabulary.i18n import N_, _


class LookbackFormat(StrEnum):
    md = "md"
    xlsx = "xlsx"
    docx = "docx"


summary_app = typer.Typer(
    help=_("Units' own summaries of how they carried out the year's work, shown in the look-back."),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command(name="lookback")(reported(lookback))
    summary_app.command(name="submit")(reported(submit))
    summary_app.command(name="list")(reported(list_))
    app.add_typer(summary_app, name="summary")


def lookback(
    plan: Annotated[str | None, typer.Option("--plan", help=_("Look back on this plan (its key)."))] = None,
    year: Annotated[
        int | None, typer.Option("--year", help=_("Look back on every plan of this year."))
    ] = None,
    formats: Annotated[
        list[LookbackFormat] | None,
        typer.Option(
            "--format",
            "-f",
            help=_("md, xlsx or docx; repeat for several (default: config lookback.formats)."),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_(
                "Folder for the reports (default: config lookback.output), or the file itself for one format."
            ),
        ),
    ] = None,
    as_of: AsOf = None,
    carry: Annotated[
        bool,
        typer.Option(
            "--carry-over",
            help=_("Also copy the unfinished items into next year's rectification list."),
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help=_("Compute and print the summary (and what would carry over); write nothing.")
        ),
    ] = False,
    actor: Actor = "lookback",
) -> None:
    """The year-end look-back: completion by plan, section and lead unit, every unfinished
    item with its reason, ongoing items and the units' summaries, as Markdown, XLSX and DOCX."""
    if (plan is None) == (year is None):
        raise BadInput(_("give --plan PLAN or --year YEAR (one of them, not both)"))
    # Imported here: the report libraries (openpyxl, python-docx) are not needed by other commands.
    from workflows.use_cases.jobs import look_back

    settings = context.settings()
    result = look_back(
        context.ledger(),
        settings,
        context.actor(actor),
        as_of=context.as_of(as_of),
        plan=plan,
        year=year,
        formats=[f.value for f in formats] if formats else None,
        output=output,
        carry=carry,
        dry_run=dry_run,
    )
    print(result.summary)
    if dry_run:
        print(_("dry run: nothing written"))
        return
    for path in result.paths:
        print(_("wrote {path}").format(path=path))


def submit(
    unit: Annotated[str, typer.Option("--unit", help=_("The unit whose summary this is (name or alias)."))],
    year: Annotated[int, typer.Option("--year", help=_("The year it summarises."))],
    file: Annotated[
        Path | None, typer.Argument(help=_("The summary: a .txt or .md file (UTF-8) or a .docx document."))
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help=_("The plan it reports on (default: the unit's whole year)."))
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", help=_("The summary text itself, instead of a file."))
    ] = None,
    actor: Actor = "office",
) -> None:
    """Record a unit's summary of its year (a newer one replaces it in the look-back; both are kept)."""
    from models.files.summary_file import read_summary_file
    from workflows.use_cases.summaries import submit_summary

    if (file is None) == (text is None):
        raise BadInput(_("give the summary as a FILE or as --text TEXT (one of them)"))
    limits = context.settings().archives
    content = read_summary_file(file, archive_limits=limits) if file is not None else text or ""
    summary = submit_summary(
        context.ledger(),
        context.actor(actor),
        unit=unit,
        year=year,
        text=content,
        plan=plan,
        source=file.name if file is not None else "",
    )
    print(
        _("recorded the {year} summary of {unit}{plan} ({count} characters)").format(
            year=year,
            unit=unit,
            plan=_(" for {plan}").format(plan=plan) if plan else "",
            count=summary.characters,
        )
    )


def list_(
    year: Annotated[int | None, typer.Option("--year", help=_("Only summaries of this year."))] = None,
    every: Annotated[
        bool, typer.Option("--all", help=_("Every version submitted, not only the newest per unit and plan."))
    ] = False,
    fmt: Fmt = Format.table,
) -> None:
    """The units' summaries (the newest per unit, year and plan)."""
    from models.reads.summaries import list_summaries
    from workflows.use_cases.ledger import read_session

    with read_session(context.ledger()) as session:
        found = list_summaries(session, year=year, latest=not every)
    short = fmt is Format.table
    rows = [
        [
            row.unit,
            row.plan or "",
            row.year,
            row.submitted_at.date().isoformat(),
            row.submitted_by,
            row.source,
            " ".join(row.text.split())[:40] if short else row.text,
        ]
        for row in found
    ]
    headers = [N_("unit"), N_("plan"), N_("year"), N_("submitted"), N_("by"), N_("source"), N_("text")]
    print(render(headers, rows, fmt))
