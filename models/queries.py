"""Reading the ledger: set-based queries behind `duban tasks`, `show`, `plans` and the counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, and_, case, func
from sqlmodel import Session, col, select

from models import bounds
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


# What a task listing selects: columns, not ORM entities (building a model object per row costs
# more than the query itself); the path as its "/"-joined key, cheaper to split than JSON to decode.
TASK_ROW_COLUMNS = (
    Task.id,
    Task.code,
    Plan.key,
    Task.path_key,
    Task.title,
    Task.status,
    Task.progress,
    Task.due_date,
    Task.deadline_text,
    Task.version,
)


def overdue_clause(as_of: dt.date):  # type: ignore[no-untyped-def]
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
    query = select(*TASK_ROW_COLUMNS).join(Plan, col(Plan.id) == Task.plan_id)
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
        query = query.where(overdue_clause(as_of))
    if due_within is not None:
        if due_within < 0:
            raise BadInput("--due-within takes a number of days, 0 or more")
        bounds.check_int(due_within, "到期天数（due_within）", low=0, high=bounds.MAX_DAYS_AHEAD)
        end = as_of + dt.timedelta(days=due_within)
        query = query.where(
            col(Task.due_date) >= as_of, col(Task.due_date) <= end, col(Task.status).not_in(CLOSED)
        )
    query = query.order_by(col(Task.due_date).is_(None), col(Task.due_date), Plan.key, Task.position)
    if limit:
        query = query.limit(limit)
    found = session.execute(query).all()
    units = units_of(
        session, query.with_only_columns(Task.id).order_by(None) if not limit else [r[0] for r in found]
    )
    return task_rows(found, units, as_of=as_of, due_soon_days=due_soon_days)


def task_rows(
    found: Sequence[Row[Any]],
    units: dict[int, tuple[list[str], list[str]]],
    *,
    as_of: dt.date,
    due_soon_days: int,
) -> list[TaskRow]:
    """TaskRows from rows of TASK_ROW_COLUMNS and the units of their tasks (units_of)."""
    return [
        TaskRow(
            code=code,
            plan=plan_key,
            path=path_key.split("/"),
            title=title,
            status=status_,
            progress=progress,
            due_date=due_date,
            deadline_text=deadline_text,
            lead=units.get(task_id, ([], []))[0],
            support=units.get(task_id, ([], []))[1],
            light=light(status_, due_date, as_of, due_soon_days),
            version=version,
        )
        for task_id, code, plan_key, path_key, title, status_, progress, due_date, deadline_text, version in found
    ]


def units_of(session: Session, task_ids: Select | list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """task id -> (lead names, support names); `task_ids` is a list or the task query itself, so a
    long listing needs one query for its units, not one per row or per chunk."""
    result: dict[int, tuple[list[str], list[str]]] = {}
    if isinstance(task_ids, list):
        chunks: list[Any] = [task_ids[i : i + 500] for i in range(0, len(task_ids), 500)]
    else:
        chunks = [task_ids]
    for chunk in chunks:
        query = (
            select(Assignment.task_id, Assignment.role, Unit.name)
            .join(Unit, col(Unit.id) == Assignment.unit_id)
            .where(col(Assignment.task_id).in_(chunk))
            .order_by(Assignment.id)
        )
        lead_role = Role.LEAD.value
        for task_id, role, name in session.execute(query):
            lead, support = result.setdefault(task_id, ([], []))
            (lead if role == lead_role else support).append(name)
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
            func.sum(case((overdue_clause(as_of), 1), else_=0)),
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
            func.sum(case((overdue_clause(as_of), 1), else_=0)),
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
    lead, support = units_of(session, [task.id]).get(task.id, ([], []))  # type: ignore[arg-type,list-item]
    journal = list(session.exec(select(Journal).where(Journal.task_id == task.id).order_by(col(Journal.id))))
    return TaskDetail(
        task, plan, lead, support, journal, light(task.status, task.due_date, as_of, due_soon_days)
    )
