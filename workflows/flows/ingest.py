"""Flow: documents -> reviewed plan files in plans/ -> the ledger."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task

from workflows.flows.common import day, ledger
from workflows.ingest import IngestResult
from workflows.use_cases.actor import Actor
from workflows.use_cases.imports import ingest_documents


@task(retries=1, retry_delay_seconds=10)
def ingest_task(paths: list[str], actor: str, as_of: dt.date) -> IngestResult:
    with ledger() as (engine, settings):
        return ingest_documents(engine, settings, Actor.system(actor), list(paths), day=as_of)


@flow(name="duban-ingest", log_prints=True)
def ingest_flow(paths: list[str], actor: str = "ingest", as_of: dt.date | None = None) -> IngestResult:
    result = ingest_task(paths, actor, day(as_of))
    print("\n".join(result.lines))
    return result
