"""What the flows share: the settings and ledger of the process they run in, and sending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from prefect import task
from sqlalchemy import Engine

from models.clock import today
from models.db import open_ledger
from models.settings import Settings, load_settings
from workflows import jobs


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
    if isinstance(as_of, dt.date):
        return as_of
    if as_of:
        return dt.date.fromisoformat(as_of)
    return today(load_settings().timezone)


@task(retries=2, retry_delay_seconds=60)
def send_notices(as_of: dt.date) -> list[str]:
    """Send every queued notice (a send that failed stays queued for the retry or the next run)."""
    with ledger() as (engine, settings):
        return jobs.send_pending(engine, settings, as_of=as_of).lines
