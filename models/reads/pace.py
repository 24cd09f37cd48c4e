"""What the 序时进度 rule (models.rules.pace) needs from the ledger, for a page of tasks at a time:
each task's 交办 day (its lead units' earliest assigned_on), the day it entered the ledger (its
first journal row), its deadline type and its plan's year — three queries per 500 rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.rules.pace import Pace, pace, window_start
from models.storage.tables import Assignment, Journal, Plan, Role, Task

CHUNK = 500  # IN lists within every database's limits


class PaceLimits(Protocol):
    """The thresholds ([lifecycle] of config.toml: models.settings.LifecycleSettings)."""

    pace_yellow: int
    pace_red: int


class Paced(Protocol):
    """A task as a listing holds it (models.reads.task_query.TaskRow has these)."""

    code: str
    status: str
    progress: int
    due_date: dt.date | None  # the effective due date


@dataclass(frozen=True)
class PacedTask:
    """One task given by hand (the task page, `duban show`): its effective due date as shown."""

    code: str
    status: str
    progress: int
    due_date: dt.date | None


@dataclass(frozen=True)
class _Facts:
    task_id: int
    deadline_type: str
    plan_year: int | None
    assigned_on: dt.date | None
    entered_on: dt.date | None


def _facts(session: Session, codes: list[str]) -> dict[str, _Facts]:
    found: dict[str, _Facts] = {}
    for begin in range(0, len(codes), CHUNK):
        chunk = codes[begin : begin + CHUNK]
        tasks = session.execute(
            select(Task.id, Task.code, Task.deadline_type, Plan.year)
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(col(Task.code).in_(chunk))
        ).all()
        ids = [task_id for task_id, *_ in tasks]
        assigned = dict(
            session.execute(
                select(Assignment.task_id, func.min(Assignment.assigned_on))
                .where(col(Assignment.task_id).in_(ids), Assignment.role == Role.LEAD.value)
                .group_by(Assignment.task_id)
            ).all()
        )
        # The task's first journal row is its creation (import or carry-over): its business day,
        # or the clock's date for rows written before business days were recorded.
        first = select(func.min(Journal.id)).where(col(Journal.task_id).in_(ids)).group_by(Journal.task_id)
        entered = {
            task_id: day or at.date()
            for task_id, day, at in session.execute(
                select(Journal.task_id, Journal.day, Journal.at).where(col(Journal.id).in_(first))
            )
        }
        for task_id, code, deadline_type, year in tasks:
            found[code] = _Facts(task_id, deadline_type, year, assigned.get(task_id), entered.get(task_id))
    return found


def task_pace(
    session: Session, task: Task, due: dt.date | None, *, as_of: dt.date, limits: PaceLimits
) -> Pace:
    """One task's 序时进度 (the task page, `duban show`, the API's detail), `due` its effective due date."""
    one = PacedTask(task.code, task.status, task.progress, due)
    return paces(session, [one], as_of=as_of, limits=limits)[task.code]


def paces(session: Session, rows: Sequence[Paced], *, as_of: dt.date, limits: PaceLimits) -> dict[str, Pace]:
    """task code -> its 序时进度 as of a date, for every row given."""
    facts = _facts(session, [row.code for row in rows])
    result: dict[str, Pace] = {}
    for row in rows:
        known = facts.get(row.code)
        if known is None:
            continue
        start = window_start(
            assigned_on=known.assigned_on,
            imported_on=known.entered_on,
            plan_year=known.plan_year,
            due=row.due_date,
        )
        result[row.code] = pace(
            status=row.status,
            deadline_type=known.deadline_type,
            progress=row.progress,
            start=start,
            due=row.due_date,
            as_of=as_of,
            yellow=limits.pace_yellow,
            red=limits.pace_red,
        )
    return result
