"""Daily ledger commands: import, plans, tasks, show, update, defer, assign."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session, select

from cli import context, excel_cmds, report_cmds
from cli.errors import reported
from cli.options import Actor, AsOf, DueWithinFilter, Fmt, OverdueFilter, PlanFilter, SortOption, UnitFilter
from cli.output import emit
from cli.tables import Format, render
from models.clock import parse_date
from models.reads.names import path_label, plan_names
from models.reads.queries import list_plans, task_detail
from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import read_session
from models.storage.tables import Plan, Role
from models.vocabulary import (
    ACTIONS,
    DEADLINE_TYPES,
    FIELDS,
    LIGHTS,
    PLAN_KINDS,
    ROLES,
    STATUSES,
    status_from_word,
    word,
)
from models.vocabulary.i18n import N_, _
from models.writes.ledger import get_task
from workflows.use_cases import tasks as tasks_uc
from workflows.use_cases.plans import rename_plan


def register(app: typer.Typer) -> None:
    for command in (import_, plans, tasks, show, update, defer, assign):
        app.command(name=command.__name__.rstrip("_"))(reported(command))


def import_(
    paths: Annotated[
        list[Path] | None, typer.Argument(help=_("Documents or reviewed plan files (*.plan.toml)."))
    ] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx", help=_("Instead: a 台账 workbook from `duban export --xlsx`, filled in by a unit.")
        ),
    ] = None,
) -> None:
    """Import plans into the ledger: new tasks are added, edited ones updated in place (progress and
    journal kept), tasks gone from the plan are marked withdrawn. All files in one transaction.

    With --xlsx: apply the status, progress, notes and evidence a unit filled in (all or nothing; rows the office changed since the export are listed as conflicts, not applied)."""
    if xlsx is not None or not paths:
        if paths or xlsx is None:
            raise typer.BadParameter(_("give plan files to import, or --xlsx FILE (not both)"))
        excel_cmds.import_xlsx(xlsx, actor=actor)
        return
    from workflows.use_cases.imports import import_plans

    reports = import_plans(
        context.ledger(), context.settings(), context.actor(actor), paths, day=context.as_of(as_of)
    )
    rows = [[r.plan_key, r.created, r.updated, r.unchanged, r.withdrawn, r.restored] for r in reports]
    headers = [N_("plan"), N_("created"), N_("updated"), N_("unchanged"), N_("withdrawn"), N_("restored")]
    print(render(headers, rows, Format.table))
    new_units = sorted({name for r in reports for name in r.new_units})
    if new_units:
        print(
            "\n"
            + _("{count} unit names are not in the registry (see `duban units --unresolved`):").format(
                count=len(new_units)
            )
        )
        print("  " + "、".join(new_units))


def plans(
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
    rename: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--rename",
            metavar="KEY NAME",
            help='Set the short name people read for a plan (tables, notices, pages); "" restores the one derived from its title.',
        ),
    ] = None,
) -> None:
    """The plans in the ledger with their short names and task counts (--rename KEY NAME to name one)."""
    if rename is not None:
        name = rename_plan(context.ledger(), context.operator(), *rename)
        print(f"{rename[0]}: {name}")
        return
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        names = plan_names(session)
        rows = [
            [
                p.key,
                names.get(p.key, p.key),
                p.title,
                p.year,
                shown(PLAN_KINDS, p.kind, fmt),
                p.tasks,
                p.done,
                p.overdue,
            ]
            for p in list_plans(session, as_of=day)
        ]
    headers = [
        N_("plan"),
        N_("name"),
        N_("title"),
        N_("year"),
        N_("kind"),
        N_("tasks"),
        N_("done"),
        N_("overdue"),
    ]
    print(render(headers, rows, fmt))


def tasks(
    plan: PlanFilter = None,
    unit: UnitFilter = None,
    status: Annotated[
        str | None, typer.Option(help=_("not_started, in_progress, done, deferred or cancelled."))
    ] = None,
    overdue: OverdueFilter = False,
    due_within: DueWithinFilter = None,
    sort: SortOption = None,
    withdrawn: Annotated[
        bool, typer.Option("--withdrawn", help=_("Include tasks withdrawn from their plan."))
    ] = False,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=_("Write to a file."))] = None,
) -> None:
    """List tasks with their units, due date and traffic light."""
    settings = context.settings()
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        status_value = status_from_word(status) or status if status else None
        filters = TaskFilter(plan, unit, status_value, overdue, due_within, include_withdrawn=withdrawn)
        query = TaskQuery(
            session, filters, as_of=day, due_soon_days=settings.ledger.due_soon_days, sort=sort or "due"
        )
        found = query.rows()
        names = plan_names(session)
    headers = [
        N_("task"),
        N_("plan"),
        N_("path"),
        N_("title"),
        N_("lead"),
        N_("support"),
        N_("due"),
        N_("status"),
        N_("progress"),
        N_("light"),
    ]
    rows = [
        [
            r.code,
            names.get(r.plan, r.plan),
            path_label(r.path),
            r.title if fmt is not Format.table else r.title[:30],
            "、".join(r.lead),
            "、".join(r.support) if fmt is not Format.table else "、".join(r.support)[:20],
            r.due_date.isoformat() if r.due_date else r.deadline_text,
            shown(STATUSES, r.status, fmt),
            r.progress,
            shown(LIGHTS, r.light, fmt),
        ]
        for r in found
    ]
    emit(render(headers, rows, fmt), output)


def show(task: Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))], as_of: AsOf = None) -> None:
    """One task in full: text, units, deadline phrase and its journal."""
    from models.reads.reporting import ack_states, reports_of

    settings = context.settings()
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        detail = task_detail(
            session, get_task(session, task), as_of=day, due_soon_days=settings.ledger.due_soon_days
        )
        plan = plan_names(session)[detail.plan.key]
        lifecycle = report_cmds.show_lines(
            ack_states(session, detail.task.id), reports_of(session, detail.task.id)
        )
    t = detail.task
    withdrawn = "  (" + _("withdrawn") + ")" if t.withdrawn else ""
    due = ", " + t.due_date.isoformat() if t.due_date else ""
    lines = [
        f"{t.code}  {plan} {path_label(t.path)}{withdrawn}",
        _("Title: {title}").format(title=t.title),
        _("Lead: {lead}    Support: {support}").format(
            lead="、".join(detail.lead) or "-", support="、".join(detail.support) or "-"
        )
        + ("  " + _("and the units concerned") if t.units_open_ended else ""),
        _("Deadline: {phrase} ({type}{due})").format(
            phrase=t.deadline_text or "-", type=word(DEADLINE_TYPES, t.deadline_type), due=due
        ),
        _("Status: {status}  Progress: {progress}%  Light: {light}  Version: {version}").format(
            status=word(STATUSES, t.status),
            progress=t.progress,
            light=word(LIGHTS, detail.light),
            version=t.version,
        ),
    ]
    if t.progress_note:
        lines.append(_("Latest progress: {note}").format(note=t.progress_note))
    lines += lifecycle
    if t.body:
        lines += ["", t.body]
    lines += ["", _("Journal:")]
    rows = [
        [
            j.at.strftime("%Y-%m-%d %H:%M"),
            j.actor,
            word(ACTIONS, j.action),
            word(FIELDS, j.field),
            j.old[:20],
            j.new[:20],
            j.note[:30],
            j.evidence[:30],
        ]
        for j in detail.journal
    ]
    lines.append(
        render(
            [
                N_("at (UTC)"),
                N_("who"),
                N_("action"),
                N_("field"),
                N_("old"),
                N_("new"),
                N_("note"),
                N_("evidence"),
            ],
            rows,
            Format.table,
        )
    )
    print("\n".join(lines))


def update(
    task: Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))],
    status: Annotated[
        str | None, typer.Option(help=_("not_started, in_progress, done, deferred or cancelled."))
    ] = None,
    progress: Annotated[int | None, typer.Option(help=_("Percent done, 0-100."))] = None,
    note: Annotated[str, typer.Option(help=_("What was done."))] = "",
    evidence: Annotated[str, typer.Option(help=_("A link or file reference that shows it."))] = "",
    version: Annotated[
        int | None, typer.Option(help=_("The version you read; refused if the task changed since."))
    ] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Report progress on a task (journalled; a stale --version is refused)."""
    result = tasks_uc.update_task(
        context.ledger(),
        context.actor(actor),
        task,
        today=context.today_(),
        day=context.as_of(as_of),
        status=status_from_word(status) or status if status else None,
        progress=progress,
        note=note,
        evidence=evidence,
        version=version,
    )
    print(
        _("{task}: {status}, {progress}% (version {version})").format(
            task=result.code,
            status=word(STATUSES, result.status),
            progress=result.progress,
            version=result.version,
        )
    )


