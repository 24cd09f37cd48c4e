"""`duban document …`: the office's documents in the 公文 layout (督办通报, 督办单, the annual-report
draft). Each is a thin call into workflows.documents.service; the look-back DOCX stays with
`duban lookback`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from models.errors import BadInput
from models.vocabulary.i18n import _

app = typer.Typer(
    help=_(
        "Documents in the official-document (gongwen) layout: the supervision bulletin, supervision slips and the draft annual report on government information disclosure."
    ),
    no_args_is_help=True,
)

AsOf = Annotated[str | None, typer.Option("--as-of", help=_("As-of date (YYYY-MM-DD; default today)."))]
Issuer = Annotated[
    str | None, typer.Option("--issuer", help=_("Issuing office (signature); default: the plan's issuer."))
]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help=_("Output folder (default: lookback.output), or one .docx file.")),
]


def _output(output: Path | None) -> Path:
    settings = context.settings()
    return output if output is not None else settings.resolve(settings.lookback.output)


@app.command(name="bulletin")
@reported
def bulletin(
    plan: Annotated[str | None, typer.Option("--plan", help=_("Only this plan (its key)."))] = None,
    year: Annotated[int | None, typer.Option("--year", help=_("Every plan of this year."))] = None,
    number: Annotated[
        int | None,
        typer.Option(
            "--number", "-n", help=_("Issue number; default: the next after this year's bulletins.")
        ),
    ] = None,
    as_of: AsOf = None,
    issuer: Issuer = None,
    output: Output = None,
    actor: Annotated[str, typer.Option("--as", help=_("Who issues the bulletin (journalled)."))] = "office",
) -> None:
    """The supervision bulletin (issue N): each lead unit's completion rate, the units behind and their overdue items."""
    from workflows.use_cases.documents import issue_bulletin

    if (plan is None) == (year is None):
        raise BadInput(_("give --plan PLAN or --year YEAR (one of them, not both)"))
    written = issue_bulletin(
        context.ledger(),
        context.settings(),
        context.actor(actor),
        as_of=context.as_of(as_of),
        output=_output(output),
        plan=plan,
        year=year,
        number=number,
        issuer=issuer,
    )
    note = "" if written.recorded else _(" (this issue number was recorded before: written again)")
    print(
        _("Supervision bulletin no. {number}{note}: {path}").format(
            number=written.number, note=note, path=written.paths[0]
        )
    )


@app.command(name="supervise")
@reported
def supervise(
    codes: Annotated[list[str] | None, typer.Argument(help=_("Task ids (e.g. T12), one or more."))] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help=_("One for every task overdue on the as-of date."))
    ] = False,
    plan: Annotated[str | None, typer.Option("--plan", help=_("With --overdue: only this plan."))] = None,
    reply_days: Annotated[
        int, typer.Option("--reply-days", help=_("Reply deadline: days after the slip is issued."))
    ] = 7,
    as_of: AsOf = None,
    issuer: Issuer = None,
    output: Output = None,
) -> None:
    """Supervision slips: one page per task, with the matter, the units, the deadline and a reply form."""
    from workflows.documents.service import write_sheets

    if reply_days < 1:
        raise BadInput(_("--reply-days must be at least 1"))
    settings = context.settings()
    written = write_sheets(
        context.ledger(),
        as_of=context.as_of(as_of),
        output=_output(output),
        codes=codes or [],
        overdue=overdue,
        plan=plan,
        issuer=issuer,
        reply_days=reply_days,
        due_soon_days=settings.ledger.due_soon_days,
    )
    if not written.paths:
        print(_("No task needs a supervision slip."))
    for path in written.paths:
        print(_("Supervision slip: {path}").format(path=path))


@app.command(name="annual-report")
@reported
def annual_report(
    year: Annotated[int, typer.Option("--year", help=_("The year reported on."))],
    as_of: AsOf = None,
    issuer: Issuer = None,
    output: Output = None,
) -> None:
    """The annual report on government information disclosure (a draft in the layout of 国办公开办函〔2021〕30号): the overview and the problems and improvements come from the ledger; the statistical tables are left to fill in."""
    from workflows.documents.service import write_annual_report

    settings = context.settings()
    written = write_annual_report(
        context.ledger(),
        as_of=context.as_of(as_of),
        year=year,
        output=_output(output),
        issuer=issuer,
        plans_dir=settings.resolve(settings.plans.dir),
    )
    print(_("Draft annual report: {path}").format(path=written.paths[0]))
