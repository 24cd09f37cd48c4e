"""领导批示 with their replies, and 催办记录, as the task page, `duban show` and the digest read them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from models.reads.names import path_label, plan_names
from models.storage.tables import Assignment, Chase, Instruction, Plan, Task, Unit


@dataclass
class Reply:
    id: int
    author: str
    unit: str  # the replying unit's name ("" for the office)
    text: str
    day: dt.date
    at: dt.datetime


@dataclass
class InstructionThread:
    """One 批示 and the replies to it, oldest first."""

    id: int
    author: str
    text: str
    day: dt.date
    at: dt.datetime
    replies: list[Reply] = field(default_factory=list)


@dataclass
class ChaseRow:
    id: int
    method: str
    contact: str
    unit: str
    day: dt.date
    note: str
    recorded_by: str
    at: dt.datetime


def instructions_of(session: Session, task_id: int) -> list[InstructionThread]:
    """The task's 批示, newest first, each with its replies in order."""
    query = (
        select(Instruction, Unit.name)
        .join(Unit, col(Unit.id) == Instruction.unit_id, isouter=True)
        .where(Instruction.task_id == task_id)
        .order_by(col(Instruction.id))
    )
    threads: dict[int, InstructionThread] = {}
    for row, unit in session.exec(query):
        assert row.id is not None
        if row.parent_id is None:
            threads[row.id] = InstructionThread(row.id, row.author, row.text, row.day, row.at)
        elif row.parent_id in threads:
            threads[row.parent_id].replies.append(
                Reply(row.id, row.author, unit or "", row.text, row.day, row.at)
            )
    return list(reversed(threads.values()))


def chases_of(session: Session, task_id: int) -> list[ChaseRow]:
    """The task's 催办记录, newest day first."""
    query = (
        select(Chase, Unit.name)
        .join(Unit, col(Unit.id) == Chase.unit_id, isouter=True)
        .where(Chase.task_id == task_id)
        .order_by(col(Chase.day).desc(), col(Chase.id).desc())
    )
    return [
        ChaseRow(c.id, c.method, c.contact, unit or "", c.day, c.note, c.recorded_by, c.at)  # type: ignore[arg-type]
        for c, unit in session.exec(query)
    ]


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
