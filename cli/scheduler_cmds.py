"""`duban scheduler`: the in-process scheduler of the embedded setup."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from cli.tables import Format, render


def register(app: typer.Typer) -> None:
    app.command(name="scheduler")(reported(scheduler))


def scheduler(
    list_: Annotated[
        bool, typer.Option("--list", help="Show the jobs and their next runs, then exit.")
    ] = False,
) -> None:
    """Run escalate (daily), digest (weekly) and lookback (yearly) on the crons of config.toml until
    stopped (Ctrl-C). A run missed while this was not running is caught up once on start."""
    from workflows import scheduler as jobs_scheduler

    settings = context.settings()
    if list_:
        rows = [[j.name, j.cron, j.next_run] for j in jobs_scheduler.describe(settings)]
        print(render(["job", "cron", "next run"], rows, Format.table))
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"scheduler on {settings.database_url.split('///')[-1]} (Ctrl-C to stop)")
    jobs_scheduler.run(settings, stop=stop)
    print("scheduler stopped")
