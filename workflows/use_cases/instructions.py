"""领导批示 (a leader writes, the task's units are told), replies (a unit answers, the leader is told)
and 催办记录 (the office records a chase it made by phone, WeChat or in person).

Each is one transaction: the permission table is asked with the task in hand, the row and its
journal line are written, and the notices are queued in the same transaction (sent later by
workflows.deliver). A notice's key is (instruction, the 批示 or reply's id, recipient), so the same
批示 never reaches a unit twice, however often anything is re-run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from models.reads.names import path_label
from models.reads.task_query import units_of
from models.rules.permissions import Action
from models.settings import Settings
from models.storage.db import write_session
from models.storage.tables import Instruction, NoticeKind, Task, Unit
from models.vocabulary.i18n import _
from models.writes import instructions as records
from models.writes import units as registry
from models.writes.ledger import get_task
from models.writes.notices import Draft, queue
from workflows import notice_bodies
from workflows.render import Message
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid
from workflows.use_cases.guard import business_day, may_on_task, require, require_on_task


@dataclass(frozen=True)
class InstructionWritten:
    code: str
    id: int
    day: dt.date
    notified: list[str]  # the recipients queued now ("unit:办公室", "leader:张局长")


@dataclass(frozen=True)
class ChaseRecorded:
    code: str
    id: int
    day: dt.date
    unit: str


def write_instruction(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    code: str,
    *,
    text: str,
    today: dt.date,
    day: dt.date | None = None,
) -> InstructionWritten:
    """A leader's 批示 on a task; its lead and supporting units are notified once."""
    require(actor, Action.WRITE_INSTRUCTION, message=_("only leaders may write an instruction on a task"))
    with write_session(engine) as session:
        task = get_task(session, code)
        chosen = business_day(actor, day, today=today)
        row = records.write_instruction(session, task, author=actor.name, text=text, day=chosen)
        lead, support = units_of(session, [task.id]).get(task.id, ([], []))  # type: ignore[list-item]
        recipients = [f"unit:{name}" for name in dict.fromkeys([*lead, *support])] or ["office"]
        drafts = [_instruction_draft(task, row, recipient, settings) for recipient in recipients]
        queue(session, drafts)
        return InstructionWritten(task.code, row.id, chosen, recipients)  # type: ignore[arg-type]


def reply_instruction(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    code: str,
    *,
    text: str,
    today: dt.date,
    instruction_id: int | None = None,
    day: dt.date | None = None,
) -> InstructionWritten:
    """A unit's answer to a 批示 on its own task (the newest one unless named); the leader who
    wrote the 批示 is notified once."""
    with write_session(engine) as session:
        task = get_task(session, code)
        if not may_on_task(session, actor, Action.REPLY_INSTRUCTION, task):
            raise Denied(
                _(
                    "you may not reply on task {task}: only its lead and supporting units and the office may"
                ).format(task=task.code),
                action=Action.REPLY_INSTRUCTION,
                field="task",
            )
        parent = (
            records.instruction_of(session, task, instruction_id)
            if instruction_id is not None
            else records.latest_instruction(session, task)
        )
        chosen = business_day(actor, day, today=today)
        row = records.write_reply(
            session, task, parent, author=actor.name, unit_id=actor.unit_id, text=text, day=chosen
        )
        unit = _unit_name(session, actor.unit_id)
        recipient = f"leader:{parent.author}"
        queue(session, [_reply_draft(task, parent, row, unit, recipient, settings)])
        return InstructionWritten(task.code, row.id, chosen, [recipient])  # type: ignore[arg-type]


def record_chase(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    method: str,
    contact: str,
    note: str,
    today: dt.date,
    day: dt.date | None = None,
    unit: str | None = None,
) -> ChaseRecorded:
    """The office's record of a chase it made by hand. The unit reached is the one named, else the
    task's lead unit when it has exactly one; the day is the one named (never after today)."""
    with write_session(engine) as session:
        task = get_task(session, code)
        require_on_task(session, actor, Action.RECORD_CHASE, task)
        chosen = business_day(actor, day, today=today)
        if chosen > today:
            raise Invalid(
                _("a chase is recorded after it happened: {day} is after today ({today})").format(
                    day=chosen.isoformat(), today=today.isoformat()
                ),
                code="chase.future",
                field="day",
            )
        lead, support = units_of(session, [task.id]).get(task.id, ([], []))  # type: ignore[list-item]
        unit_id, unit_name = _chased_unit(session, task, unit, lead, support)
        row = records.record_chase(
            session,
            task,
            method=method,
            contact=contact,
            note=note,
            day=chosen,
            unit_id=unit_id,
            recorded_by=actor.name,
        )
        return ChaseRecorded(task.code, row.id, chosen, unit_name)  # type: ignore[arg-type]


def _chased_unit(
    session: Session, task: Task, named: str | None, lead: list[str], support: list[str]
) -> tuple[int | None, str]:
    if named and named.strip():
        found = registry.get(session, named)
        if found.name not in (*lead, *support):
            raise Invalid(
                _("{unit} is not a unit of task {task}").format(unit=found.name, task=task.code),
                code="chase.unit",
                field="unit",
            )
        return found.id, found.name
    if len(lead) == 1:
        only = registry.get(session, lead[0])
        return only.id, only.name
    return None, ""


def _unit_name(session: Session, unit_id: int | None) -> str:
    found = session.get(Unit, unit_id) if unit_id is not None else None
    return found.name if found is not None else ""


def _task_line(task: Task) -> str:
    return f"{task.code} {path_label(task.path)} {task.title}"


def _draft(message: Message, period: str, recipient: str) -> Draft:
    return notice_bodies.draft(
        message,
        kind=NoticeKind.INSTRUCTION.value,
        period=period,
        recipient=recipient,
        subject=message.title[:500],
    )


def _instruction_draft(task: Task, row: Instruction, recipient: str, settings: Settings) -> Draft:
    message = Message(_("[Leader's instruction] {task}: {author}").format(task=task.code, author=row.author))
    message.para(_task_line(task))
    message.para(
        _("{author} wrote on {day}: {text}").format(author=row.author, day=row.day.isoformat(), text=row.text)
    )
    message.para(_("Please act on it and reply on the task's page (or `duban reply`)."))
    url = settings.dashboard.task_url(task.code)
    if url:
        message.link(_("View {task}").format(task=task.code), url)
    return _draft(message, f"{task.code}/I{row.id}", recipient)


def _reply_draft(
    task: Task, parent: Instruction, row: Instruction, unit: str, recipient: str, settings: Settings
) -> Draft:
    who = unit or row.author
    message = Message(_("[Reply to your instruction] {task}: {who}").format(task=task.code, who=who))
    message.para(_task_line(task))
    message.para(_("Your instruction of {day}: {text}").format(day=parent.day.isoformat(), text=parent.text))
    message.para(_("{who} replied on {day}: {text}").format(who=who, day=row.day.isoformat(), text=row.text))
    url = settings.dashboard.task_url(task.code)
    if url:
        message.link(_("View {task}").format(task=task.code), url)
    return _draft(message, f"{task.code}/R{row.id}", recipient)
