"""领导批示 with their replies, and 催办记录, as the task page, `duban show` and the digest read them
(their rows' shapes: models.reads.instruction_rows)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session, col, select

from models.reads.instruction_rows import ChaseRow, InstructionThread, chase_rows, threads_of
from models.reads.names import path_label, plan_names
from models.storage.tables import Assignment, Chase, Instruction, Plan, Task, Unit


def instructions_sql(task_id: Any) -> Select:
    """The task's 批示 and replies in id order, as instruction_rows.threads_of takes them."""
    return (
        select(
            Instruction.id,
            Instruction.parent_id,
            Instruction.author,
            Instruction.text,
            Instruction.day,
            Instruction.at,
            Unit.name,
        )
        .join(Unit, col(Unit.id) == Instruction.unit_id, isouter=True)
        .where(Instruction.task_id == task_id)
        .order_by(col(Instruction.id))
    )


def instructions_of(session: Session, task_id: int) -> list[InstructionThread]:
    """The task's 批示, newest first, each with its replies in order."""
    return threads_of(session.execute(instructions_sql(task_id)))


def chases_sql(task_id: Any) -> Select:
    """The task's 催办记录, newest day first, as instruction_rows.chase_rows takes them."""
    return (
        select(
            Chase.id,
            Chase.method,
            Chase.contact,
            Unit.name,
            Chase.day,
            Chase.note,
            Chase.recorded_by,
            Chase.at,
        )
        .join(Unit, col(Unit.id) == Chase.unit_id, isouter=True)
        .where(Chase.task_id == task_id)
        .order_by(col(Chase.day).desc(), col(Chase.id).desc())
    )


def chases_of(session: Session, task_id: int) -> list[ChaseRow]:
    """The task's 催办记录, newest day first."""
    return chase_rows(session.execute(chases_sql(task_id)))


@dataclass
class DigestInstruction:
    """A 批示 in a unit's weekly digest."""

    code: str
    plan: str
    path: str
    title: str
    author: str
    text: str
    day: dt.date


def instructions_by_unit(
    session: Session, *, start: dt.date, end: dt.date
) -> dict[str, list[DigestInstruction]]:
    """unit name -> the 批示 written on its tasks (lead or support) on a day in [start, end], in order."""
    query = (
        select(Unit.name, Task.code, Plan.key, Task.path_key, Task.title, Instruction)
        .join(Task, col(Task.id) == Instruction.task_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .join(Assignment, col(Assignment.task_id) == Task.id)
        .join(Unit, col(Unit.id) == Assignment.unit_id)
        .where(
            col(Instruction.parent_id).is_(None),
            col(Instruction.day) >= start,
            col(Instruction.day) <= end,
            col(Task.withdrawn).is_(False),
        )
        .order_by(col(Instruction.day), col(Instruction.id))
    )
    names = plan_names(session)
    found: dict[str, list[DigestInstruction]] = defaultdict(list)
    for unit, code, plan, path_key, title, row in session.exec(query):
        found[unit].append(
            DigestInstruction(
                code,
                names.get(plan, plan),
                path_label(path_key.split("/")),
                title,
                row.author,
                row.text,
                row.day,
            )
        )
    return dict(found)
