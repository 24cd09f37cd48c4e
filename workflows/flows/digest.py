"""Flow: queue the week's digests (per unit and for the office), then send the unsent ones."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task

from workflows import jobs
from workflows.flows.common import day, ledger, send_notices


@task(retries=2, retry_delay_seconds=30)
def queue_digests(as_of: dt.date, dry_run: bool) -> list[str]:
    with ledger() as (engine, settings):
        return jobs.digest(engine, settings, as_of=as_of, dry_run=dry_run, send=False).lines


@flow(name="duban-digest", log_prints=True)
def digest_flow(as_of: dt.date | None = None, dry_run: bool = False) -> list[str]:
    chosen = day(as_of)
    lines = queue_digests(chosen, dry_run)
    if not dry_run:
        lines += send_notices(chosen)
    print("\n".join(lines))
    return lines
