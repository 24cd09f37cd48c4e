"""A task by the code people type for it (`T12`, `t12`, `12`), its plan's year, and the task points
of a year's plans."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Row
from sqlmodel import Session, col, select

from models.errors import NotFound
from models.reads.task_sheet import task_code
from models.storage.tables import Plan, Task


def get_task(session: Session, code: str) -> Task:
    """A task by its code (`T12`, `t12` or `12`)."""
    task = session.exec(select(Task).where(Task.code == task_code(code))).first()
    if task is None:
        raise NotFound(code="task.not_found", task=code)
    return task


def plan_year(session: Session, code: str) -> int | None:
    """The year of the plan a task belongs to."""
    found = get_task(session, code)
    return session.exec(select(Plan.year).where(Plan.id == found.plan_id)).first()


def year_points(session: Session, year: int) -> list[Row[tuple[str, str, dt.date | None]]]:
    """(code, deadline type, due date) of every task point (not 总体要求 / 保障措施) of the year's
    plans, in plan and document order."""
    plan_ids = select(Plan.id).where(Plan.year == year)
    query = (
        select(Task.code, Task.deadline_type, Task.due_date)
        .where(col(Task.plan_id).in_(plan_ids), Task.section == "tasks")
        .order_by(Task.plan_id, Task.position)
    )
    return list(session.execute(query).all())
