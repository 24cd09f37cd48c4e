"""签收 and periodic reports (报送) as the ledger holds them: who has not acknowledged, who has not
reported for a period, and a task's reports gathered by period (the lead unit's with its
supporting units' parts; their rows' shapes: models.reads.report_rows).

Set-based: each list is one query over the open tasks (the reports of the period a NOT EXISTS in
it), and an inbox's page of it one more to count the rows, whatever the size of the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func
from sqlmodel import Session, col, select

from models.reads.names import plan_names
from models.reads.report_rows import AckState, PeriodReports, by_period
from models.reads.task_query import live_tasks
from models.rules.calendar import WorkCalendar
from models.rules.lights_sql import open_sql
from models.rules.report_cycle import Period, ack_due
from models.storage.tables import Assignment, Plan, Role, Task, TaskReport, Unit


@dataclass(frozen=True)
class Pending:
    """One (task, unit) waiting for a 签收 or a report."""

    task_id: int
    code: str
    title: str
    plan: str  # what people call the plan
    unit: str
    unit_id: int
    role: str  # lead / support
    due: dt.date  # the ack's chase day, or the period's report day
    since: dt.date | None = None  # the day the task was handed over (签收)
    late: bool = False  # past its day


def _open_assignments(unit_id: int | None) -> Any:
    """Assignments of open, live tasks, with the task's code, title and plan key."""
    query = (
        select(
            Task.id,
            Task.code,
            Task.title,
            Plan.key,
            Unit.name,
            Unit.id,
            Assignment.role,
            Assignment.assigned_on,
        )
        .select_from(Assignment)
        .join(Task, col(Task.id) == Assignment.task_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .join(Unit, col(Unit.id) == Assignment.unit_id)
        .where(live_tasks(), open_sql())
        .order_by(Task.id, Unit.name)
    )
    if unit_id is not None:
        query = query.where(Assignment.unit_id == unit_id)
    return query


_PLAN_KEY = 3  # where _open_assignments' rows hold their plan's key


@dataclass
class Found:
    """Rows of a list, at most the limit asked for, and how many there are in all."""

    rows: list[Pending]
    total: int


def _found(
    session: Session, query: Any, limit: int | None, row: Callable[[Any, dict[str, str]], Pending]
) -> Found:
    total = None
    if limit is not None:
        # Counted in the database: an inbox shows the first rows and how many there are.
        total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        query = query.limit(limit)
    found_rows = session.execute(query).all()
    # The names of these rows' plans only: deriving every plan's name (0.2 s for 2,000 plans) was
    # a fifth of the next day's escalation on a big ledger, where few or no assignments wait.
    names = plan_names(session, {found[_PLAN_KEY] for found in found_rows}) if found_rows else {}
    rows = [row(found, names) for found in found_rows]
    return Found(rows, len(rows) if total is None else int(total))


def unacknowledged(
    session: Session,
    *,
    as_of: dt.date,
    working_days: int,
    calendar: WorkCalendar,
    unit_id: int | None = None,
    limit: int | None = None,
) -> Found:
    """Lead assignments of open tasks handed over and not yet acknowledged (rows from before the
    lifecycle have no hand-over day: counted as acknowledged), with the day each is chased; the
    longest waiting first."""
    query = (
        _open_assignments(unit_id)
        .where(
            Assignment.role == Role.LEAD.value,
            col(Assignment.assigned_on).is_not(None),
            col(Assignment.acknowledged_at).is_(None),
        )
        .order_by(None)
        .order_by(Assignment.assigned_on, Task.id, Unit.name)
    )

    def row(found: Any, names: dict[str, str]) -> Pending:
        task_id, code, title, key, unit, uid, role, assigned_on = found
        due = ack_due(assigned_on, working_days, calendar)
        return Pending(
            task_id, code, title, names.get(key, key), unit, uid, role, due, assigned_on, due <= as_of
        )

    return _found(session, query, limit, row)


def unreported(
    session: Session,
    period: Period,
    *,
    as_of: dt.date,
    unit_id: int | None = None,
    roles: tuple[str, ...] = (Role.LEAD.value,),
    limit: int | None = None,
) -> Found:
    """The (task, unit) pairs in `roles` without a report for the period, among the open tasks
    handed over by its report day (a task handed over after it waits for the next period)."""
    reported = exists().where(
        TaskReport.task_id == Assignment.task_id,
        TaskReport.unit_id == Assignment.unit_id,
        TaskReport.period == period.label,
    )
    query = _open_assignments(unit_id).where(
        col(Assignment.role).in_(roles),
        # Handed over in time for this period (null: before the lifecycle, always in time).
        col(Assignment.assigned_on).is_(None) | (col(Assignment.assigned_on) <= period.due),
        ~reported,
    )

    def row(found: Any, names: dict[str, str]) -> Pending:
        task_id, code, title, key, unit, uid, role, assigned_on = found
        return Pending(
            task_id,
            code,
            title,
            names.get(key, key),
            unit,
            uid,
            role,
            period.due,
            assigned_on,
            period.due < as_of,
        )

    return _found(session, query, limit, row)


def task_reports_sql(task_id: Any) -> Select:
    """A task's reports in id order, as report_rows.by_period takes them."""
    return (
        select(
            TaskReport.period,
            Unit.name,
            TaskReport.role,
            TaskReport.day,
            TaskReport.progress,
            TaskReport.text,
            TaskReport.evidence,
            TaskReport.submitted_by,
        )
        .join(Unit, and_(col(Unit.id) == TaskReport.unit_id), isouter=True)
        .where(TaskReport.task_id == task_id)
        .order_by(col(TaskReport.id))
    )


def reports_of(session: Session, task_id: int) -> list[PeriodReports]:
    """A task's reports by period, newest period first; the newest report per unit and period
    counts (an earlier one the unit corrected is not shown)."""
    return by_period(session.execute(task_reports_sql(task_id)))


def ack_states_sql(task_id: Any) -> Select:
    """The 签收 of each lead unit of a task: AckState's fields."""
    return (
        select(Unit.name, Assignment.assigned_on, Assignment.acknowledged_at, Assignment.acknowledged_by)
        .join(Unit, col(Unit.id) == Assignment.unit_id)
        .where(Assignment.task_id == task_id, Assignment.role == Role.LEAD.value)
        .order_by(col(Assignment.id))
    )


def ack_states(session: Session, task_id: int) -> list[AckState]:
    """The 签收 of each lead unit of a task."""
    return [AckState(*row) for row in session.execute(ack_states_sql(task_id))]
