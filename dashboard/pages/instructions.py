"""The task page's 领导批示, replies and 催办记录 (/tasks/{code}/instruct, /reply, /chase), and what
the page shows of them and of the task's 序时进度.

Who sees which form is the permission table's answer for the signed-in user on this task; the use
cases (workflows.use_cases.instructions) ask it again on the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from dashboard.context import Ctx, CtxDep, signed_in
from dashboard.params import AsOf
from models.clock import parse_date
from models.errors import BadInput, NotFound
from models.reads.escalations import EscalationRow
from models.reads.instructions import chases_of, instructions_of
from models.reads.pace import task_pace
from models.reads.queries import TaskDetail
from models.rules.permissions import Action
from models.settings import Settings
from models.vocabulary import CHASE_METHODS, word
from models.vocabulary.i18n import _
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import may_on_task
from workflows.use_cases.instructions import record_chase, reply_instruction, write_instruction

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
SAVED = {
    "instruct": _("instruction recorded; the responsible units are told."),
    "reply": _("reply recorded; the leader who wrote the instruction is told."),
    "chase": _("chase recorded."),
}


@dataclass
class ChaseLine:
    """One line of the 催办记录 list: a chase the office made by hand, or a level the ladder raised."""

    day: dt.date
    how: str
    whom: str
    what: str
    by: str
    manual: bool


def task_extras(
    session: Session,
    user_actor: Actor,
    detail: TaskDetail,
    escalations: list[EscalationRow],
    levels: dict[str, str],
    settings: Settings,
    as_of: dt.date,
) -> dict[str, Any]:
    """What the task page shows of 序时进度, 批示 and 催办记录, and which of their forms this user gets."""
    task = detail.task
    assert task.id is not None
    pace = task_pace(session, task, detail.due_date, as_of=as_of, limits=settings.lifecycle)
    chases = chases_of(session, task.id)
    lines = [
        ChaseLine(
            c.day, word(CHASE_METHODS, c.method), f"{c.unit} {c.contact}".strip(), c.note, c.recorded_by, True
        )
        for c in chases
    ] + [
        ChaseLine(
            e.raised_on,
            _("automatic: {level}").format(level=levels.get(e.level, e.level)),
            "、".join(detail.lead),
            _("due {occurrence}").format(occurrence=e.occurrence),
            _("the system"),
            False,
        )
        for e in escalations
        if not e.skipped
    ]
    lines.sort(key=lambda line: line.day, reverse=True)
    threads = instructions_of(session, task.id)
    return {
        "pace": pace,
        "threads": threads,
        "chase_lines": lines,
        "may_instruct": may_on_task(session, user_actor, Action.WRITE_INSTRUCTION, task),
        "may_reply": bool(threads) and may_on_task(session, user_actor, Action.REPLY_INSTRUCTION, task),
        "may_chase": may_on_task(session, user_actor, Action.RECORD_CHASE, task),
    }


def _again(
    ctx: Ctx, code: str, as_of: dt.date, error: BadInput | NotFound, typed: dict[str, str]
) -> Response:
    from dashboard.pages.tasks import render_task  # the task page, rendered again with the problem

    problem = error.problem if isinstance(error, BadInput) else str(error)
    return render_task(ctx, code, as_of, status_code=400, problem=problem, form=typed)


def _done(code: str, as_of: dt.date, saved: str) -> Response:
    return RedirectResponse(f"/tasks/{code}?as_of={as_of.isoformat()}&saved={saved}", status_code=303)


@router.post("/tasks/{code}/instruct")
def instruct_form(ctx: CtxDep, code: str, as_of: AsOf, text: Text = "") -> Response:
    try:
        result = write_instruction(
            ctx.engine,
            ctx.settings,
            Actor.of_user(signed_in(ctx)),
            code,
            text=text,
            today=ctx.today,
            day=as_of,
        )
    except BadInput as error:
        return _again(ctx, code, as_of, error, {"form": "instruct", "text": text})
    return _done(result.code, as_of, "instruct")


@router.post("/tasks/{code}/reply")
def reply_form(
    ctx: CtxDep, code: str, as_of: AsOf, instruction: Annotated[int, Form()], text: Text = ""
) -> Response:
    try:
        result = reply_instruction(
            ctx.engine,
            ctx.settings,
            Actor.of_user(signed_in(ctx)),
            code,
            text=text,
            instruction_id=instruction,
            today=ctx.today,
            day=as_of,
        )
    except (BadInput, NotFound) as error:
        return _again(
            ctx, code, as_of, error, {"form": "reply", "text": text, "instruction": str(instruction)}
        )
    return _done(result.code, as_of, "reply")


@router.post("/tasks/{code}/chase")
def chase_form(
    ctx: CtxDep,
    code: str,
    as_of: AsOf,
    method: Text = "phone",
    contact: Text = "",
    note: Text = "",
    day: Text = "",
    unit: Text = "",
) -> Response:
    typed = {"form": "chase", "method": method, "contact": contact, "note": note, "day": day, "unit": unit}
    try:
        chosen = parse_date(day, what=_("chase date")) if day.strip() else ctx.today
        result = record_chase(
            ctx.engine,
            Actor.of_user(signed_in(ctx)),
            code,
            method=method,
            contact=contact,
            note=note,
            unit=unit or None,
            today=ctx.today,
            day=chosen,
        )
    except (BadInput, NotFound) as error:
        return _again(ctx, code, as_of, error, typed)
    return _done(result.code, as_of, "chase")
