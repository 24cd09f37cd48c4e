"""Escalations as read: which rungs of the ladder are due, what a message about a raised one says,
and a task's escalations.

Set-based: one query for the open tasks with a level left to raise, each with its latest report and
the escalations it already has; the ladder itself (models.rules.ladder) is a pure function per task.
Recording them is models.writes.escalations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, String, case, cast, func, null
from sqlmodel import Session, col, select

from models.reads.dues import last_reports
from models.reads.job_failures import reason_of
from models.reads.names import plan_name
from models.reads.task_query import units_of
from models.rules.calendar import WorkCalendar
from models.rules.deadlines import TaskFacts
from models.rules.deadlines_sql import standing_sql
from models.rules.ladder import Due, due_levels
from models.rules.ladder_sql import candidate_sql, pending_sql
from models.rules.reports_sql import last_report_sql, report_sql
from models.settings import EscalationLevel
from models.storage.db import without_jit
from models.storage.tables import Escalation, Journal, Plan, Task, Unit


def task_facts(session: Session, ladder: list[EscalationLevel], as_of: dt.date) -> list[TaskFacts]:
    """The facts of every task that can have a level due by `as_of`, raised already or not."""
    return [TaskFacts(task_id, *facts) for task_id, facts in _candidates(session, ladder, as_of)]


def _candidates(
    session: Session, ladder: list[EscalationLevel], as_of: dt.date
) -> list[tuple[int, tuple[Any, ...]]]:
    """(task id, the rest of its TaskFacts in field order) of every task that can have a level due."""
    where = candidate_sql(ladder, as_of)
    reports = last_reports(session, where)
    query = (
        select(Task.id, Task.status, Task.deadline_type, Task.due_date, Task.recurrence, Plan.year)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(where)
    )
    # Plain tuples from the connection (no ORM row processing): a row per open task.
    return [
        (task_id, (status, kind, due, recurrence, year, reports.get(task_id)))
        for task_id, status, kind, due, recurrence, year in session.connection().execute(query)
    ]


def due_now(
    session: Session,
    *,
    as_of: dt.date,
    ladder: list[EscalationLevel],
    calendar: WorkCalendar,
    checkin_day: int,
    failed: dict[int, str] | None = None,
) -> list[Due]:
    """Levels due by `as_of` that the ledger does not hold yet. A task whose levels cannot be
    computed is left out and noted in `failed` (task id -> reason): the others are still raised."""
    # Only the tasks with a level left to raise (dated and ongoing ones holding every level due
    # are left out in SQL: models.rules.ladder_sql.pending_sql), and the last report only of the
    # recurring and ongoing ones: a dated task's levels do not depend on it
    # (models.rules.ladder.due_levels), and leaving it None lets the dated tasks sharing a due date
    # share their facts below.
    where = pending_sql(ladder, as_of, calendar, checkin_day=checkin_day)
    # What each task already holds, and its last report, read in the same statement, per task:
    # a grouped read of escalation (or journal) joined to these tasks is a second pass over the
    # task filter, and is planned on PostgreSQL as a probe of it (and its NOT EXISTS) per stored
    # escalation, seconds on the day after a first run.
    last = (
        select(last_report_sql())
        .where(col(Journal.task_id) == Task.id, report_sql())
        .correlate(Task)
        .scalar_subquery()
    )
    connection = session.connection()
    with without_jit(session):
        rows = connection.execute(
            select(
                Task.id,
                Task.status,
                Task.deadline_type,
                Task.due_date,
                Task.recurrence,
                Plan.year,
                case((standing_sql(), last), else_=null()),
                _held_sql(connection.dialect.name),
            )
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(where)
        )
        candidates = [
            (task_id, (status, kind, due, recurrence, year, report), held)
            for task_id, status, kind, due, recurrence, year, report, held in rows
        ]
    # The ladder is a pure function of a task's facts other than its id, and the tasks of a big
    # ledger share few of them (a few hundred distinct due dates, types and years for 35,000
    # tasks): each distinct set is worked out once, its levels then given to every task with it.
    # Each due level with its key as _held_sql writes the held ones ("<occurrence> <level>").
    worked_out: dict[tuple, list[tuple[Due, str]] | Exception] = {}
    found = []
    for task_id, facts, held in candidates:
        dues = worked_out.get(facts)
        if dues is None:
            try:
                dues = [
                    (due, f"{due.occurrence.isoformat()} {due.level}")
                    for due in due_levels(
                        TaskFacts(task_id, *facts), as_of, ladder, calendar, checkin_day=checkin_day
                    )
                ]
            except Exception as error:  # one task's bad data must not stop the ladder for every other
                if failed is None:
                    raise
                dues = error
            worked_out[facts] = dues
        if isinstance(dues, Exception):
            failed[task_id] = reason_of(dues)  # type: ignore[index]  # raised above when None
            continue
        # Only the levels not yet held are made this task's (a Due is the task's id and the
        # level's fields): on the day after a first run, a hundred thousand levels are due and
        # all but a few hundred already raised.
        keys = set(held.split(",")) if held else frozenset()
        found += [
            Due(task_id, due.level, due.occurrence, due.trigger_date, due.skipped)
            for due, key in dues
            if key not in keys
        ]
    return found


def _held_sql(dialect: str) -> Any:
    """The task's escalations as "YYYY-MM-DD level" items (occurrence, level) joined by commas, or
    NULL: a correlated aggregate over the escalation's task_id index. SQLite stores a date as that
    text; PostgreSQL writes it so whatever its DateStyle. Level keys are [a-z0-9_-]
    (models.settings, models.rules.report_cycle): a space and a comma separate them unambiguously."""
    occurrence = (
        func.to_char(Escalation.occurrence, "YYYY-MM-DD")
        if dialect == "postgresql"
        else cast(Escalation.occurrence, String)
    )
    item = occurrence + " " + col(Escalation.level)
    return (
        select(func.aggregate_strings(item, ","))
        .where(col(Escalation.task_id) == Task.id)
        .correlate(Task)
        .scalar_subquery()
    )


def held_levels(session: Session, where: Any) -> dict[tuple[int, dt.date], frozenset[str]]:
    """(task id, occurrence) -> the levels the ledger already holds for it, over the tasks `where`
    selects: one grouped query, a row per occurrence rather than per stored escalation (the next
    day's run would otherwise read back every level raised so far, a few per overdue task)."""
    # Level keys are [a-z0-9_-] (models.settings), so a comma separates them unambiguously.
    levels = func.aggregate_strings(Escalation.level, ",")
    query = (
        select(Escalation.task_id, Escalation.occurrence, levels)
        .join(Task, col(Task.id) == Escalation.task_id)
        .where(where)
        .group_by(Escalation.task_id, Escalation.occurrence)
    )
    return {
        (task_id, occurrence): frozenset(found.split(","))
        for task_id, occurrence, found in session.connection().execute(query)
    }


@dataclass
class Raised:
    """A level raised now, with what a message about it needs."""

    escalation_id: int
    level: str
    occurrence: dt.date
    code: str
    title: str
    plan: str
    path: list[str]
    due_date: dt.date | None
    deadline_text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)  # of the lead units


