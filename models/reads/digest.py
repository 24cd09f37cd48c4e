"""What the weekly digest reports, read set-based: every open task with its units and latest report,
and the tasks finished in the week, each in one query; grouping per unit happens in memory.

"This week" is the seven days ending on the as-of date (the digest goes out on Monday morning, so it
covers the week just ended). A task is stale when its latest report (or, never reported, the start
of its plan's year) is more than `stale_days` old.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Select, and_, exists, or_
from sqlmodel import Session, col, select

from models.reads.dues import last_reports
from models.reads.instructions import DigestInstruction, instructions_by_unit
from models.reads.job_failures import reason_of
from models.reads.lookback import NO_LEAD
from models.reads.names import path_label, plan_names
from models.rules.deadlines import RECURRING, TaskFacts, effective_due
from models.rules.lights import is_due_within, is_open, is_overdue
from models.rules.lights_sql import open_sql
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit


# Slots: a big ledger's digests hold two million of these, one object each for the collector, not two.
@dataclass(slots=True)
class DigestTask:
    code: str
    plan: str
    path: str
    title: str
    status: str
    progress: int
    due_date: dt.date | None
    deadline_text: str
    role: str  # the unit's role on it: lead / support
    last_report: dt.date | None
    recurring: bool = False  # due_date is then the current period's end (每季度: 03-31, 06-30…)


@dataclass
class UnitDigest:
    unit: str
    overdue: list[DigestTask] = field(default_factory=list)
    due_soon: list[DigestTask] = field(default_factory=list)
    done: list[DigestTask] = field(default_factory=list)
    stale: list[DigestTask] = field(default_factory=list)
    open: int = 0
    # 领导批示 written on the unit's tasks in the digest's week (models.reads.instructions).
    instructions: list[DigestInstruction] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.done or self.stale or self.instructions)

    def quiet(self) -> bool:
        """Nothing to act on or to hear about this week: at most tasks without a recent report."""
        return not (self.overdue or self.due_soon or self.done or self.instructions)


def week_of(as_of: dt.date) -> str:
    year, week, _ = as_of.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Digests:
    units: list[UnitDigest]  # one per unit with assignments, ranked
    # Open points no unit leads (support units, if any, still see them): no unit digest reaches
    # them, so the office digest lists them for the office to assign or chase.
    no_lead: UnitDigest = field(default_factory=lambda: UnitDigest(NO_LEAD))
    failed: dict[int, str] = field(default_factory=dict)  # task id -> why it could not be computed


def unit_digests(session: Session, *, as_of: dt.date, due_within: int, stale_days: int) -> list[UnitDigest]:
    """One digest per unit with assignments, ranked by overdue count (then open count, name)."""
    return collect_digests(session, as_of=as_of, due_within=due_within, stale_days=stale_days).units


def collect_digests(session: Session, *, as_of: dt.date, due_within: int, stale_days: int) -> Digests:
    """The unit digests and the group of points without a lead unit, from one pass over the tasks."""
    week_start = as_of - dt.timedelta(days=6)
    done_rows = _done_rows(week_start, as_of)
    done_ids = _done_between(session, done_rows, week_start, as_of)
    # Closed tasks matter only when done this week: the rest of them (most of a ledger by the
    # autumn) are never read, nor their reports. The journal's window is coarse here, exact below.
    read = and_(
        col(Task.withdrawn).is_(False),
        or_(open_sql(), col(Task.id).in_(done_rows.with_only_columns(col(Journal.task_id)))),
    )
    reports = last_reports(session, read)
    # The points read that no unit leads: few, found by the database (an anti-join), not a set of
    # every lead assignment of the ledger brought over to be looked up in.
    unled = set(
        session.connection()
        .execute(
            select(Task.id).where(
                read,
                ~exists().where(col(Assignment.task_id) == Task.id, Assignment.role == Role.LEAD.value),
            )
        )
        .scalars()
    )
    query = (
        select(
            Task.id,
            Task.code,
            Plan.key,
            Plan.year,
            Task.path_key,
            Task.title,
            Task.status,
            Task.progress,
            Task.due_date,
            Task.deadline_text,
            Task.deadline_type,
            Task.recurrence,
            Assignment.role,
            Unit.name,
        )
        .join(Plan, col(Plan.id) == Task.plan_id)
        # Outer joins: a point naming no unit at all still reaches the office's digest.
        .outerjoin(Assignment, col(Assignment.task_id) == Task.id)
        .outerjoin(Unit, col(Unit.id) == Assignment.unit_id)
        .where(read)
        .order_by(col(Task.due_date).is_(None), col(Task.due_date), Plan.key, Task.position)
    )
    digests: dict[str, UnitDigest] = {}
    no_lead = UnitDigest(NO_LEAD)
    in_no_lead: set[int] = set()
    failed: dict[int, str] = {}
    names = plan_names(session)  # the short names people read, not the keys
    # A task comes once per unit on it: what is computed from the task alone (its due date, its
    # lateness, its labels) is computed once, at its first row.
    computed: dict[int, _Facts] = {}
    labels: dict[str, str] = {}
    done = TaskStatus.DONE.value
    # Plain tuples from the connection: no ORM row processing for a hundred thousand rows.
    for row in session.connection().execute(query):
        (
            task_id,
            code,
            plan,
            year,
            path_key,
            title,
            status,
            progress,
            due,
            deadline,
            kind,
            every,
            role,
            unit,
        ) = row
        facts = computed.get(task_id)
        if facts is None:
            if task_id in failed:
                continue
            last = reports.get(task_id)
            try:
                since = last or (dt.date(year, 1, 1) if year else None)
                # A recurring task is due by the period its unit has not yet reported for, as the
                # ladder sees it; an ongoing one by no date.
                due = effective_due(TaskFacts(task_id, status, kind, due, every, year, last), as_of)
                stale = since is not None and (as_of - since).days > stale_days
            except Exception as error:  # one task that cannot be computed is reported, not the digest's end
                failed[task_id] = reason_of(error)
                continue
            label = labels.get(path_key)
            if label is None:
                label = labels[path_key] = path_label(path_key.split("/"))
            open_ = is_open(status)
            facts = computed[task_id] = _Facts(
                names.get(plan, plan),
                label,
                due,
                last,
                kind == RECURRING,
                open_,
                open_ and is_overdue(status, due, as_of),
                open_ and is_due_within(status, due, as_of, due_within),
                open_ and stale,
                not open_ and task_id in done_ids and status == done,
            )
        targets: list[tuple[UnitDigest, str]] = []
        if unit is not None:
            targets.append((digests.get(unit) or digests.setdefault(unit, UnitDigest(unit)), role))
        if task_id in unled and task_id not in in_no_lead:
            in_no_lead.add(task_id)  # once, however many support units it has
            targets.append((no_lead, ""))
        for digest, as_role in targets:
            item = DigestTask(
                code,
                facts.plan,
                facts.label,
                title,
                status,
                progress,
                facts.due,
                deadline,
                as_role,
                facts.last,
                facts.recurring,
            )
            if facts.open:
                digest.open += 1
                if facts.overdue:
                    digest.overdue.append(item)
                elif facts.due_soon:
                    digest.due_soon.append(item)
                if facts.stale:
                    digest.stale.append(item)
            elif facts.done:
                digest.done.append(item)
    for digest in [*digests.values(), no_lead]:
        # The query orders by stored due date; recurring tasks got theirs above and go in place.
        for found in (digest.overdue, digest.due_soon):
            found.sort(key=lambda t: t.due_date or dt.date.max)
    for unit_name, written in instructions_by_unit(session, start=week_start, end=as_of).items():
        if unit_name in digests:
            digests[unit_name].instructions = written
    ranked = sorted(digests.values(), key=lambda d: (-len(d.overdue), -d.open, d.unit))
    return Digests(ranked, no_lead, failed)


class _Facts(NamedTuple):
    """What a digest says of a task whatever the unit: worked out at the task's first row."""

    plan: str  # the plan's short name
    label: str  # the point's path as read
    due: dt.date | None  # its effective due date
    last: dt.date | None  # its last report
    recurring: bool
    open: bool
    overdue: bool
    due_soon: bool
    stale: bool  # open and long without a report
    done: bool  # done in the digest's week


