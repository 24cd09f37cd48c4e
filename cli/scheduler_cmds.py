"""`duban scheduler`: the in-process scheduler of the embedded setup."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from cli.tables import Format, render
from models.vocabulary.i18n import _

# User-facing text, in one place (the catalog gives the Chinese).
RUNNING = _("scheduler started, ledger {ledger} (Ctrl-C stops it)")
STOPPED = _("scheduler stopped")
LEASE_FREE = _("scheduled jobs' lease: held by no one")
LEASE_OF = _("scheduled jobs' lease: {holder} ({owner}), {until}")


def register(app: typer.Typer) -> None:
    app.command(name="scheduler")(reported(scheduler))


def scheduler(
    list_: Annotated[
        bool, typer.Option("--list", help=_("Show the jobs and their next runs, then exit."))
    ] = False,
    take_over: Annotated[
        bool,
        typer.Option(
            "--take-over",
            help=_("Take the jobs back from the Prefect deployments (pause or delete them first)."),
        ),
    ] = False,
) -> None:
    """Run escalate (daily), digest (weekly) and lookback (yearly) on the crons of config.toml until
    stopped (Ctrl-C). A run missed while this was not running is caught up once on start. Refuses to
    start while another scheduler or the Prefect deployments run the jobs of this ledger."""
    from sqlalchemy.engine import make_url

    from workflows import scheduler as jobs_scheduler

    settings = context.settings()
    if list_:
        rows = [[j.name, j.cron, j.next_run] for j in jobs_scheduler.describe(settings)]
        print(render(["job", "cron", "next run"], rows, Format.table))
        print(_lease_line())
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    # Never the password: the URL may carry one (DUBAN_DATABASE_URL).
    ledger = make_url(settings.database_url).render_as_string(hide_password=True)
    jobs_scheduler.run(
        settings,
        stop=stop,
        take_over=take_over,
        report=lambda line: print(line, flush=True),
        started=lambda: print(RUNNING.format(ledger=ledger), flush=True),
    )
    print(STOPPED)


def _lease_line() -> str:
    from models.reads.lease import holder

    engine = context.ledger()
    try:
        found = holder(engine)
    finally:
        engine.dispose()
    if found is None:
        return LEASE_FREE
    until = (
        _("until {time}").format(time=f"{found.expires_at.astimezone():%Y-%m-%d %H:%M:%S}")
        if found.expires_at
        else _("until handed back")
    )
    return LEASE_OF.format(holder=found.holder, owner=found.owner, until=until)
