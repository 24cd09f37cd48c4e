"""Flow: raise the escalation levels due, then send the queued notices (two tasks, set-based)."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task

from workflows.flows.common import FLOW_RETRIES, FLOW_RETRY_DELAY, SYSTEM, ledger, queue_then_send
from workflows.use_cases import jobs
from workflows.use_cases.jobs import Escalated


@task(retries=2, retry_delay_seconds=30)
def raise_levels(as_of: dt.date, dry_run: bool) -> Escalated:
    with ledger() as (engine, settings):
        return jobs.escalate(engine, settings, SYSTEM, as_of=as_of, dry_run=dry_run, send=False)


@flow(name="duban-escalate", log_prints=True, retries=FLOW_RETRIES, retry_delay_seconds=FLOW_RETRY_DELAY)
def escalate_flow(as_of: dt.date | None = None, dry_run: bool = False) -> Escalated:
    return queue_then_send(raise_levels, as_of, dry_run)
