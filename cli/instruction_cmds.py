"""领导批示, replies and 催办记录 on the command line: `duban instruct`, `duban reply`, `duban chase`;
and their part of `duban show` (with the task's 序时进度).

The use cases and reads are imported inside the commands: the CLI starts without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import context
from cli.errors import reported
from cli.options import AsOf
from models.vocabulary.i18n import _

if TYPE_CHECKING:
    from models.reads.instruction_rows import ChaseRow, InstructionThread
    from models.rules.pace import Pace

TaskCode = Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))]
Text = Annotated[str, typer.Option("--text", help=_("What is said (kept on the task and in the journal)."))]
Who = Annotated[str, typer.Option("--as", help=_("Who writes it: a user name (a leader, or a unit's user)."))]


def register(app: typer.Typer) -> None:
    for command in (instruct, reply, chase):
        app.command(name=command.__name__)(reported(command))


def instruct(task: TaskCode, text: Text, actor: Who, as_of: AsOf = None) -> None:
    """Write a leader's instruction on a task; its units are notified once."""
    from workflows.use_cases.instructions import write_instruction

    result = write_instruction(
        context.ledger(),
        context.settings(),
        context.actor(actor),
        task,
        text=text,
        today=context.today_(),
        day=context.as_of(as_of),
    )
    print(
        _("{task}: instruction {id} written on {day}, notified: {who}").format(
            task=result.code, id=result.id, day=result.day.isoformat(), who=_recipients(result.notified)
        )
    )


def reply(
    task: TaskCode,
    text: Text,
    actor: Who,
    to: Annotated[
        int | None, typer.Option("--to", help=_("The instruction answered (its number); default the newest."))
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Reply to a leader's instruction on a task of your unit; the leader is notified once."""
    from workflows.use_cases.instructions import reply_instruction

    result = reply_instruction(
        context.ledger(),
        context.settings(),
        context.actor(actor),
        task,
        text=text,
        instruction_id=to,
        today=context.today_(),
        day=context.as_of(as_of),
    )
    print(
        _("{task}: reply {id} written on {day}, notified: {who}").format(
            task=result.code, id=result.id, day=result.day.isoformat(), who=_recipients(result.notified)
        )
    )


def chase(
    task: TaskCode,
    method: Annotated[str, typer.Option("--method", help=_("phone, wechat, visit or other."))],
    contact: Annotated[
        str, typer.Option("--contact", help=_("The person reached (Section Chief Wang, say)."))
    ],
    note: Annotated[str, typer.Option("--note", help=_("What was said and agreed."))],
    unit: Annotated[
        str | None, typer.Option("--unit", help=_("The unit reached (default: the task's lead unit)."))
    ] = None,
    actor: Annotated[
        str, typer.Option("--as", help=_("Who makes the change: a unit or a user name (journalled)."))
    ] = "office",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=_("The day of the chase (default today; not after today)."))
    ] = None,
) -> None:
    """Record a chase the office made by hand: how, whom, when, what was said."""
    from models.vocabulary import CHASE_METHODS, word
    from workflows.use_cases.instructions import record_chase

    result = record_chase(
        context.ledger(),
        context.actor(actor),
        task,
        method=method.strip().lower(),
        contact=contact,
        note=note,
        unit=unit,
        today=context.today_(),
        day=context.as_of(as_of),
    )
    print(
        _("{task}: chase {id} recorded for {day} ({method}, {unit})").format(
            task=result.code,
            id=result.id,
            day=result.day.isoformat(),
            method=word(CHASE_METHODS, method.strip().lower()),
            unit=result.unit or "-",
        )
    )


def _recipients(recipients: list[str]) -> str:
    from models.vocabulary import RECIPIENTS, word

    return "、".join(word(RECIPIENTS, r) if ":" not in r else r.split(":", 1)[1] for r in recipients)


def pace_line(found: Pace, progress: int) -> str:
    """`序时进度: …` for `duban show`."""
    from models.vocabulary import PACE_LIGHTS, word

    line = _("Pace: {light}").format(light=word(PACE_LIGHTS, found.light))
    if found.used is not None and found.start is not None:
        line += "  " + _(
            "{used} of the time from {start} used, progress {progress} ({behind} points behind)"
        ).format(
            used=f"{found.used}%",
            start=found.start.isoformat(),
            progress=f"{progress}%",
            behind=found.behind,
        )
    return line


def detail_lines(threads: list[InstructionThread], chases: list[ChaseRow]) -> list[str]:
    """The 领导批示 (with replies) and 催办记录 parts of `duban show`."""
    from models.vocabulary import CHASE_METHODS, word

    lines: list[str] = []
    if threads:
        lines += ["", _("Leaders' instructions:")]
        for thread in threads:
            lines.append(f"  #{thread.id} {thread.day.isoformat()} {thread.author}：{thread.text}")
            for answer in thread.replies:
                lines.append(
                    "      "
                    + _("reply {id} {day} {who}: {text}").format(
                        id=answer.id,
                        day=answer.day.isoformat(),
                        who=answer.unit or answer.author,
                        text=answer.text,
                    )
                )
    if chases:
        lines += ["", _("Chase records:")]
        for c in chases:
            lines.append(
                f"  {c.day.isoformat()} {word(CHASE_METHODS, c.method)} {c.unit or '-'} {c.contact}：{c.note}"
                f"（{c.recorded_by}）"
            )
    return lines
