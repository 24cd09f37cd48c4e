"""Flow: the year-end look-back of the as-of year's plans, written in the configured formats."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task

from workflows.flows.common import SYSTEM, day, ledger, start_scheduled_run
from workflows.use_cases import jobs
from workflows.use_cases.jobs import LookedBack


@task(retries=1, retry_delay_seconds=60)
def write_reports(as_of: dt.date, year: int | None, dry_run: bool) -> LookedBack:
    with ledger() as (engine, settings):
        return jobs.look_back(engine, settings, SYSTEM, as_of=as_of, year=year, dry_run=dry_run)


# One retry: the look-back is rewritten whole, so a second try is safe.
@flow(name="duban-lookback", log_prints=True, retries=1, retry_delay_seconds=60)
def lookback_flow(as_of: dt.date | None = None, year: int | None = None, dry_run: bool = False) -> LookedBack:
    start_scheduled_run(dry_run)
    result = write_reports(day(as_of), year, dry_run)
    print("\n".join(result.lines))
    return result