def _done_rows(start: dt.date, end: dt.date) -> Select:
    """Journal rows that may mark a task done on a business day in [start, end]: rows without a
    day use the clock, whose time is UTC while the day is local, so a day's margin is taken here
    and `_done_between` decides exactly."""
    early = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), dt.UTC)
    late = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), dt.UTC)
    return select(Journal.task_id, Journal.day, Journal.at).where(
        # Set by a progress report, or by the office signing off a unit's completion (销号).
        col(Journal.action).in_(("update", "signoff")),
        Journal.field == "status",
        Journal.new == TaskStatus.DONE.value,
        or_(
            and_(col(Journal.day) >= start, col(Journal.day) <= end),
            and_(col(Journal.day).is_(None), col(Journal.at) >= early, col(Journal.at) < late),
        ),
    )


def _done_between(session: Session, rows: Select, start: dt.date, end: dt.date) -> set[int]:
    """Tasks marked done on a business day in [start, end] (journal rows without a day use the clock)."""
    return {
        task_id
        for task_id, day, at in session.execute(rows)
        if start <= (day or at.date()) <= end and task_id
    }


def lead_role_first(tasks: list[DigestTask]) -> list[DigestTask]:
    """The tasks the unit leads, then the others, each in the order given (a stable partition: what
    a stable sort on "not lead" gives, without a key call per task)."""
    lead = Role.LEAD.value
    return [t for t in tasks if t.role == lead] + [t for t in tasks if t.role != lead]
