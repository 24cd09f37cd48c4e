"""Reading the ledger: set-based queries behind `duban tasks`, `show`, `plans` and the counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from models import units as registry
from models.errors import BadInput, NotFound
from models.lights import CLOSED, Light, light
from models.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit


@dataclass
class TaskRow:
    code: str
    plan: str
    path: list[str]
    title: str
    status: str
    progress: int
    due_date: dt.date | None
    deadline_text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    light: Light = Light.GREY
    version: int = 1


def _overdue(as_of: dt.date):  # type: ignore[no-untyped-def]
    return and_(col(Task.due_date) < as_of, col(Task.status).not_in(CLOSED))


def list_tasks(
    session: Session,
    *,
    as_of: dt.date,
    due_soon_days: int,
    plan: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    due_within: int | None = None,
    include_withdrawn: bool = False,
    limit: int | None = None,
) -> list[TaskRow]:
    query = select(Task, Plan.key).join(Plan, col(Plan.id) == Task.plan_id)
    if not include_withdrawn:
        query = query.where(col(Task.withdrawn).is_(False))
    if plan:
        plan_record = session.exec(select(Plan).where(Plan.key == plan)).first()
        if plan_record is None:
            raise NotFound(f"no plan {plan!r}")
        query = query.where(Task.plan_id == plan_record.id)
    if unit:
        unit_record = registry.get(session, unit)
        query = query.where(
            col(Task.id).in_(select(Assignment.task_id).where(Assignment.unit_id == unit_record.id))
        )
    if status:
        if status not in {s.value for s in TaskStatus}:
            raise BadInput(f"unknown status {status!r}: one of {', '.join(s.value for s in TaskStatus)}")
        query = query.where(Task.status == status)
    if overdue:
        query = query.where(_overdue(as_of))
    if due_within is not None:
        if due_within < 0:
            raise BadInput("--due-within takes a number of days, 0 or more")
        end = as_of + dt.timedelta(days=due_within)
        query = query.where(
            col(Task.due_date) >= as_of, col(Task.due_date) <= end, col(Task.status).not_in(CLOSED)
        )
    query = query.order_by(col(Task.due_date).is_(None), col(Task.due_date), Plan.key, Task.position)
    if limit:
        query = query.limit(limit)
    found = session.exec(query).all()
    units = _units_of(session, [task.id for task, _ in found])  # type: ignore[misc]
    rows = []
    for task, plan_key in found:
        lead, support = units.get(task.id, ([], []))  # type: ignore[arg-type]
        rows.append(
            TaskRow(
                code=task.code,
                plan=plan_key,
                path=task.path,
                title=task.title,
                status=task.status,
                progress=task.progress,
                due_date=task.due_date,
                deadline_text=task.deadline_text,
                lead=lead,
                support=support,
                light=light(task.status, task.due_date, as_of, due_soon_days),
                version=task.version,
            )
        )
    return rows


def _units_of(session: Session, task_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    result: dict[int, tuple[list[str], list[str]]] = {}
    for chunk_start in range(0, len(task_ids), 500):  # keep IN lists within every database's limits
        chunk = task_ids[chunk_start : chunk_start + 500]
        query = (
            select(Assignment.task_id, Assignment.role, Unit.name)
            .join(Unit, col(Unit.id) == Assignment.unit_id)
            .where(col(Assignment.task_id).in_(chunk))
            .order_by(Assignment.id)
        )
        for task_id, role, name in session.exec(query):
            lead, support = result.setdefault(task_id, ([], []))
            (lead if role == Role.LEAD.value else support).append(name)
    return result


@dataclass
class UnitCount:
    unit: str
    total: int
    open: int
    overdue: int
    done: int


def unit_counts(session: Session, *, as_of: dt.date, role: Role | None = None) -> list[UnitCount]:
    """Per unit: its tasks, open, overdue and done — one grouped query, ranked by overdue."""
    done = col(Task.status).in_(CLOSED)
    query = (
        select(
            Unit.name,
            func.count(),
            func.sum(case((done, 0), else_=1)),
            func.sum(case((_overdue(as_of), 1), else_=0)),
            func.sum(case((col(Task.status) == TaskStatus.DONE.value, 1), else_=0)),
        )
        .select_from(Assignment)
        .join(Task, col(Task.id) == Assignment.task_id)
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
    query = (
        select(
            Plan.key,
            Plan.title,
            Plan.year,
            Plan.kind,
            func.count(col(Task.id)),
            func.sum(case((col(Task.status) == TaskStatus.DONE.value, 1), else_=0)),
            func.sum(case((_overdue(as_of), 1), else_=0)),
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


def task_detail(session: Session, task: Task, *, as_of: dt.date, due_soon_days: int) -> TaskDetail:
    plan = session.get(Plan, task.plan_id)
    assert plan is not None
    lead, support = _units_of(session, [task.id]).get(task.id, ([], []))  # type: ignore[arg-type,list-item]
    journal = list(session.exec(select(Journal).where(Journal.task_id == task.id).order_by(col(Journal.id))))
    return TaskDetail(
        task, plan, lead, support, journal, light(task.status, task.due_date, as_of, due_soon_days)
    )
