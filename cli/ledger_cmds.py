"""Daily ledger commands: import, plans, tasks, show, update, defer, assign."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session, select

from cli import context, excel_cmds
from cli.errors import reported
from cli.options import Actor, AsOf, Fmt, OverdueFilter, PlanFilter, UnitFilter
from cli.output import emit
from cli.tables import Format, render
from models.clock import parse_date
from models.db import read_session, write_session
from models.ledger import assign_unit, defer_task, get_task, update_task
from models.names import path_label, plan_names, rename_plan
from models.queries import list_plans, list_tasks, task_detail
from models.tables import Plan, Role
from workflows.ingest import import_paths


def register(app: typer.Typer) -> None:
    for command in (import_, plans, tasks, show, update, defer, assign):
        app.command(name=command.__name__.rstrip("_"))(reported(command))


def import_(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Documents or reviewed plan files (*.plan.toml).")
    ] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx", help="Instead: a 台账 workbook from `duban export --xlsx`, filled in by a unit."
        ),
    ] = None,
) -> None:
    """Import plans into the ledger: new tasks are added, edited ones updated in place (progress and
    journal kept), tasks gone from the plan are marked withdrawn. All files in one transaction.

    With --xlsx: apply the status, progress, notes and evidence a unit filled in (all or nothing; rows the office changed since the export are listed as conflicts, not applied)."""
    if xlsx is not None or not paths:
        if paths or xlsx is None:
            raise typer.BadParameter("give plan files to import, or --xlsx FILE (not both)")
        actor = context.actor(actor)
        excel_cmds.import_xlsx(xlsx, actor=actor)
        return
    settings = context.settings()
    reports = import_paths(
        context.ledger(),
        paths,
        actor=actor,
        max_bytes=settings.plans.max_document_bytes,
        units=settings.units,
        day=context.as_of(as_of),
        archive_limits=settings.archives,
    )
    rows = [[r.plan_key, r.created, r.updated, r.unchanged, r.withdrawn, r.restored] for r in reports]
    print(render(["plan", "created", "updated", "unchanged", "withdrawn", "restored"], rows, Format.table))
    new_units = sorted({name for r in reports for name in r.new_units})
    if new_units:
        print(f"\n{len(new_units)} unit names are not in the registry (see `duban units --unresolved`):")
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
        with write_session(context.ledger()) as session:
            name = rename_plan(session, *rename)
        print(f"{rename[0]}: {name}")
        return
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        names = plan_names(session)
        rows = [
            [p.key, names.get(p.key, p.key), p.title, p.year, p.kind, p.tasks, p.done, p.overdue]
            for p in list_plans(session, as_of=day)
        ]
    print(render(["plan", "name", "title", "year", "kind", "tasks", "done", "overdue"], rows, fmt))


def tasks(
    plan: PlanFilter = None,
    unit: UnitFilter = None,
    status: Annotated[
        str | None, typer.Option(help="not_started, in_progress, done, deferred or cancelled.")
    ] = None,
    overdue: OverdueFilter = False,
    due_within: Annotated[int | None, typer.Option(help="Only open tasks due within this many days.")] = None,
    withdrawn: Annotated[
        bool, typer.Option("--withdrawn", help="Include tasks withdrawn from their plan.")
    ] = False,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """List tasks with their units, due date and traffic light."""
    settings = context.settings()
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        found = list_tasks(
            session,
            as_of=day,
            due_soon_days=settings.ledger.due_soon_days,
            plan=plan,
            unit=unit,
            status=status,
            overdue=overdue,
            due_within=due_within,
            include_withdrawn=withdrawn,
        )
        names = plan_names(session)
    headers = ["task", "plan", "path", "title", "lead", "support", "due", "status", "progress", "light"]
    rows = [
        [
            r.code,
            names.get(r.plan, r.plan),
            path_label(r.path),
            r.title if fmt is not Format.table else r.title[:30],
            "、".join(r.lead),
            "、".join(r.support) if fmt is not Format.table else "、".join(r.support)[:20],
            r.due_date.isoformat() if r.due_date else r.deadline_text,
            r.status,
            r.progress,
            r.light.value,
        ]
        for r in found
    ]
    emit(render(headers, rows, fmt), output)


def show(task: Annotated[str, typer.Argument(help="Task id, e.g. T12.")], as_of: AsOf = None) -> None:
    """One task in full: text, units, deadline phrase and its journal."""
    settings = context.settings()
    day = context.as_of(as_of)
    with read_session(context.ledger()) as session:
        detail = task_detail(
            session, get_task(session, task), as_of=day, due_soon_days=settings.ledger.due_soon_days
        )
        plan = plan_names(session)[detail.plan.key]
    t = detail.task
    lines = [
        f"{t.code}  {plan} {path_label(t.path)}{'  (withdrawn)' if t.withdrawn else ''}",
        f"标题: {t.title}",
        f"牵头: {'、'.join(detail.lead) or '-'}    配合: {'、'.join(detail.support) or '-'}"
        + ("  及相关单位" if t.units_open_ended else ""),
        f"时限: {t.deadline_text or '-'} ({t.deadline_type}{', ' + t.due_date.isoformat() if t.due_date else ''})",
        f"状态: {t.status}  进度: {t.progress}%  灯: {detail.light.value}  version: {t.version}",
    ]
    if t.progress_note:
        lines.append(f"最新进展: {t.progress_note}")
    if t.body:
        lines += ["", t.body]
    lines += ["", "journal:"]
    rows = [
        [
            j.at.strftime("%Y-%m-%d %H:%M"),
            j.actor,
            j.action,
            j.field,
            j.old[:20],
            j.new[:20],
            j.note[:30],
            j.evidence[:30],
        ]
        for j in detail.journal
    ]
    lines.append(
        render(["at (UTC)", "who", "action", "field", "old", "new", "note", "evidence"], rows, Format.table)
    )
    print("\n".join(lines))


def update(
    task: Annotated[str, typer.Argument(help="Task id, e.g. T12.")],
    status: Annotated[
        str | None, typer.Option(help="not_started, in_progress, done, deferred or cancelled.")
    ] = None,
    progress: Annotated[int | None, typer.Option(help="Percent done, 0-100.")] = None,
    note: Annotated[str, typer.Option(help="What was done.")] = "",
    evidence: Annotated[str, typer.Option(help="A link or file reference that shows it.")] = "",
    version: Annotated[
        int | None, typer.Option(help="The version you read; refused if the task changed since.")
    ] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Report progress on a task (journalled; a stale --version is refused)."""
    actor = context.actor(actor)
    day = context.as_of(as_of)
    with write_session(context.ledger()) as session:
        result = update_task(
            session,
            task,
            actor=actor,
            status=status,
            progress=progress,
            note=note,
            evidence=evidence,
            expected_version=version,
            day=day,
        )
        print(f"{result.code}: {result.status}, {result.progress}% (version {result.version})")


