"""Escalation: raise the rungs of the ladder that fell due, and queue one notice per recipient.

A recipient gets one message per run listing every level raised for it that day (a unit with
twelve tasks overdue on one date gets one 催办 with twelve lines, not twelve emails). Escalations and
their notices are written in one transaction; sending is a separate step (workflows.deliver).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from models.reads.escalations import Raised, describe_dues, describe_inserted, due_now
from models.reads.job_failures import TaskFailure
from models.reads.job_failures import describe as describe_failures
from models.reads.lifecycle_escalations import LifecycleDues, address, lifecycle_dues
from models.reads.names import path_label
from models.reads.pace_escalations import pace_dues
from models.rules.calendar import WorkCalendar
from models.rules.ladder import CHECKIN, CHECKIN_NAME, Due
from models.rules.report_cycle import ACK_LEVEL, REPORT_LEVEL
from models.settings import EscalationLevel, Settings
from models.storage.db import read_session, write_session
from models.storage.tables import NoticeKind
from models.vocabulary import _
from models.vocabulary.lifecycle_reports import LEVEL_NAMES
from models.writes import job_failures
from models.writes.escalations import insert_dues
from models.writes.notices import Draft, queue
from workflows import notice_bodies
from workflows.render import Message


@dataclass
class EscalateReport:
    as_of: dt.date
    raised: dict[str, int] = field(default_factory=dict)  # level -> count sent
    skipped: int = 0
    notices: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    preview: list[Raised] = field(default_factory=list)  # dry run: what would be raised, by task code
    failures: list[TaskFailure] = field(default_factory=list)  # tasks skipped: could not be computed


def calendar_of(settings: Settings) -> WorkCalendar:
    return WorkCalendar(settings.calendar.extra_holidays)


def raise_due(engine: Engine, settings: Settings, *, as_of: dt.date, dry_run: bool = False) -> EscalateReport:
    """Record every level due by `as_of` (once) and queue its notices; with dry_run, only report."""
    calendar = calendar_of(settings)
    report = EscalateReport(as_of=as_of, dry_run=dry_run)
    args = {
        "as_of": as_of,
        "ladder": settings.escalation,
        "calendar": calendar,
        "checkin_day": settings.checkin.day_of_month,
    }
    failed: dict[int, str] = {}
    if dry_run:
        with read_session(engine) as session:
            dues, lifecycle = _all_dues(session, settings, args, failed)
            report.preview = describe_dues(session, dues)
            address(report.preview, lifecycle)
            report.failures = describe_failures(session, failed)
        report.skipped = sum(1 for due in dues if due.skipped)
        raised_levels = [due.level for due in dues if not due.skipped]
    else:
        with write_session(engine) as session:
            dues, lifecycle = _all_dues(session, settings, args, failed)
            report.failures = describe_failures(session, failed)
            job_failures.journal(session, "escalate", report.failures, day=as_of)
            inserted = insert_dues(session, dues, as_of=as_of)
            raised = describe_inserted(session, inserted.sent, tasks=inserted.sent_tasks)
            address(raised, lifecycle)
            report.notices = queue(session, compose(raised, settings, as_of=as_of))
        # Counted from the rows this run inserted: a run racing another (two schedulers, a worker
        # and the command line) reports only what it did, not what it found due.
        report.skipped = sum(inserted.skipped.values())
        raised_levels = [level for _, _, level, _, _ in inserted.sent]
    for level in raised_levels:
        report.raised[level] = report.raised.get(level, 0) + 1
    report.warnings = calendar.warnings()
    return report


def _levels(settings: Settings) -> dict[str, EscalationLevel]:
    levels = {level.level: level for level in settings.escalation}
    checkin = settings.checkin
    levels[CHECKIN] = EscalationLevel(
        level=CHECKIN,
        name=CHECKIN_NAME,
        offset_days=0,
        recipients=checkin.recipients,
        template=checkin.template,
    )
    # 签收催办 and 报送催办 (models.reads.lifecycle_escalations): to the units owing them.
    for level, template in (
        (ACK_LEVEL, settings.lifecycle.ack_template),
        (REPORT_LEVEL, settings.lifecycle.report_template),
    ):
        levels[level] = EscalationLevel(
            level=level, name=LEVEL_NAMES[level], offset_days=0, recipients=["lead"], template=template
        )
    return levels | pace_levels(settings)


def pace_levels(settings: Settings) -> dict[str, EscalationLevel]:
    """The rungs at shares of the window (序时进度), as levels the notices are composed from."""
    return {
        rung.level: EscalationLevel(
            level=rung.level,
            name=rung.name,
            offset_days=0,
            recipients=rung.recipients,
            template=rung.template,
        )
        for rung in settings.lifecycle.pace_levels
    }


def _all_dues(
    session: Session, settings: Settings, args: dict[str, Any], failed: dict[int, str]
) -> tuple[list[Due], LifecycleDues]:
    """Every rung due, for a dry run and a real one alike: the ladder's by day offsets (with the
    check-ins), the 序时进度 rungs, and the lifecycle's chases (签收催办, 报送催办), whose
    addressees come back beside them."""
    as_of: dt.date = args["as_of"]
    lifecycle = lifecycle_dues(session, settings.lifecycle, as_of=as_of, calendar=args["calendar"])
    dues = (
        due_now(session, **args, failed=failed)
        + pace_dues(session, as_of=as_of, lifecycle=settings.lifecycle)
        + lifecycle.dues
    )
    return dues, lifecycle


def level_names(settings: Settings) -> dict[str, str]:
    """Every level the job raises -> its name (the ladder's, 进展调度, 签收催办, 报送催办)."""
    return {key: level.name for key, level in _levels(settings).items()}


def stands_in_for_leader(raised: Raised, level: EscalationLevel) -> bool:
    """The office receives this level only because no leader in charge is registered."""
    return "leader" in level.recipients and not raised.leaders and "office" not in level.recipients


def recipients_of(raised: Raised, level: EscalationLevel) -> list[str]:
    """Who gets this level's notice. Never nobody: a level whose recipients resolve to no one (a
    task without a lead unit, say) goes to the office, which must then assign or chase it."""
    found: list[str] = []
    for kind in level.recipients:
        if kind == "lead":
            found += [f"unit:{name}" for name in raised.lead]
        elif kind == "support":
            found += [f"unit:{name}" for name in raised.support]
        elif kind == "office":
            found.append("office")
        elif kind == "leader":
            # No leader in charge registered for the lead unit: the office stands in, so a 督办 is
            # never silently dropped.
            found += [f"leader:{name}" for name in raised.leaders] or ["office"]
    return list(dict.fromkeys(found)) or ["office"]


def line_for(raised: Raised, level: EscalationLevel, as_of: dt.date) -> str:
    comma = _(", ")
    lead = comma.join(raised.lead) or _("(not named)")
    return _fill(raised, level, as_of, label=path_label(raised.path), lead=lead, comma=comma)


def _fill(
    raised: Raised, level: EscalationLevel, as_of: dt.date, *, label: str, lead: str, comma: str
) -> str:
    """The level's template filled in for this task; `label`, `lead` (never empty) and the
    language's `comma` as the caller worked them out."""
    due = raised.due_date or raised.occurrence
    values = {
        "level": level.name,
        "code": raised.code,
        "title": raised.title,
        "plan": raised.plan,
        "path": label,
        "due": raised.occurrence.isoformat(),
        "days": (as_of - raised.occurrence).days,
        "lead": lead,
        "support": comma.join(raised.support),
        "deadline": raised.deadline_text or due.isoformat(),
        "as_of": as_of.isoformat(),
    }
    return level.template.format_map(values)


@dataclass
class _Lines:
    """What a raised level puts in each of its recipients' notices, worked out once however many
    recipients it has (the lead unit, its leader, the office…)."""

    item: Raised
    level: EscalationLevel
    line: str  # "T12 <the level's template, filled in>"
    url: str | None  # the task's page; None without a dashboard address
    row: list[object]  # its row of the task list


def compose(raised: list[Raised], settings: Settings, *, as_of: dt.date) -> list[Draft]:
    levels = _levels(settings)
    by_recipient: dict[str, list[_Lines]] = defaultdict(list)
    labels: dict[tuple[str, ...], str] = {}  # a point's label, once per point
    # Who gets a level, once per level and set of units: tens of thousands of levels, a few
    # thousand units.
    addressed: dict[tuple, list[str]] = {}
    comma, unnamed = _(", "), _("(not named)")
    for item in raised:
        level = levels.get(item.level)
        if level is None:  # a level since removed from config.toml: recorded, not sent
            continue
        path = tuple(item.path)
        label = labels.get(path)
        if label is None:
            label = labels[path] = path_label(item.path)
        lead = comma.join(item.lead)
        lines = _Lines(
            item,
            level,
            f"{item.code} {_fill(item, level, as_of, label=label, lead=lead or unnamed, comma=comma)}",
            settings.dashboard.task_url(item.code),
            [item.code, level.name, item.plan, label, item.title, lead, item.occurrence],
        )
        who = (item.level, tuple(item.lead), tuple(item.support), tuple(item.leaders))
        recipients = addressed.get(who)
        if recipients is None:
            recipients = addressed[who] = recipients_of(item, level)
        for recipient in recipients:
            by_recipient[recipient].append(lines)
    see, day = _("See {code}"), as_of.isoformat()
    headers = [_("No."), _("Level"), _("Plan"), _("Point"), _("Item"), _("lead unit"), _("Term")]
    drafts = []
    for recipient, items in sorted(by_recipient.items()):
        counts: dict[str, int] = defaultdict(int)
        for lines in items:
            counts[lines.level.name] += 1
        summary = comma.join(_("{level} {count}").format(level=name, count=n) for name, n in counts.items())
        message = Message(
            _("[Duban] {day} {summary} ({recipient})").format(
                day=day, summary=summary, recipient=_recipient_name(recipient)
            )
        )
        for lines in items:
            message.para(lines.line)
            if recipient == "office" and stands_in_for_leader(lines.item, lines.level):
                # Said in the notice: the office must know this level was meant for a leader.
                message.para(
                    _(
                        "({unit} has no leader in charge registered, so this {level} goes to the office"
                        " instead: please pass it on to the leader in charge; once the leader is"
                        " registered in the unit roster it is sent to them directly.)"
                    ).format(unit=comma.join(lines.item.lead) or _("this task"), level=lines.level.name)
                )
            if lines.url:
                message.link(see.format(code=lines.item.code), lines.url)
        message.heading(_("Task list"))
        message.table(headers, [lines.row for lines in items])
        drafts.append(
            notice_bodies.draft(
                message,
                kind=NoticeKind.ESCALATION.value,
                # The day, plus the first escalation's id: a second run on the same day (after a
                # deferral, say) queues a second notice rather than colliding with the first.
                period=f"{day}/E{min(lines.item.escalation_id for lines in items)}",
                recipient=recipient,
            )
        )
    return drafts


def _recipient_name(recipient: str) -> str:
    if recipient == "office":
        return _("office")
    return recipient.split(":", 1)[1]
