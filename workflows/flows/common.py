"""What the flows share: the settings and ledger of the process they run in, the job lease and the
shared folders a scheduled run checks first, and sending (a failed send fails the run)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from prefect import task
from sqlalchemy import Engine

from models.clock import parse_date, today
from models.errors import BadInput, DubanError
from models.rules import bounds
from models.settings import Settings, load_settings
from models.vocabulary.i18n import _
from workflows.deploy import SHARED_MARK, SHARED_MARK_ENV, shared_folders
from workflows.use_cases import jobs, lease
from workflows.use_cases.actor import Actor
from workflows.use_cases.jobs import Sent
from workflows.use_cases.ledger import open_ledger

# User-facing text, in one place (the catalog gives the Chinese).
NOT_SHARED = _(
    "the folder this machine sees is not the one duban deploy marked ({mark} missing or different):"
    " every worker must mount the same shared folder at the same path, or notices and reports land on"
    " different machines (see docs/prefect-server.md). This run writes nothing"
)
SEND_FAILED = _(
    "{failed} notices could not be sent (kept: the next run or duban send retries them; the rest were sent)"
)

# Flow-level retries of the scheduled flows: every step is safe to repeat (levels and notices are
# unique, notices are claimed before they are sent, reports are rewritten whole). A run refused
# outright (the lease, a folder, a missing config file) is retried too, and then ends Failed.
FLOW_RETRIES = 1
SYSTEM = Actor.system()  # who a flow acts as (the journal's "system")
FLOW_RETRY_DELAY = 120


class SendFailed(DubanError):
    """Some notices could not be sent: the flow run fails (after the others were sent) to show it."""


@contextmanager
def ledger() -> Iterator[tuple[Engine, Settings]]:
    """Settings from DUBAN_CONFIG / config.toml (the worker's own), and the ledger they name."""
    settings = load_settings()
    engine = open_ledger(settings.database_url)
    try:
        yield engine, settings
    finally:
        engine.dispose()


def day(as_of: dt.date | str | None) -> dt.date:
    """A flow's as-of parameter, within models.rules.bounds like every other face's."""
    if isinstance(as_of, dt.date):
        return bounds.check_date(as_of, "as_of")
    if as_of:
        return parse_date(as_of, what="as_of")
    return today(load_settings().timezone)


def start_scheduled_run(dry_run: bool) -> None:
    """Before a scheduled flow writes anything: the ledger's job lease for the deployments (refused
    while a `duban scheduler` runs the jobs), and, for a run of a deployment, the shared folders."""
    if dry_run:
        return
    from prefect.settings import get_current_settings

    with ledger() as (engine, settings):
        lease.take(engine, SYSTEM, kind=lease.PREFECT, owner=str(get_current_settings().api.url or "prefect"))
        check_shared_folders(settings)


def check_shared_folders(settings: Settings, mark: str | None = None) -> None:
    """Refuse to write where the folder is not the one `duban deploy` marked (a worker whose outbox
    is a folder of its own). Runs not started by a deployment carry no mark and are not checked."""
    mark = mark if mark is not None else os.environ.get(SHARED_MARK_ENV)
    if not mark:
        return
    for setting, folder in shared_folders(settings).items():
        try:
            seen = (Path(folder) / SHARED_MARK).read_text(encoding="utf-8").strip()
        except OSError:
            seen = ""
        if seen != mark:
            raise BadInput(NOT_SHARED.format(mark=SHARED_MARK), source=f"{setting} = {folder}")


@task(retries=2, retry_delay_seconds=60)
def send_notices(as_of: dt.date) -> Sent | None:
    """Send every queued notice (a send that failed stays queued for the retry or the next run);
    return what was sent and what failed."""
    with ledger() as (engine, settings):
        return jobs.send_pending(engine, settings, SYSTEM, as_of=as_of).sent


def fail_if_unsent(failed: int, lines: list[str]) -> None:
    """A run whose notices did not all go out ends Failed, not Completed (it sent the rest first)."""
    if failed:
        raise SendFailed("\n".join([SEND_FAILED.format(failed=failed), *lines]))


class Queued(Protocol):
    """What the escalate and digest jobs return: lines to print, and what their send did."""

    sent: Sent | None
    lines: list[str]

    @property
    def failed(self) -> int: ...


Q = TypeVar("Q", bound=Queued)


def queue_then_send(step: Callable[[dt.date, bool], Q], as_of: dt.date | str | None, dry_run: bool) -> Q:
    """The escalate and digest flows: take the lease, queue (the `step` task), send what is queued
    (a task of its own, so a failed send is retried without queueing again), print, and fail the
    run if a notice did not go out."""
    chosen = day(as_of)
    start_scheduled_run(dry_run)
    result = step(chosen, dry_run)
    if not dry_run:
        result.sent = send_notices(chosen)
    print("\n".join(result.lines))
    fail_if_unsent(result.failed, result.lines)
    return result
