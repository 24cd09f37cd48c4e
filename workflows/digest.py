"""The weekly overdue digest: one message per unit and one for the office, once per ISO week.

All of a week's digests are queued in one transaction before any is sent, under the unique key
(digest, week, recipient); a rerun after a crash half-way finds them queued and sends only the
ones still unsent (workflows.deliver). Queuing again in the same week changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy import Engine

from models.reads.digest import NO_LEAD, DigestTask, UnitDigest, collect_digests, lead_role_first, week_of
from models.reads.instructions import DigestInstruction
from models.reads.job_failures import TaskFailure
from models.reads.job_failures import describe as describe_failures
from models.rules.lights import days_overdue
from models.settings import Settings
from models.storage.db import read_session, write_session
from models.storage.tables import NoticeKind
from models.vocabulary import ROLES, STATUSES
from models.vocabulary.i18n import _
from models.writes import job_failures
from models.writes.notices import Draft, queue
from workflows import notice_bodies
from workflows.render import Message

OFFICE = "office"
_STATUS = STATUSES  # the one vocabulary: 未开始 here as on the pages, the workbook and the CLI
_ROLE = ROLES


@dataclass
class DigestReport:
    as_of: dt.date
    week: str
    drafts: list[Draft] = field(default_factory=list)
    queued: int = 0  # new this run (0 on a rerun in the same week)
    dry_run: bool = False
    failures: list[TaskFailure] = field(default_factory=list)  # tasks skipped: could not be computed


def compose_digests(
    engine: Engine, settings: Settings, *, as_of: dt.date, dry_run: bool = False
) -> DigestReport:
    week = week_of(as_of)
    with read_session(engine) as session:
        found = collect_digests(
            session,
            as_of=as_of,
            due_within=settings.digest.due_within_days,
            stale_days=settings.digest.stale_days,
        )
        failures = describe_failures(session, found.failed)
    skip = settings.digest.skip_empty
    drafts = [
        unit_draft(d, week, as_of, settings)
        for d in found.units
        if not d.empty() and not (skip and d.quiet())
    ]
    drafts.append(office_draft(found.units, week, as_of, settings, no_lead=found.no_lead))
    report = DigestReport(as_of, week, drafts, dry_run=dry_run, failures=failures)
    if not dry_run:
        with write_session(engine) as session:
            job_failures.journal(session, "digest", failures, day=as_of)
            report.queued = queue(session, drafts)
    return report


def _task_rows(
    tasks: list[DigestTask], *, as_of: dt.date, overdue: bool = False, role: bool = True
) -> list[tuple[str, ...]]:
    # The words looked up once per table, not once per row: a big ledger's digests list 200,000.
    days, term, no_report = _("{days} days"), _("{due} ({deadline})"), "—"
    # Every cell is text (dates as their ISO text, as a stored message keeps them): the message's
    # tables are then joined and stored without a look at each cell's type (workflows.render). Rows
    # are tuples of text, which the garbage collector stops tracking: a big ledger's digests hold
    # two million of them, and as lists each collection went through them all again.
    rows: list[tuple[str, ...]] = []
    for t in lead_role_first(tasks):
        due = t.due_date
        if t.recurring and due:
            when = term.format(due=due, deadline=t.deadline_text)
        else:
            when = due.isoformat() if due else t.deadline_text
        if role:
            head: tuple[str, ...] = (t.code, _ROLE.get(t.role, t.role), t.plan, t.path, t.title, when)
        else:
            head = (t.code, t.plan, t.path, t.title, when)
        tail = (_STATUS.get(t.status, t.status), t.last_report.isoformat() if t.last_report else no_report)
        rows.append((*head, days.format(days=days_overdue(due, as_of)), *tail) if overdue else head + tail)
    return rows


def unit_message(digest: UnitDigest, week: str, as_of: dt.date, settings: Settings) -> Message:
    soon = settings.digest.due_within_days
    message = Message(
        _("[Duban digest] {week} {unit}: {overdue} overdue, {due_soon} due within {days} days").format(
            week=week, unit=digest.unit, overdue=len(digest.overdue), due_soon=len(digest.due_soon), days=soon
        )
    )
    message.para(
        _("As of {day}, this unit has {open} open tasks.").format(day=as_of.isoformat(), open=digest.open)
    )
    url = settings.dashboard.page_url(f"/tasks?{urlencode({'unit': digest.unit})}")
    if url:
        message.link(_("This unit's tasks in the ledger"), url)
    base = [_("No."), _("Role"), _("Plan"), _("Point"), _("Item"), _("Term")]
    tail = [_("Status"), _("Last report")]
    message.heading(_("Overdue ({count})").format(count=len(digest.overdue)))
    message.table([*base, _("Overdue"), *tail], _task_rows(digest.overdue, as_of=as_of, overdue=True))
    message.heading(_("Due within {days} days ({count})").format(days=soon, count=len(digest.due_soon)))
    message.table([*base, *tail], _task_rows(digest.due_soon, as_of=as_of))
    message.heading(_("Done this week ({count})").format(count=len(digest.done)))
    message.table([*base, *tail], _task_rows(digest.done, as_of=as_of))
    message.heading(
        _("No progress reported for {days} days or more ({count})").format(
            days=settings.digest.stale_days, count=len(digest.stale)
        )
    )
    message.table([*base, *tail], _task_rows(digest.stale, as_of=as_of))
    if digest.instructions:
        instruction_part(message, digest.instructions)
    return message


def instruction_part(message: Message, written: list[DigestInstruction]) -> None:
    """The week's 领导批示 on the unit's tasks: short, one line each, the task page has the rest."""
    message.heading(_("Leaders' instructions this week ({count})").format(count=len(written)))
    message.table(
        [_("task"), _("plan"), _("path"), _("title"), _("leader"), _("date"), _("instruction")],
        [[i.code, i.plan, i.path, i.title, i.author, i.day, _short(i.text)] for i in written],
    )


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def office_message(
    digests: list[UnitDigest],
    week: str,
    as_of: dt.date,
    settings: Settings,
    *,
    no_lead: UnitDigest | None = None,
) -> Message:
    """The office's digest: every unit ranked by overdue count, then the points no unit leads (a
    row of their own, last, and their overdue and due-soon items listed: nobody else is told)."""
    late_units = len([d for d in digests if d.overdue])
    orphans = no_lead if no_lead is not None and no_lead.open else None
    message = Message(
        _("[Duban digest] {week} all units: {count} units have overdue tasks").format(
            week=week, count=late_units
        )
    )
    message.para(
        _(
            "As of {day}: {units} responsible units; overdue tasks (supporting included) {overdue} times,"
            " {lead} of them as lead."
        ).format(
            day=as_of.isoformat(),
            units=len(digests),
            overdue=sum(len(d.overdue) for d in digests),
            lead=sum(_lead_count(d.overdue) for d in digests),
        )
        + (
            _(" Besides, {no_lead} has {open} open tasks, {overdue} of them overdue.").format(
                no_lead=NO_LEAD, open=orphans.open, overdue=len(orphans.overdue)
            )
            if orphans
            else ""
        )
    )
    message.heading(_("Units (most overdue first)"))
    rows: list[list[object]] = [
        [
            rank,
            d.unit,
            len(d.overdue),
            _lead_count(d.overdue),
            len(d.due_soon),
            len(d.done),
            len(d.stale),
            d.open,
        ]
        for rank, d in enumerate(digests, start=1)
    ]
    if orphans:
        o = orphans
        rows.append(["—", o.unit, len(o.overdue), "—", len(o.due_soon), len(o.done), len(o.stale), o.open])
    message.table(
        [
            _("Rank"),
            _("Unit"),
            _("Overdue"),
            _("As lead"),
            _("Due within {days} days").format(days=settings.digest.due_within_days),
            _("Done this week"),
            _("Long unreported"),
            _("Open"),
        ],
        rows,
    )
    if orphans and orphans.overdue:
        message.heading(
            _("Overdue tasks of {no_lead} ({count}: name their responsible units)").format(
                no_lead=NO_LEAD, count=len(orphans.overdue)
            )
        )
        message.table(
            [
                _("No."),
                _("Plan"),
                _("Point"),
                _("Item"),
                _("Term"),
                _("Overdue"),
                _("Status"),
                _("Last report"),
            ],
            _task_rows(orphans.overdue, as_of=as_of, overdue=True, role=False),
        )
    if orphans and orphans.due_soon:
        soon = settings.digest.due_within_days
        message.heading(
            _("Tasks of {no_lead} due within {days} days ({count})").format(
                no_lead=NO_LEAD, days=soon, count=len(orphans.due_soon)
            )
        )
        message.table(
            [_("No."), _("Plan"), _("Point"), _("Item"), _("Term"), _("Status"), _("Last report")],
            _task_rows(orphans.due_soon, as_of=as_of, role=False),
        )
    return message


def _lead_count(tasks: list[DigestTask]) -> int:
    return sum(1 for t in tasks if t.role == "lead")


def _draft(message: Message, week: str, recipient: str) -> Draft:
    return notice_bodies.draft(message, kind=NoticeKind.DIGEST.value, period=week, recipient=recipient)


def unit_draft(digest: UnitDigest, week: str, as_of: dt.date, settings: Settings) -> Draft:
    return _draft(unit_message(digest, week, as_of, settings), week, f"unit:{digest.unit}")


def office_draft(
    digests: list[UnitDigest],
    week: str,
    as_of: dt.date,
    settings: Settings,
    *,
    no_lead: UnitDigest | None = None,
) -> Draft:
    return _draft(office_message(digests, week, as_of, settings, no_lead=no_lead), week, OFFICE)
