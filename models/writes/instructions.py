"""领导批示 on a task, the units' replies to them, and the office's 催办记录 — each with its journal row.

Append-only: an instruction, a reply or a chase is never edited or deleted; a correction is a new
one. None of them is a progress report (models.rules.reports), so recording a chase or answering a
批示 never silences the ladder or a check-in.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.errors import BadInput, NotFound
from models.rules import bounds
from models.storage.tables import Chase, Instruction, Journal, Task
from models.vocabulary.i18n import _

CHASE_METHODS = ("phone", "wechat", "visit", "other")


def _text(text: str, field: str, *, what: str, limit: int = bounds.MAX_NOTE) -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise BadInput(_("{what} is empty").format(what=what), field=field)
    return bounds.check_text(cleaned, what, limit=limit)


def _journal(session: Session, task: Task, *, action: str, actor: str, day: dt.date, note: str) -> None:
    session.add(Journal(task_id=task.id, day=day, actor=actor, action=action, note=note))


def write_instruction(session: Session, task: Task, *, author: str, text: str, day: dt.date) -> Instruction:
    """A leader's 批示 on a task."""
    return _write(session, task, None, author=author, unit_id=None, text=text, day=day)


def instruction_of(session: Session, task: Task, instruction_id: int) -> Instruction:
    """A 批示 of this task (not a reply): what a reply answers."""
    found = session.get(Instruction, instruction_id)
    if found is None or found.task_id != task.id or found.parent_id is not None:
        raise NotFound(
            _("task {task} has no instruction {id}").format(task=task.code, id=instruction_id),
            field="instruction",
        )
    return found


def latest_instruction(session: Session, task: Task) -> Instruction:
    """The newest 批示 on a task (what a reply answers when none is named)."""
    query = (
        select(Instruction)
        .where(Instruction.task_id == task.id, col(Instruction.parent_id).is_(None))
        .order_by(col(Instruction.id).desc())
    )
    found = session.exec(query).first()
    if found is None:
        raise NotFound(
            _("task {task} has no instruction to reply to").format(task=task.code), field="instruction"
        )
    return found


def write_reply(
    session: Session,
    task: Task,
    parent: Instruction,
    *,
    author: str,
    unit_id: int | None,
    text: str,
    day: dt.date,
) -> Instruction:
    """A unit's (or the office's) answer to a 批示."""
    return _write(session, task, parent, author=author, unit_id=unit_id, text=text, day=day)


def _write(
    session: Session,
    task: Task,
    parent: Instruction | None,
    *,
    author: str,
    unit_id: int | None,
    text: str,
    day: dt.date,
) -> Instruction:
    what, when = (
        (_("the instruction"), _("instruction date")) if parent is None else (_("the reply"), _("reply date"))
    )
    row = Instruction(
        task_id=task.id,  # type: ignore[arg-type]
        parent_id=parent.id if parent is not None else None,
        author=author,
        unit_id=unit_id,
        text=_text(text, "text", what=what),
        day=bounds.check_date(day, when),
    )
    session.add(row)
    action = "instruct" if parent is None else "reply"
    _journal(session, task, action=action, actor=author, day=day, note=row.text)
    session.flush()
    return row


def record_chase(
    session: Session,
    task: Task,
    *,
    method: str,
    contact: str,
    note: str,
    day: dt.date,
    unit_id: int | None,
    recorded_by: str,
) -> Chase:
    """One manual chase: how (phone, WeChat, visit, other), whom, on which day, what was said."""
    if method not in CHASE_METHODS:
        raise BadInput(
            _("unknown chase method {method}: one of {choices}").format(
                method=method, choices=", ".join(CHASE_METHODS)
            ),
            field="method",
        )
    row = Chase(
        task_id=task.id,  # type: ignore[arg-type]
        unit_id=unit_id,
        method=method,
        contact=_text(contact, "contact", what=_("the person reached"), limit=bounds.MAX_NAME),
        day=bounds.check_date(day, _("chase date")),
        note=_text(note, "note", what=_("what was said")),
        recorded_by=recorded_by,
    )
    session.add(row)
    _journal(session, task, action="chase", actor=recorded_by, day=day, note=f"{row.contact}：{row.note}")
    session.flush()
    return row