def defer(
    task: Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))],
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help=_("New due date: 2021-12-20, 2021/12/20, 2021年12月20日, 12月20日 (the plan's year)."),
        ),
    ],
    reason: Annotated[str, typer.Option(help=_("Why (kept in the journal and the look-back)."))],
    version: Annotated[
        int | None, typer.Option(help=_("The version you read; refused if the task changed since."))
    ] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Move a task's due date, with a reason (the escalation ladder starts again from it)."""
    with read_session(context.ledger()) as session:
        # 6月30日 without a year is a day of the task's own plan year.
        new_date = parse_date(to, what=_("--to date"), year=plan_year(session, task))
    result = tasks_uc.defer_task(
        context.ledger(),
        context.actor(actor),
        task,
        to=new_date,
        reason=reason,
        today=context.today_(),
        day=context.as_of(as_of),
        version=version,
    )
    print(
        _("{task}: deferred to {date} (version {version})").format(
            task=result.code, date=new_date.isoformat(), version=result.version
        )
    )


def plan_year(session: Session, code: str) -> int | None:
    found = get_task(session, code)
    return session.exec(select(Plan.year).where(Plan.id == found.plan_id)).first()


def assign(
    task: Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))],
    lead: Annotated[str | None, typer.Option(help=_("Make this unit a lead unit."))] = None,
    support: Annotated[str | None, typer.Option(help=_("Make this unit a supporting unit."))] = None,
    remove: Annotated[str | None, typer.Option(help=_("Take this unit off the task."))] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Add, change or remove a task's responsible unit (one the registry knows: `duban units load`)."""
    chosen = [
        (name, role)
        for name, role in ((lead, Role.LEAD), (support, Role.SUPPORT), (remove, Role.SUPPORT))
        if name
    ]
    if len(chosen) != 1:
        raise typer.BadParameter(_("give exactly one of --lead, --support or --remove"))
    name, role = chosen[0]
    result = tasks_uc.assign_unit(
        context.ledger(),
        context.actor(actor),
        task,
        unit=name,
        role=role,
        today=context.today_(),
        remove=remove is not None,
        day=context.as_of(as_of),
    )
    done = _("removed") if remove else word(ROLES, role)
    print(f"{result.code}: {done} {name}")


def shown(table: dict[str, str], value: object, fmt: Format) -> str:
    """A stored value as a table shows it (its word); JSON and CSV keep the value for scripts."""
    return word(table, value) if fmt is Format.table else str(getattr(value, "value", value))
