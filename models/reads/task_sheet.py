"""Everything `duban show` prints about one task, assembled from the rows of its reads.

The rows come from the statements of models.reads.task_sheet_sql, either through a session (the
full path) or through the database's own driver with the statements compiled once
(models.reads.quick). `read_sheet` takes a `fetch(name, **parameters)` and assembles the same sheet
from either, with the pure rules: nothing here imports SQLAlchemy, so the quick path starts without
it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.reads.instruction_rows import ChaseRow, InstructionThread, chase_rows, threads_of
from models.reads.names import names_of
from models.reads.report_rows import AckState, PeriodReports, by_period
from models.rules.deadlines import TaskFacts, effective_due
from models.rules.lights import Light, light
from models.rules.pace import Pace, pace, window_start
from models.rules.reports import last_report
from models.storage.kinds import Role

# fetch(statement name, task_id=… or code=…) -> that statement's rows (task_sheet_sql.statements).
Fetch = Callable[..., list[Any]]


@dataclass(frozen=True)
class SheetTask:
    """The task's own fields `duban show` prints (queries.sheet_task_sql's columns, in order)."""

    id: int
    code: str
    path: list[str]
    title: str
    body: str
    deadline_type: str
    due_date: dt.date | None
    deadline_text: str
    recurrence: str | None
    units_open_ended: bool
    status: str
    progress: int
    progress_note: str
    withdrawn: bool
    version: int
    plan_key: str
    plan_year: int | None


@dataclass(frozen=True)
class JournalLine:
    """One journal row (queries.journal_sql's columns, in order)."""

    at: dt.datetime
    day: dt.date | None
    actor: str
    action: str
    field: str
    old: str
    new: str
    note: str
    evidence: str


@dataclass
class TaskSheet:
    task: SheetTask
    plan: str  # the plan's name as people read it
    lead: list[str]
    support: list[str]
    journal: list[JournalLine]
    due: dt.date | None  # the effective due date (models.rules.deadlines)
    light: Light
    pace: Pace
    threads: list[InstructionThread]
    chases: list[ChaseRow]
    pending: list[tuple[int, str]]  # (request id, kind) of the pending requests, newest first
    returns: int  # completions the office returned (退回)
    acks: list[AckState]
    reports: list[PeriodReports]


def task_code(code: str) -> str:
    """The stored code of what people type: `T12`, `t12` or `12`."""
    text = code.strip().upper()
    return text if text.startswith("T") else f"T{text}"


def read_sheet(
    fetch: Fetch, code: str, *, as_of: dt.date, due_soon_days: int, pace_yellow: int, pace_red: int
) -> TaskSheet | None:
    """The sheet of the task people call `code`; None when there is no such task."""
    found = fetch("task", code=task_code(code))
    if not found:
        return None
    task = SheetTask(*found[0])
    lead: list[str] = []
    support: list[str] = []
    for _task_id, role, name in fetch("units", task_id=task.id):
        (lead if role == Role.LEAD.value else support).append(name)
    journal = [JournalLine(*row) for row in fetch("journal", task_id=task.id)]
    reported = [last_report(day, at) for _task_id, day, at in fetch("last_report", task_id=task.id)]
    facts = TaskFacts(
        task.id,
        task.status,
        task.deadline_type,
        task.due_date,
        task.recurrence,
        task.plan_year,
        reported[0] if reported else None,
    )
    due = effective_due(facts, as_of)
    acks = [AckState(*row) for row in fetch("acks", task_id=task.id)]
    # The 序时进度's facts as models.reads.pace reads them: the lead units' earliest 交办 day, and the
    # day the task entered the ledger (its first journal row's business day, else its clock's date).
    handed = [ack.assigned_on for ack in acks if ack.assigned_on is not None]
    entered = (journal[0].day or journal[0].at.date()) if journal else None
    start = window_start(
        assigned_on=min(handed) if handed else None, imported_on=entered, plan_year=task.plan_year, due=due
    )
    found_pace = pace(
        status=task.status,
        deadline_type=task.deadline_type,
        progress=task.progress,
        start=start,
        due=due,
        as_of=as_of,
        yellow=pace_yellow,
        red=pace_red,
    )
    names = names_of(fetch("names"))
    return TaskSheet(
        task=task,
        plan=names[task.plan_key],
        lead=lead,
        support=support,
        journal=journal,
        due=due,
        light=light(task.status, due, as_of, due_soon_days),
        pace=found_pace,
        threads=threads_of(fetch("instructions", task_id=task.id)),
        chases=chase_rows(fetch("chases", task_id=task.id)),
        pending=[(request_id, kind) for request_id, kind in fetch("pending", task_id=task.id)],
        returns=int(fetch("returns", task_id=task.id)[0][0]),
        acks=acks,
        reports=by_period(fetch("reports", task_id=task.id)),
    )
