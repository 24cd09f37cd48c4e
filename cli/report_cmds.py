"""签收 and periodic reports from the command line: `duban ack`, `duban report`, and the lines
`duban show` prints for them. The ledger's modules are imported inside the commands: `duban --help`
does not pay for SQLAlchemy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import context
from cli.errors import reported
from cli.options import Actor, AsOf
from models.vocabulary.i18n import _

if TYPE_CHECKING:
    from models.reads.reporting import AckState, PeriodReports

TaskCode = Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))]
ForUnit = Annotated[
    str | None,
    typer.Option("--unit", help=_("The unit acted for (the office only; a unit acts for itself).")),
]


def register(app: typer.Typer) -> None:
    for command in (ack, report):
        app.command(name=command.__name__)(reported(command))


def ack(task: TaskCode, actor: Actor = "office", unit: ForUnit = None, as_of: AsOf = None) -> None:
    """Acknowledge a task handed to your unit: only its lead unit acknowledges it."""
    from workflows.use_cases.reporting import acknowledge

    result = acknowledge(
        context.ledger(),
        context.actor(actor),
        task,
        today=context.today_(),
        day=context.as_of(as_of),
        unit=unit,
    )
    for name in result.units:
        print(
            _("{task}: acknowledged by {unit} on {day}").format(task=result.code, unit=name, day=result.day)
        )
    for name in result.already:
        print(_("{task}: {unit} had acknowledged it already").format(task=result.code, unit=name))


def report(
    task: TaskCode,
    progress: Annotated[int, typer.Option(help=_("Percent done, 0-100 (a supporting unit: its part)."))],
    text: Annotated[str, typer.Option("--text", help=_("What was done this period."))],
    evidence: Annotated[str, typer.Option(help=_("A link or file reference that shows it."))] = "",
    status: Annotated[
        str | None, typer.Option(help=_("The task's new status (lead unit only): in_progress, deferred …"))
    ] = None,
    actor: Actor = "office",
    unit: ForUnit = None,
    version: Annotated[
        int | None, typer.Option(help=_("The version you read; refused if the task changed since."))
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Report on a task for this period. The lead unit's report is also its progress update; a
    supporting unit reports its part to the lead unit, shown together with the lead unit's report."""
    from models.vocabulary import ROLES, STATUSES, status_from_word, word
    from workflows.use_cases.reporting import submit_report

    result = submit_report(
        context.ledger(),
        context.settings().lifecycle,
        context.actor(actor),
        task,
        progress=progress,
        text=text,
        evidence=evidence,
        status=status_from_word(status) or status if status else None,
        unit=unit,
        today=context.today_(),
        day=context.as_of(as_of),
        version=version,
    )
    print(
        _(
            "{task}: {unit} ({role}) reported for {period}: {progress}%; task {status} (version {version})"
        ).format(
            task=result.code,
            unit=result.unit,
            role=word(ROLES, result.role),
            period=result.period,
            progress=result.progress,
            status=word(STATUSES, result.status),
            version=result.version,
        )
    )


def show_lines(acks: list[AckState], reports: list[PeriodReports]) -> list[str]:
    """The 签收 of each lead unit and the reports by period, the supporting units' parts under the
    lead unit's report: what `duban show` adds to a task."""
    lines = []
    for state in acks:
        if state.assigned_on is None:
            continue
        if state.acknowledged_at is not None:
            done = _("acknowledged {day} by {who}").format(
                day=state.acknowledged_at.date().isoformat(), who=state.acknowledged_by
            )
        else:
            done = _("not acknowledged")
        lines.append(
            _("Acknowledgement: {unit} handed over {day}, {done}").format(
                unit=state.unit, day=state.assigned_on.isoformat(), done=done
            )
        )
    if reports:
        lines += ["", _("Reports:")]
    for period in reports:
        lines.append(f"  {period.period}")
        for row in period.lead:
            lines.append(f"    {row.unit} {row.day.isoformat()} {row.progress}%  {row.text}")
        for row in period.support:
            lines.append(
                "      " + _("part of {unit}").format(unit=row.unit) + f" {row.progress}%  {row.text}"
            )
        if not period.lead:
            lines.append("    " + _("(no report of the lead unit yet)"))
    return lines
