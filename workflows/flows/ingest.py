"""Flow: documents -> reviewed plan files in plans/ -> the ledger."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task

from workflows.flows.common import day, ledger
from workflows.ingest import ingest_documents


@task(retries=1, retry_delay_seconds=10)
def ingest_task(paths: list[str], actor: str, as_of: dt.date) -> list[str]:
    with ledger() as (engine, settings):
        return ingest_documents(engine, settings, paths, actor=actor, day=as_of).lines


@flow(name="duban-ingest", log_prints=True)
def ingest_flow(paths: list[str], actor: str = "ingest", as_of: dt.date | None = None) -> list[str]:
    lines = ingest_task(paths, actor, day(as_of))
    print("\n".join(lines))
    return lines
