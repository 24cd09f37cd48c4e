"""The 督办 lifecycle's requests from the command line: a unit asks (extend-request, complete-request),
the office decides (approve / reject, signoff / return) or cancels; `requests` lists the pending ones.

The ledger's modules (sqlalchemy, sqlmodel) are imported inside the commands, so `duban --help`
does not load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.errors import reported
from cli.options import Actor, AsOf, Fmt
from cli.tables import Format, render
from models.vocabulary import PENDING_LABELS, REQUEST_KINDS, STATUSES, word
from models.vocabulary.i18n import N_, _

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from workflows.use_cases.requests import RequestDecided, RequestFiled

TaskArg = Annotated[str, typer.Argument(help=_("Task id, e.g. T12."))]
RequestArg = Annotated[str, typer.Argument(help=_("Request number, e.g. R3 (see `duban requests`)."))]


def register(app: typer.Typer) -> None:
    for command in (extend_request, complete_request, approve, reject, signoff, return_, cancel, requests):
        app.command(name=command.__name__.rstrip("_").replace("_", "-"))(reported(command))


def extend_request(
    task: TaskArg,
    to: Annotated[
        str, typer.Option("--to", help=_("The due date asked for: 2021-12-20, 2021/12/20, 2021年12月20日."))
    ],
    reason: Annotated[str, typer.Option(help=_("Why the task needs more time."))],
    progress: Annotated[int | None, typer.Option(help=_("Percent done so far, 0-100."))] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Ask for an extension: the task keeps its due date, and stays overdue if it is, until
    the office approves."""
    from cli import context
    from models.clock import parse_date
    from workflows.use_cases.requests import request_extension

    new_date = parse_date(to, what=_("--to date"))
    result = request_extension(
        context.ledger(),
        context.settings(),
        context.actor(actor),
        task,
        to=new_date,
        reason=reason,
        progress=progress,
        today=context.today_(),
        day=context.as_of(as_of),
    )
    _print_filed(result)