def describe_inserted(
    session: Session, inserted: list[tuple], *, tasks: Select | None = None
) -> list[Raised]:
    """The inserted levels to send (the skipped ones left out), described for their messages;
    `tasks`, a query of their task ids (models.writes.escalations.Inserted.sent_tasks), reads them
    in one statement each instead of IN lists of 500."""
    return _describe(session, [row for row in inserted if not row[4]], tasks)


def describe_dues(session: Session, dues: list[Due]) -> list[Raised]:
    """The levels a dry run would raise (the skipped ones left out), described as for a message:
    task code, title, plan and units. Nothing is written, so escalation_id is 0."""
    return _describe(
        session, [(0, d.task_id, d.level, d.occurrence, d.skipped) for d in dues if not d.skipped]
    )


def _describe(session: Session, rows: list, task_query: Select | None = None) -> list[Raised]:
    task_ids = sorted({row[1] for row in rows})
    chunks: list[Any] = (
        [task_query]
        if task_query is not None
        else [task_ids[i : i + 500] for i in range(0, len(task_ids), 500)]
    )
    tasks: dict[int, tuple] = {}
    for chunk in chunks:
        query = (
            select(
                Task.id,
                Task.code,
                Task.title,
                Plan.key,
                Task.path_key,
                Task.due_date,
                Task.deadline_text,
                Plan.short_name,
                Plan.title,
                Plan.year,
                Plan.issuer,
            )
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(col(Task.id).in_(chunk))
        )
        tasks.update({row[0]: row for row in session.connection().execute(query)})
    units = units_of(session, task_query if task_query is not None else task_ids)
    leaders = dict(session.execute(select(Unit.name, Unit.leader).where(Unit.leader != "")).all())
    # What people call a plan, worked out once per plan: a first run raises levels on tens of
    # thousands of tasks of a few dozen plans.
    plans: dict[tuple, str] = {}
    raised = []
    for escalation_id, task_id, level, occurrence, _ in rows:
        _, code, title, key, path_key, due, deadline_text, short, plan_title, year, issuer = tasks[task_id]
        plan = plans.get((key, short, plan_title, year, issuer))
        if plan is None:
            plan = plans[key, short, plan_title, year, issuer] = plan_name(
                short, plan_title, year=year, issuer=issuer, key=key
            )
        lead, support = units.get(task_id, ([], []))
        raised.append(
            Raised(
                escalation_id,
                level,
                occurrence,
                code,
                title,
                plan,
                path_key.split("/"),
                due,
                deadline_text,
                lead,
                support,
                sorted({leaders[name] for name in lead if name in leaders}),
            )
        )
    return sorted(raised, key=lambda r: (r.plan, r.code, r.level))


@dataclass
class EscalationRow:
    level: str
    occurrence: dt.date
    trigger_date: dt.date
    raised_on: dt.date
    skipped: bool


def escalations_of(session: Session, task_id: int) -> list[EscalationRow]:
    query = select(Escalation).where(Escalation.task_id == task_id).order_by(col(Escalation.id))
    return [
        EscalationRow(e.level, e.occurrence, e.trigger_date, e.raised_on, e.skipped)
        for e in session.exec(query)
    ]


def level_counts(session: Session) -> list[tuple[str, bool, int]]:
    """(level, passed over, how many) of every escalation in the ledger."""
    query = select(Escalation.level, Escalation.skipped, func.count()).group_by(
        Escalation.level, Escalation.skipped
    )
    return [(level, skipped, n) for level, skipped, n in session.execute(query)]
