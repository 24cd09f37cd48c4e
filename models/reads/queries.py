"""Reading the ledger: set-based queries behind `duban show`, `plans`, the per-unit counts and the
registry's rows (the task list itself is models.reads.task_query)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, func
from sqlmodel import Session, col, select

from models.reads.dues import effective_due_column, last_reports
from models.reads.task_query import units_of
from models.reads.units import aliases_by_unit, all_units
from models.rules.deadlines import TaskFacts, effective_due
from models.rules.lights import Light, light
from models.rules.lights_sql import open_sql, overdue_sql
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit


@dataclass
class UnitCount:
    unit: str
    total: int
    open: int
    overdue: int
    done: int


def unit_counts(session: Session, *, as_of: dt.date, role: Role | None = None) -> list[UnitCount]:
    """Per unit: its tasks, open, overdue and done — one grouped query, ranked by overdue."""
    overdue = overdue_sql(effective_due_column(session, as_of), as_of)
    query = (
        select(
            Unit.name,
            func.count(),
            func.sum(case((open_sql(), 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
            func.sum(case((col(Task.status) == TaskStatus.DONE.value, 1), else_=0)),
        )
        .select_from(Assignment)
        .join(Task, col(Task.id) == Assignment.task_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .join(Unit, col(Unit.id) == Assignment.unit_id)
        .where(col(Task.withdrawn).is_(False))
        .group_by(Unit.name)
    )
    if role is not None:
        query = query.where(Assignment.role == role.value)
    counts = [
        UnitCount(name, total, int(open_ or 0), int(late or 0), int(d or 0))
        for name, total, open_, late, d in session.exec(query)
    ]
    return sorted(counts, key=lambda c: (-c.overdue, -c.open, c.unit))


@dataclass
class PlanRow:
    key: str
    title: str
    year: int | None
    kind: str
    tasks: int
    done: int
    overdue: int


def list_plans(session: Session, *, as_of: dt.date) -> list[PlanRow]:
    overdue = overdue_sql(effective_due_column(session, as_of), as_of)
    query = (
        select(
            Plan.key,
            Plan.title,
            Plan.year,
            Plan.kind,
            func.count(col(Task.id)),
            func.sum(case((col(Task.status) == TaskStatus.DONE.value, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        )
        .select_from(Plan)
        .join(Task, and_(col(Task.plan_id) == Plan.id, col(Task.withdrawn).is_(False)), isouter=True)
        .group_by(Plan.id, Plan.key, Plan.title, Plan.year, Plan.kind)
        .order_by(Plan.year, Plan.key)
    )
    return [
        PlanRow(k, t, y, kind, n, int(d or 0), int(o or 0)) for k, t, y, kind, n, d, o in session.exec(query)
    ]


@dataclass
class TaskDetail:
    task: Task
    plan: Plan
    lead: list[str]
    support: list[str]
    journal: list[Journal]
    light: Light
    due_date: dt.date | None = None  # the effective due date (a recurring task's current occurrence)


def task_detail(session: Session, task: Task, *, as_of: dt.date, due_soon_days: int) -> TaskDetail:
    plan = session.get(Plan, task.plan_id)
    assert plan is not None and task.id is not None
    lead, support = units_of(session, [task.id]).get(task.id, ([], []))
    journal = list(session.exec(select(Journal).where(Journal.task_id == task.id).order_by(col(Journal.id))))
    due = due_of(session, task, plan, as_of)
    return TaskDetail(task, plan, lead, support, journal, light(task.status, due, as_of, due_soon_days), due)


def due_of(session: Session, task: Task, plan: Plan, as_of: dt.date) -> dt.date | None:
    """The effective due date of one task (models.rules.deadlines)."""
    assert task.id is not None
    report = last_reports(session, col(Task.id) == task.id).get(task.id)
    facts = TaskFacts(
        task.id, task.status, task.deadline_type, task.due_date, task.recurrence, plan.year, report
    )
    return effective_due(facts, as_of)


def sheet_task_sql(code: Any) -> Select:
    """The task with this code, with its plan's key and year: what `duban show` prints of it
    (models.reads.task_sheet.SheetTask's fields, in order)."""
    return (
        select(
            Task.id,
            Task.code,
            Task.path,
            Task.title,
            Task.body,
            Task.deadline_type,
            Task.due_date,
            Task.deadline_text,
            Task.recurrence,
            Task.units_open_ended,
            Task.status,
            Task.progress,
            Task.progress_note,
            Task.withdrawn,
            Task.version,
            Plan.key,
            Plan.year,
        )
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(col(Task.code) == code)
    )


def journal_sql(task_id: Any) -> Select:
    """The task's journal in order (models.reads.task_sheet.JournalLine's fields, in order)."""
    return (
        select(
            Journal.at,
            Journal.day,
            Journal.actor,
            Journal.action,
            Journal.field,
            Journal.old,
            Journal.new,
            Journal.note,
            Journal.evidence,
        )
        .where(col(Journal.task_id) == task_id)
        .order_by(col(Journal.id))
    )


@dataclass
class UnitView:
    name: str
    kind: str
    leader: str
    channels: int  # how many, never the URLs: webhook URLs carry their keys
    provisional: bool
    aliases: list[str] = field(default_factory=list)
    total: int = 0
    open: int = 0
    overdue: int = 0
    done: int = 0


def registry_rows(session: Session, *, as_of: dt.date) -> list[UnitView]:
    """Every unit with its aliases and task counts: three queries whatever the registry's size."""
    counts = {count.unit: count for count in unit_counts(session, as_of=as_of)}
    aliases = aliases_by_unit(session)
    rows = []
    for unit in all_units(session):
        row = UnitView(unit.name, unit.kind, unit.leader, len(unit.channels or []), unit.provisional)
        row.aliases = aliases.get(unit.id or 0, [])
        count = counts.get(unit.name)
        if count is not None:
            row.total, row.open, row.overdue, row.done = count.total, count.open, count.overdue, count.done
        rows.append(row)
    return rows