def complete_request(
    task: TaskArg,
    summary: Annotated[str, typer.Option(help=_("What was done (the completion report)."))],
    evidence: Annotated[
        list[str] | None, typer.Option(help=_("A link or document number that shows it (repeatable)."))
    ] = None,
    attach: Annotated[
        list[Path] | None,
        typer.Option(help=_("A file to attach as evidence (repeatable; size and type checked).")),
    ] = None,
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Submit a task as completed: it stays open, awaiting review, until the office
    signs it off or returns it."""
    from cli import context
    from models.errors import BadInput
    from workflows.use_cases.requests import request_completion

    uploads = []
    for path in attach or []:
        try:
            uploads.append((path.name, path.read_bytes()))
        except OSError as error:
            raise BadInput(
                _("cannot read the file: {error}").format(error=error.strerror), source=path
            ) from None
    result = request_completion(
        context.ledger(),
        context.settings(),
        context.actor(actor),
        task,
        summary=summary,
        evidence="\n".join(evidence or []),
        uploads=uploads,
        today=context.today_(),
        day=context.as_of(as_of),
    )
    _print_filed(result)


def approve(
    request: RequestArg,
    comment: Annotated[str, typer.Option(help=_("The office's comment (sent to the unit)."))] = "",
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Approve an extension request: the task takes the new due date, and the escalation ladder counts from it."""
    _decide(lambda uc: uc.approve_extension, request, actor, as_of, comment=comment)


def reject(
    request: RequestArg,
    comment: Annotated[str, typer.Option(help=_("Why it is not approved (sent to the unit)."))],
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Reject an extension request: the due date stands."""
    _decide(lambda uc: uc.reject_extension, request, actor, as_of, comment=comment)


def signoff(
    request: RequestArg,
    comment: Annotated[str, typer.Option(help=_("The office's comment (sent to the unit)."))] = "",
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Sign off a completion request: the task is done."""
    _decide(lambda uc: uc.sign_off, request, actor, as_of, comment=comment)


def return_(
    request: RequestArg,
    reason: Annotated[str, typer.Option(help=_("Why the completion is not accepted (sent to the unit)."))],
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Return a completion request: the task is back in progress, and the return is counted."""
    _decide(lambda uc: uc.return_completion, request, actor, as_of, reason=reason)


def _decide(
    chosen: Callable[[ModuleType], Callable[..., RequestDecided]],
    request: str,
    actor: str,
    as_of: str | None,
    **text: str,
) -> None:
    """Approve, reject, sign off or return: the use case `chosen` picks from workflows.use_cases.requests."""
    from cli import context
    from workflows.use_cases import requests as uc

    decide = chosen(uc)
    _print_decided(
        decide(
            context.ledger(),
            context.settings(),
            context.actor(actor),
            request,
            today=context.today_(),
            day=context.as_of(as_of),
            **text,
        )
    )


def cancel(
    task: TaskArg,
    reason: Annotated[
        str, typer.Option(help=_("Why the task is cancelled (journalled, sent to its units)."))
    ],
    actor: Actor = "office",
    as_of: AsOf = None,
) -> None:
    """Cancel a task (the office only, with a reason): it leaves the ladder and the look-back's rate."""
    from cli import context
    from workflows.use_cases.requests import cancel_task

    result = cancel_task(
        context.ledger(),
        context.settings(),
        context.actor(actor),
        task,
        reason=reason,
        today=context.today_(),
        day=context.as_of(as_of),
    )
    print(
        _("{task}: {status} (version {version})").format(
            task=result.code, status=word(STATUSES, result.status), version=result.version
        )
    )


def requests(
    kind: Annotated[str | None, typer.Option(help=_("Only extension or completion requests."))] = None,
    unit: Annotated[
        str | None, typer.Option(help=_("Only requests on tasks this unit leads or supports."))
    ] = None,
    fmt: Fmt = Format.table,
) -> None:
    """The requests awaiting a decision (extensions to approve, completions to review), oldest first."""
    from cli import context
    from models.errors import BadInput
    from models.reads import units
    from models.reads.requests import pending
    from workflows.use_cases.ledger import read_session
    from workflows.use_cases.requests import RequestKind

    chosen = None
    if kind:
        chosen = next((k for k in RequestKind if kind in (k.value, REQUEST_KINDS[k.value])), None)
        if chosen is None:
            raise BadInput(_("--kind is extension or completion, not {value}").format(value=kind))
    with read_session(context.ledger()) as session:
        unit_id = units.get(session, unit).id if unit else None
        found = pending(session, kind=chosen, unit_id=unit_id)
    table = fmt is Format.table
    rows = [
        [
            r.ref,
            r.code,
            r.title[:24] if table else r.title,
            PENDING_LABELS[r.kind] if table else r.kind,
            r.unit or r.requested_by,
            r.requested_on.isoformat(),
            r.due_date_then.isoformat() if r.due_date_then else "",
            r.new_due_date.isoformat() if r.new_due_date else "",
            (_("yes") if table else "true") if r.late else "",
            r.progress,
            r.reason[:30] if table else r.reason,
        ]
        for r in found
    ]
    headers = [
        N_("request"),
        N_("task"),
        N_("title"),
        N_("kind"),
        N_("unit"),
        N_("asked on"),
        N_("due"),
        N_("new due"),
        N_("late"),
        N_("progress"),
        N_("reason"),
    ]
    print(render(headers, rows, fmt))


def _print_filed(result: RequestFiled) -> None:
    due = result.due_date.isoformat() if result.due_date else "-"
    line = _(
        "{ref} filed: {label} on {task}; the task stays {status}, due {due}, until the office decides"
    ).format(
        ref=result.ref,
        label=PENDING_LABELS[result.kind],
        task=result.code,
        status=word(STATUSES, result.status),
        due=due,
    )
    if result.late:
        line += _(" (asked after the due date)")
    if result.attachments:
        line += _(", {count} files attached").format(count=result.attachments)
    print(line)


def _print_decided(result: RequestDecided) -> None:
    outcome = {
        ("extension", "approved"): _("extension approved"),
        ("extension", "rejected"): _("extension rejected"),
        ("completion", "approved"): _("signed off"),
        ("completion", "rejected"): _("returned"),
    }[(result.kind, result.state)]
    due = result.due_date.isoformat() if result.due_date else "-"
    line = _("{ref} {outcome}: {task} is {status}, due {due}").format(
        ref=result.ref, outcome=outcome, task=result.code, status=word(STATUSES, result.status), due=due
    )
    if result.kind == "completion" and result.returns:
        line += _(" (returned {count} times)").format(count=result.returns)
    print(line)