def defer(
    task: Annotated[str, typer.Argument(help="Task id, e.g. T12.")],
    to: Annotated[
        str,
        typer.Option(
            "--to", help="New due date: 2021-12-20, 2021/12/20, 2021年12月20日, 12月20日 (the plan's year)."
        ),
    ],
    reason: Annotated[str, typer.Option(help="Why (kept in the journal and the look-back).")],
    version: Annotated[
        int | None, typer.Option(help="The version you read; refused if the task changed since.")
    ] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Move a task's due date, with a reason (the escalation ladder starts again from it)."""
    actor = context.actor(actor)
    day = context.as_of(as_of)
    with write_session(context.ledger()) as session:
        # 6月30日 without a year is a day of the task's own plan year.
        new_date = parse_date(to, what="--to date", year=plan_year(session, task))
        result = defer_task(
            session, task, to=new_date, reason=reason, actor=actor, expected_version=version, day=day
        )
        print(f"{result.code}: deferred to {new_date.isoformat()} (version {result.version})")


def plan_year(session: Session, code: str) -> int | None:
    found = get_task(session, code)
    return session.exec(select(Plan.year).where(Plan.id == found.plan_id)).first()


def assign(
    task: Annotated[str, typer.Argument(help="Task id, e.g. T12.")],
    lead: Annotated[str | None, typer.Option(help="Make this unit a lead unit.")] = None,
    support: Annotated[str | None, typer.Option(help="Make this unit a supporting unit.")] = None,
    remove: Annotated[str | None, typer.Option(help="Take this unit off the task.")] = None,
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
        raise typer.BadParameter("give exactly one of --lead, --support or --remove")
    name, role = chosen[0]
    actor = context.actor(actor)
    with write_session(context.ledger()) as session:
        result = assign_unit(
            session,
            task,
            unit=name,
            role=role,
            actor=actor,
            remove=remove is not None,
            day=context.as_of(as_of),
        )
        print(f"{result.code}: {'removed' if remove else role.value} {name}")
