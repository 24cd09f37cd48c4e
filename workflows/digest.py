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
) -> list[list[object]]:
    rows = []
    for t in lead_role_first(tasks):
        late = f"{days_overdue(t.due_date, as_of)} 天" if overdue else ""
        row: list[object] = [t.code]
        row += [_ROLE.get(t.role, t.role)] if role else []
        row += [
            t.plan,
            t.path,
            t.title,
            f"{t.due_date}（{t.deadline_text}）"
            if t.recurring and t.due_date
            else t.due_date or t.deadline_text,
        ]
        row += [late] if overdue else []
        row += [_STATUS.get(t.status, t.status), t.last_report or "—"]
        rows.append(row)
    return rows


def unit_message(digest: UnitDigest, week: str, as_of: dt.date, settings: Settings) -> Message:
    soon = settings.digest.due_within_days
    message = Message(
        f"【督办周报】{week} {digest.unit}：逾期 {len(digest.overdue)} 项，{soon} 日内到期 {len(digest.due_soon)} 项"
    )
    message.para(f"截至 {as_of.isoformat()}，本单位在办事项 {digest.open} 项。")
    url = settings.dashboard.page_url(f"/tasks?{urlencode({'unit': digest.unit})}")
    if url:
        message.link("在台账中查看本单位的任务", url)
    base = ["编号", "角色", "计划", "条目", "事项", "期限"]
    tail = ["状态", "最近报送"]
    message.heading(f"逾期事项（{len(digest.overdue)}）")
    message.table([*base, "逾期", *tail], _task_rows(digest.overdue, as_of=as_of, overdue=True))
    message.heading(f"{soon} 日内到期（{len(digest.due_soon)}）")
    message.table([*base, *tail], _task_rows(digest.due_soon, as_of=as_of))
    message.heading(f"本周完成（{len(digest.done)}）")
    message.table([*base, *tail], _task_rows(digest.done, as_of=as_of))
    message.heading(f"{settings.digest.stale_days} 日以上未报送进展（{len(digest.stale)}）")
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
    message = Message(f"【督办周报】{week} 全局：{late_units} 个单位有逾期事项")
    message.para(
        f"截至 {as_of.isoformat()}：共 {len(digests)} 个责任单位，逾期事项（含配合）"
        f"{sum(len(d.overdue) for d in digests)} 项次，其中牵头 {sum(_lead_count(d.overdue) for d in digests)} 项次。"
        + (
            f"另有{NO_LEAD}的在办事项 {orphans.open} 项，其中逾期 {len(orphans.overdue)} 项。"
            if orphans
            else ""
        )
    )
    message.heading("各单位情况（按逾期数排序）")
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
            "序号",
            "单位",
            "逾期",
            "其中牵头",
            f"{settings.digest.due_within_days}日内到期",
            "本周完成",
            "久未报送",
            "在办",
        ],
        rows,
    )
    if orphans and orphans.overdue:
        message.heading(f"{NO_LEAD}的逾期事项（{len(orphans.overdue)}，请明确责任单位）")
        message.table(
            ["编号", "计划", "条目", "事项", "期限", "逾期", "状态", "最近报送"],
            _task_rows(orphans.overdue, as_of=as_of, overdue=True, role=False),
        )
    if orphans and orphans.due_soon:
        soon = settings.digest.due_within_days
        message.heading(f"{NO_LEAD}的 {soon} 日内到期事项（{len(orphans.due_soon)}）")
        message.table(
            ["编号", "计划", "条目", "事项", "期限", "状态", "最近报送"],
            _task_rows(orphans.due_soon, as_of=as_of, role=False),
        )
    return message


def _lead_count(tasks: list[DigestTask]) -> int:
    return sum(1 for t in tasks if t.role == "lead")


def _draft(message: Message, week: str, recipient: str) -> Draft:
    return Draft(
        kind=NoticeKind.DIGEST.value,
        period=week,
        recipient=recipient,
        subject=message.title,
        body_text=message.text(),
        body_markdown=message.markdown(),
        body_html=message.html(),
    )


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
