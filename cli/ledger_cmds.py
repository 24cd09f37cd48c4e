"""Daily ledger commands: import, plans, tasks, show, update, defer, assign."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import context, excel_cmds, instruction_cmds, report_cmds
from cli.errors import reported
from cli.import_changes import change_lines
from cli.options import Actor, AsOf, DueWithinFilter, Fmt, OverdueFilter, PlanFilter, SortOption, UnitFilter
from cli.output import emit
from cli.tables import Format, render
from models.clock import parse_date
from models.vocabulary import (
    ACTIONS,
    DEADLINE_TYPES,
    FIELDS,
    LIGHTS,
    PENDING_LABELS,
    PLAN_KINDS,
    REQUEST_STATES,
    ROLES,
    STATUSES,
    status_from_word,
    word,
)
from models.vocabulary.i18n import N_, _

if TYPE_CHECKING:
    import datetime as dt

    from models.quick_settings import QuickSettings
    from models.reads.quick import Listing
    from models.reads.task_sheet import TaskSheet

# The database layer and the use cases are imported inside each command (see cli/main.py): a
# command pays only for what it runs, and `duban --help` for none of it.


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
            "--xlsx", help=_("Instead: a ledger workbook from `duban export --xlsx`, filled in by a unit.")
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show per task what the import would change; write nothing."))
    ] = False,
    confirm_decided: Annotated[
        bool,
        typer.Option(
            "--confirm-decided",
            help=_(
                "Also apply the document's changes to fields decided in the ledger (due dates set, "
                "deferrals, units assigned); without it they are kept."
            ),
        ),
    ] = False,
) -> None:
    """Import plans into the ledger: new tasks are added, edited ones updated in place (progress and
    journal kept), tasks gone from the plan are marked withdrawn. All files in one transaction.
    Fields decided in the ledger (a due date set, a deferral, a unit assigned) keep their value
    unless --confirm-decided; --dry-run lists per task what would change.

    With --xlsx: apply the status, progress, notes and evidence a unit filled in (all or nothing; rows the office changed since the export are listed as conflicts, not applied)."""
    if xlsx is not None or not paths:
        if paths or xlsx is None:
            raise typer.BadParameter(_("give plan files to import, or --xlsx FILE (not both)"))
        if dry_run or confirm_decided:
            raise typer.BadParameter(_("--dry-run and --confirm-decided are for plan files, not --xlsx"))
        excel_cmds.import_xlsx(xlsx, actor=actor)
        return
    from workflows.use_cases.imports import EVERYTHING_CONFIRMED, NOTHING_CONFIRMED, import_plans

    reports = import_plans(
        context.ledger(),
        context.settings(),
        context.actor(actor),
        paths,
        day=context.as_of(as_of),
        confirmed=EVERYTHING_CONFIRMED if confirm_decided else NOTHING_CONFIRMED,
        dry_run=dry_run,
    )
    rows = [[r.plan_key, r.created, r.updated, r.unchanged, r.withdrawn, r.restored, r.kept] for r in reports]
    headers = [
        N_("plan"),
        N_("created"),
        N_("updated"),
        N_("unchanged"),
        N_("withdrawn"),
        N_("restored"),
        N_("decided, kept"),
    ]
    print(render(headers, rows, Format.table))
    for report in reports:
        lines = change_lines(report, dry_run=dry_run)
        if lines:
            print("\n" + report.plan_key)
            print("\n".join(lines))
    if dry_run:
        print("\n" + _("dry run: nothing written"))
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
        from workflows.use_cases.plans import rename_plan

        name = rename_plan(context.ledger(), context.operator(), *rename)
        print(f"{rename[0]}: {name}")
        return
    from models.reads.names import plan_names
    from models.reads.queries import list_plans
    from workflows.use_cases.ledger import read_session

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
    from models.reads.names import path_label

    settings = context.quick_settings()  # no pydantic on the quick path
    day = context.as_of(as_of, settings.timezone)
    status_value = status_from_word(status) or status if status else None
    listing = None
    if not plan and not unit:  # a plan or unit filter names ids of one ledger: never compiled once
        listing = quick_listing(
            status_value, overdue, due_within, withdrawn, sort=sort or "due", day=day, settings=settings
        )
    if listing is None:
        listing = full_listing(
            plan, unit, status_value, overdue, due_within, withdrawn, sort=sort or "due", day=day
        )
    found, names = listing.rows, listing.names
    pending = listing.pending if fmt is Format.table else {}
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
            # A pending request beside the status it leaves standing: 推进中（待审核）.
            shown(STATUSES, r.status, fmt)
            + "".join(f"（{PENDING_LABELS[k]}）" for k in pending.get(r.code, [])),
            r.progress,
            shown(LIGHTS, r.light, fmt),
        ]
        for r in found
    ]
    emit(render(headers, rows, fmt), output)


def quick_listing(
    status: str | None,
    overdue: bool,
    due_within: int | None,
    withdrawn: bool,
    *,
    sort: str,
    day: dt.date,
    settings: QuickSettings,
) -> Listing | None:
    """`duban tasks` through the database's driver with SQL compiled once (models.reads.quick);
    None when the ledger cannot be read that way (then full_listing)."""
    from models.reads.quick import quick_ledger

    with quick_ledger(settings.database_url) as quick:
        if quick is None:
            return None
        try:
            years = quick.plan_years()
        except Exception:  # a driver's error (a locked ledger, a changed schema): the full path
            return None
        due_soon_days = settings.due_soon_days
        key = quick.key(
            "tasks",
            as_of=day,
            years=years,
            due_soon_days=due_soon_days,
            filters=[status, overdue, due_within, withdrawn],
            sort=sort,
        )
        entry = quick.cached(key)
        if entry is None:
            # The first run with this key: SQLAlchemy compiles the reads' statements (an unknown
            # status or a bad --due-within is refused here, as on the full path).
            from models.reads.quick_sql import compile_listing
            from models.reads.task_query import TaskFilter
            from workflows.use_cases.ledger import read_session

            filters = TaskFilter(None, None, status, overdue, due_within, include_withdrawn=withdrawn)
            with read_session(context.ledger()) as session:
                entry = compile_listing(session, filters, as_of=day, due_soon_days=due_soon_days, sort=sort)
            if entry["years"] != years:
                return None  # a plan came or went in between: the next run compiles again
            quick.store(key, entry)
        try:
            return quick.listing(entry)
        except Exception:  # a driver's error (a locked or changed ledger): the full path reads it
            return None


def full_listing(
    plan: str | None,
    unit: str | None,
    status: str | None,
    overdue: bool,
    due_within: int | None,
    withdrawn: bool,
    *,
    sort: str,
    day: dt.date,
) -> Listing:
    """`duban tasks` through SQLModel and the reads (any filter, any state of the ledger)."""
    from models.reads.names import plan_names
    from models.reads.quick import Listing
    from models.reads.requests import pending_by_code
    from models.reads.task_query import TaskFilter, TaskQuery
    from workflows.use_cases.ledger import read_session

    settings = context.settings()
    with read_session(context.ledger()) as session:
        filters = TaskFilter(plan, unit, status, overdue, due_within, include_withdrawn=withdrawn)
        query = TaskQuery(session, filters, as_of=day, due_soon_days=settings.ledger.due_soon_days, sort=sort)
        found = query.rows()
        return Listing(found, plan_names(session), pending_by_code(session, [r.code for r in found]))  # type: ignore[arg-type]


def show(task: Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))], as_of: AsOf = None) -> None:
    """One task in full: text, units, deadline phrase and its journal."""
    from models.reads.names import path_label

    settings = context.quick_settings()  # no pydantic on the quick path
    day = context.as_of(as_of, settings.timezone)
    sheet = quick_sheet(task, day, settings) or full_sheet(task, day, settings)
    t = sheet.task
    withdrawn = "  (" + _("withdrawn") + ")" if t.withdrawn else ""
    due = ", " + t.due_date.isoformat() if t.due_date else ""
    lines = [
        f"{t.code}  {sheet.plan} {path_label(t.path)}{withdrawn}",
        _("Title: {title}").format(title=t.title),
        _("Lead: {lead}    Support: {support}").format(
            lead="、".join(sheet.lead) or "-", support="、".join(sheet.support) or "-"
        )
        + ("  " + _("and the units concerned") if t.units_open_ended else ""),
        _("Deadline: {phrase} ({type}{due})").format(
            phrase=t.deadline_text or "-", type=word(DEADLINE_TYPES, t.deadline_type), due=due
        ),
        _("Status: {status}  Progress: {progress}%  Light: {light}  Version: {version}").format(
            status=word(STATUSES, t.status),
            progress=t.progress,
            light=word(LIGHTS, sheet.light),
            version=t.version,
        ),
        instruction_cmds.pace_line(sheet.pace, t.progress),
    ]
    # A pending request shows beside the status it leaves standing (待审批延期 / 待审核).
    for request_id, kind in sheet.pending:
        lines.append(f"{word(PENDING_LABELS, kind)}（R{request_id}）")
    if sheet.returns:
        lines.append(_("Returned {count} times").format(count=sheet.returns))
    if t.progress_note:
        lines.append(_("Latest progress: {note}").format(note=t.progress_note))
    lines += report_cmds.show_lines(sheet.acks, sheet.reports)
    if t.body:
        lines += ["", t.body]
    lines += instruction_cmds.detail_lines(sheet.threads, sheet.chases)
    lines += ["", _("Journal:")]
    rows = [
        [
            j.at.strftime("%Y-%m-%d %H:%M"),
            j.actor,
            word(ACTIONS, j.action),
            word(FIELDS, j.field),
            # A request's journal rows name its state (pending → approved): worded like a status.
            word(REQUEST_STATES, j.old)[:20] if j.field == "request" else j.old[:20],
            word(REQUEST_STATES, j.new)[:20] if j.field == "request" else j.new[:20],
            j.note[:30],
            j.evidence[:30],
        ]
        for j in sheet.journal
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


def quick_sheet(code: str, day: dt.date, settings: QuickSettings) -> TaskSheet | None:
    """`duban show`'s reads through the database's driver with SQL compiled once
    (models.reads.quick); None when the ledger cannot be read that way or has no such task (then
    full_sheet, which says so)."""
    from models.reads.quick import quick_ledger
    from models.reads.task_sheet import read_sheet

    with quick_ledger(settings.database_url) as quick:
        if quick is None:
            return None
        key = quick.key("show")
        entry = quick.cached(key)
        if entry is None:
            # The first run: SQLAlchemy compiles the reads' statements.
            from models.reads.task_sheet_sql import compile_sheet
            from workflows.use_cases.ledger import read_session

            with read_session(context.ledger()) as session:
                entry = compile_sheet(session)
            quick.store(key, entry)
        try:
            return read_sheet(quick.sheet_fetch(entry), code, as_of=day, **_sheet_limits(settings))
        except Exception:  # a driver's error (a locked or changed ledger): the full path reads it
            return None


def full_sheet(code: str, day: dt.date, settings: QuickSettings) -> TaskSheet:
    """`duban show`'s reads through SQLModel (any state of the ledger); a task not found is refused."""
    from models.reads.task_sheet import read_sheet
    from models.reads.task_sheet_sql import session_fetch
    from models.reads.tasks import get_task
    from workflows.use_cases.ledger import read_session

    with read_session(context.ledger()) as session:
        sheet = read_sheet(session_fetch(session), code, as_of=day, **_sheet_limits(settings))
        if sheet is None:
            get_task(session, code)  # raises NotFound, worded as every command words it
            raise AssertionError(code)
        return sheet


def _sheet_limits(settings: QuickSettings) -> dict[str, int]:
    return {
        "due_soon_days": settings.due_soon_days,
        "pace_yellow": settings.pace_yellow,
        "pace_red": settings.pace_red,
    }


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
    from workflows.use_cases import tasks as tasks_uc

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
    from models.reads.tasks import plan_year
    from workflows.use_cases import tasks as tasks_uc
    from workflows.use_cases.ledger import read_session

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


def assign(
    task: Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))],
    lead: Annotated[str | None, typer.Option(help=_("Make this unit a lead unit."))] = None,
    support: Annotated[str | None, typer.Option(help=_("Make this unit a supporting unit."))] = None,
    remove: Annotated[str | None, typer.Option(help=_("Take this unit off the task."))] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Add, change or remove a task's responsible unit (one the registry knows: `duban units load`)."""
    from workflows.use_cases import tasks as tasks_uc
    from workflows.use_cases.tasks import UnitRole  # the role type assign_unit takes (lead / support)

    chosen = [
        (name, role)
        for name, role in ((lead, UnitRole.LEAD), (support, UnitRole.SUPPORT), (remove, UnitRole.SUPPORT))
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
