"""Flow: raise the escalation levels due, then send the queued notices (two tasks, set-based)."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task

from workflows import jobs
from workflows.flows.common import day, ledger, send_notices


@task(retries=2, retry_delay_seconds=30)
def raise_levels(as_of: dt.date, dry_run: bool) -> list[str]:
    with ledger() as (engine, settings):
        return jobs.escalate(engine, settings, as_of=as_of, dry_run=dry_run, send=False).lines


@flow(name="duban-escalate", log_prints=True)
def escalate_flow(as_of: dt.date | None = None, dry_run: bool = False) -> list[str]:
    chosen = day(as_of)
    lines = raise_levels(chosen, dry_run)
    if not dry_run:
        lines += send_notices(chosen)
    print("\n".join(lines))
    return lines
