"""Flow: queue the week's digests (per unit and for the office), then send the unsent ones."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task

from workflows.flows.common import FLOW_RETRIES, FLOW_RETRY_DELAY, SYSTEM, ledger, queue_then_send
from workflows.use_cases import jobs
from workflows.use_cases.jobs import Digested


@task(retries=2, retry_delay_seconds=30)
def queue_digests(as_of: dt.date, dry_run: bool) -> Digested:
    with ledger() as (engine, settings):
        return jobs.digest(engine, settings, SYSTEM, as_of=as_of, dry_run=dry_run, send=False)


@flow(name="duban-digest", log_prints=True, retries=FLOW_RETRIES, retry_delay_seconds=FLOW_RETRY_DELAY)
def digest_flow(as_of: dt.date | None = None, dry_run: bool = False) -> Digested:
    return queue_then_send(queue_digests, as_of, dry_run)
