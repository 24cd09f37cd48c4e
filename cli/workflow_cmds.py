"""The recurring jobs by hand: escalate, digest, send, notices.

These call the job use cases (workflows.use_cases.jobs), never Prefect: with no Prefect server a flow
call first starts a temporary one (8 s or more). `--prefect` runs the same job as a Prefect flow on
the server named by PREFECT_API_URL, for the multi-machine setup.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli import context
from cli.errors import reported
from cli.options import AsOf, Fmt
from cli.tables import Format, render
from models.errors import BadInput
from models.vocabulary import NOTICE_KINDS, RECIPIENTS, word
from models.vocabulary.i18n import N_, _

if TYPE_CHECKING:
    from workflows.use_cases.jobs import JobResult

DryRun = Annotated[
    bool, typer.Option("--dry-run", help=_("Show what would be raised or queued; write nothing."))
]
NoSend = Annotated[bool, typer.Option("--no-send", help=_("Queue the notices but do not send them yet."))]
ViaPrefect = Annotated[
    bool, typer.Option("--prefect", help=_("Run as a Prefect flow on the server at PREFECT_API_URL instead."))
]


def register(app: typer.Typer) -> None:
    for command in (escalate, digest, send, notices):
        app.command(name=command.__name__)(reported(command))


def _progress(line: str) -> None:
    print(f"  {line}", file=sys.stderr)


def _finish(result: JobResult) -> None:
    print("\n".join(result.lines))
    # Unsent notices stay queued (`duban send` retries them); skipped tasks are named in the lines
    # above and journalled on the task: either way the run did not do all it should have.
    if result.failed or result.skipped_tasks:
        raise typer.Exit(1)


def escalate(
    as_of: AsOf = None, dry_run: DryRun = False, no_send: NoSend = False, prefect: ViaPrefect = False
) -> None:
    """Raise the escalation levels due today (each once per task and due date) and send their notices."""
    _run("escalate", as_of, dry_run=dry_run, no_send=no_send, prefect=prefect)


def digest(
    as_of: AsOf = None, dry_run: DryRun = False, no_send: NoSend = False, prefect: ViaPrefect = False
) -> None:
    """Queue this ISO week's digests (per unit and for the office) and send those not yet sent."""
    _run("digest", as_of, dry_run=dry_run, no_send=no_send, prefect=prefect)


def _run(name: str, as_of: str | None, *, dry_run: bool, no_send: bool, prefect: bool) -> None:
    # Lazily: apprise and the report libraries cost a second to import.
    from workflows.use_cases import jobs

    day = context.as_of(as_of)
    if prefect:
        _via_prefect(name, day.isoformat(), dry_run=dry_run, no_send=no_send)
        return
    job = jobs.escalate if name == "escalate" else jobs.digest
    _finish(
        job(
            context.ledger(),
            context.settings(),
            context.operator(),
            as_of=day,
            dry_run=dry_run,
            send=not no_send,
            progress=_progress,
        )
    )


def send() -> None:
    """Send every queued notice not sent yet (failed ones from earlier runs included)."""
    from workflows.use_cases import jobs  # lazily: apprise costs a second to import

    _finish(
        jobs.send_pending(
            context.ledger(),
            context.settings(),
            context.operator(),
            as_of=context.as_of(None),
            progress=_progress,
        )
    )


def notices(
    kind: Annotated[str | None, typer.Option(help=_("escalation, digest or lookback."))] = None,
    period: Annotated[str | None, typer.Option(help=_("A week (2021-W48) or a day (2021-03-31)."))] = None,
    unsent: Annotated[bool, typer.Option("--unsent", help=_("Only notices not sent yet."))] = False,
    limit: Annotated[int, typer.Option(help=_("At most this many, newest first."))] = 50,
    fmt: Fmt = Format.table,
) -> None:
    """List queued and sent notices."""
    from models.reads.notices import KINDS, list_notices
    from workflows.use_cases.ledger import read_session

    kinds = KINDS
    if kind is not None and kind not in kinds:
        raise typer.BadParameter(
            _("unknown kind {kind!r}: one of {kinds}").format(kind=kind, kinds=", ".join(kinds)),
            param_hint="--kind",
        )
    with read_session(context.ledger()) as session:
        rows = list_notices(session, kind=kind, period=period, unsent=unsent, limit=limit)
    print(
        render(
            [
                N_("id"),
                N_("kind"),
                N_("period"),
                N_("recipient"),
                N_("subject"),
                N_("sent"),
                N_("tries"),
                N_("error"),
            ],
            [
                [
                    n.id,
                    word(NOTICE_KINDS, n.kind) if fmt is Format.table else n.kind,
                    n.period,
                    word(RECIPIENTS, n.recipient) if fmt is Format.table else n.recipient,
                    n.subject[:40],
                    n.sent_at.strftime("%Y-%m-%d %H:%M") if n.sent_at else "",
                    n.attempts,
                    n.last_error[:40],
                ]
                for n in rows
            ],
            fmt,
        )
    )


def _via_prefect(name: str, as_of: str, *, dry_run: bool, no_send: bool) -> None:
    if no_send:
        # The flows queue and send in one run (a worker elsewhere has no later `duban send`):
        # refused rather than sending what the user asked to hold back.
        raise BadInput(
            _(
                "cannot be combined with --prefect: the flow sends what it queues; "
                "run `duban {name} --no-send` without --prefect to only queue"
            ).format(name=name),
            source="--no-send",
        )
    if not os.environ.get("PREFECT_API_URL"):
        raise BadInput(
            _(
                "not set: --prefect runs the job on a Prefect server; set PREFECT_API_URL to one "
                "(see docs/prefect-server.md), or drop --prefect"
            ),
            source="PREFECT_API_URL",
        )
    from workflows.flows import FLOWS

    # The flow's own prints go to Prefect's run log (log_prints); the user gets its lines here.
    # No flow-level retry here: a failed send is reported now (exit 1), not after minutes of waiting.
    result = FLOWS[name].with_options(retries=0)(as_of=as_of, dry_run=dry_run)
    print("\n".join(result.lines))
