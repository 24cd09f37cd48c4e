"""What waits for whom (待办): a unit's, the office's and a leader's inbox, as of a day.

- a unit: 待签收 (tasks handed to it as lead, not acknowledged), 待报送 (its tasks without its
  report for the current period, lead or supporting), 被退回 (completions returned, not resubmitted),
  延期结果 (its extension requests decided in the last RECENT_DAYS days);
- the office: 待审批延期 and 待审核办结 (pending requests), 未签收 (every lead unit owing a 签收),
  未报送 (lead units without a report for the latest period due);
- a leader: 需关注 (open tasks at a level of the ladder sent to leaders, 督办 and 通报 by default, of
  the units in the leader's charge, or of every unit for a leader in charge of none) and the replies
  to the leader's 批示.

The requests and instructions are read straight from their tables (task_request, instruction).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.reads.names import plan_names
from models.reads.reporting import Found, unacknowledged, unreported
from models.reads.task_query import live_tasks
from models.rules.calendar import WorkCalendar
from models.rules.lights_sql import open_sql
from models.rules.report_cycle import NONE, chased_period, period_of
from models.settings import LifecycleSettings
from models.storage.tables import (
    Assignment,
    Escalation,
    Instruction,
    Plan,
    RequestKind,
    RequestState,
    Role,
    Task,
    TaskRequest,
    Unit,
)

RECENT_DAYS = 30  # decisions and replies older than this have been read
LIMIT = 200  # per section: an inbox is a to-do list, not a report


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    plan: str
    unit: str = ""
    day: dt.date | None = None  # the day that matters: due, handed over, asked, decided, replied
    detail: str = ""  # a request's reason or decision note, a reply's text
    late: bool = False
    state: str = ""  # a request's state, a level's key
    about: str = ""  # a reply: the 批示 it answers


@dataclass
class Inbox:
    owner: str  # unit / office / leader
    name: str
    sections: dict[str, list[Item]] = field(default_factory=dict)  # key -> items, in display order
    totals: dict[str, int] = field(default_factory=dict)  # key -> how many in all (LIMIT are listed)

    def put(self, key: str, items: list[Item], total: int | None = None) -> None:
        self.sections[key] = items
        self.totals[key] = len(items) if total is None else total


def _pending(inbox: Inbox, key: str, found: Found | None) -> None:
    if found is None:
        inbox.put(key, [])
        return
    rows = [Item(r.code, r.title, r.plan, r.unit, r.due, "", r.late, r.role) for r in found.rows]
    inbox.put(key, rows, found.total)


def unit_inbox(
    session: Session,
    unit: Unit,
    *,
    as_of: dt.date,
    lifecycle: LifecycleSettings,
    calendar: WorkCalendar,
) -> Inbox:
    assert unit.id is not None
    inbox = Inbox("unit", unit.name)
    acks = unacknowledged(
        session,
        as_of=as_of,
        working_days=lifecycle.ack_working_days,
        calendar=calendar,
        unit_id=unit.id,
        limit=LIMIT,
    )
    _pending(inbox, "to_acknowledge", acks)
    to_report = None
    if lifecycle.report_cycle != NONE:
        current = period_of(as_of, lifecycle.report_cycle, lifecycle.report_day)
        roles = (Role.LEAD.value, Role.SUPPORT.value)
        to_report = unreported(session, current, as_of=as_of, unit_id=unit.id, roles=roles, limit=LIMIT)
    _pending(inbox, "to_report", to_report)
    # The unit's own requests (one the office filed with no unit: its lead units').
    leads = exists().where(
        Assignment.task_id == TaskRequest.task_id,
        Assignment.unit_id == unit.id,
        Assignment.role == Role.LEAD.value,
    )
    mine = or_(TaskRequest.unit_id == unit.id, and_(col(TaskRequest.unit_id).is_(None), leads))
    later = aliased(TaskRequest)
    resubmitted = exists().where(
        later.task_id == TaskRequest.task_id, later.kind == TaskRequest.kind, later.id > TaskRequest.id
    )
    inbox.put(
        "returned",
        *_requests(
            session,
            mine,
            TaskRequest.kind == RequestKind.COMPLETION.value,
            TaskRequest.state == RequestState.REJECTED.value,
            open_sql(),
            ~resubmitted,
        ),
    )
    inbox.put(
        "extension_results",
        *_requests(
            session,
            mine,
            TaskRequest.kind == RequestKind.EXTENSION.value,
            col(TaskRequest.state).in_((RequestState.APPROVED.value, RequestState.REJECTED.value)),
            col(TaskRequest.decided_on) >= as_of - dt.timedelta(days=RECENT_DAYS),
        ),
    )
    return inbox


def office_inbox(
    session: Session, *, as_of: dt.date, lifecycle: LifecycleSettings, calendar: WorkCalendar
) -> Inbox:
    inbox = Inbox("office", "")
    for key, kind in (
        ("extensions_pending", RequestKind.EXTENSION),
        ("completions_pending", RequestKind.COMPLETION),
    ):
        inbox.put(
            key,
            *_requests(
                session,
                TaskRequest.kind == kind.value,
                TaskRequest.state == RequestState.PENDING.value,
                open_sql(),
            ),
        )
    acks = unacknowledged(
        session, as_of=as_of, working_days=lifecycle.ack_working_days, calendar=calendar, limit=LIMIT
    )
    _pending(inbox, "unacknowledged", acks)
    period = chased_period(as_of, lifecycle.report_cycle, lifecycle.report_day)
    _pending(inbox, "unreported", unreported(session, period, as_of=as_of, limit=LIMIT) if period else None)
    return inbox


def _requests(session: Session, *where: object) -> tuple[list[Item], int]:
    """Requests (with their task) matching `where`, oldest first for pending ones to be decided in
    order; each shown with its day (asked or decided), its reason or decision, the unit that asked."""
    query = (
        select(TaskRequest, Task.code, Task.title, Plan.key, Unit.name)
        .join(Task, col(Task.id) == TaskRequest.task_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .join(Unit, col(Unit.id) == TaskRequest.unit_id, isouter=True)
        .where(live_tasks(), *where)
        .order_by(col(TaskRequest.id))
    )
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    names = plan_names(session)
    items = []
    for request, code, title, key, unit in session.exec(query.limit(LIMIT)):
        decided = request.state != RequestState.PENDING.value
        detail = request.decision_note if decided else request.reason
        if request.new_due_date is not None:
            detail = f"{request.new_due_date.isoformat()} {detail}".strip()
        items.append(
            Item(
                code,
                title,
                names.get(key, key),
                unit or "",
                request.decided_on if decided else request.requested_on,
                detail,
                request.late,
                request.state,
            )
        )
    return items, int(total or 0)


def leader_inbox(session: Session, name: str, *, levels: list[str], as_of: dt.date) -> Inbox:
    """`levels`: the ladder's levels sent to leaders (督办, 通报 by default)."""
    inbox = Inbox("leader", name)
    in_charge = select(Unit.id).where(Unit.leader == name)
    has_units = session.exec(in_charge.limit(1)).first() is not None
    query = (
        select(Task.code, Task.title, Plan.key, Escalation.level, func.max(Escalation.raised_on))
        .select_from(Escalation)
        .join(Task, col(Task.id) == Escalation.task_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(
            live_tasks(),
            open_sql(),
            col(Escalation.level).in_(levels),
            col(Escalation.skipped).is_(False),
            col(Escalation.raised_on) <= as_of,
            # Still the task's current date: an approved extension (a later date) starts it afresh.
            or_(col(Task.due_date).is_(None), col(Escalation.occurrence) >= Task.due_date),
        )
        .group_by(Task.id, Task.code, Task.title, Plan.key, Escalation.level)
        .order_by(Task.id)
    )
    if has_units:
        query = query.where(
            exists().where(
                Assignment.task_id == Task.id,
                Assignment.role == Role.LEAD.value,
                col(Assignment.unit_id).in_(in_charge),
            )
        )
    names = plan_names(session)
    latest: dict[str, Item] = {}
    for code, title, key, level, raised_on in session.execute(query):
        # One line per task, at its highest level (`levels` is in the ladder's order).
        if code not in latest or levels.index(level) > levels.index(latest[code].state):
            latest[code] = Item(code, title, names.get(key, key), "", raised_on, "", True, level)
    inbox.put("attention", list(latest.values())[:LIMIT], len(latest))
    parent = aliased(Instruction)
    replies = (
        select(Instruction, parent.text, Task.code, Task.title, Plan.key, Unit.name)
        .join(parent, and_(col(parent.id) == Instruction.parent_id))
        .join(Task, col(Task.id) == Instruction.task_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .join(Unit, col(Unit.id) == Instruction.unit_id, isouter=True)
        .where(parent.author == name, col(Instruction.day) >= as_of - dt.timedelta(days=RECENT_DAYS))
        .order_by(col(Instruction.id).desc())
        .limit(LIMIT)
    )
    inbox.put(
        "instruction_replies",
        [
            Item(code, title, names.get(key, key), unit or reply.author, reply.day, reply.text, about=asked)
            for reply, asked, code, title, key, unit in session.exec(replies)
        ],
    )
    return inbox
