"""The three recurring jobs as the scheduler, the flows and the demo run them: the use cases of
workflows.use_cases.jobs, acted by the system.

Keeping them free of Prefect is the design choice that lets the embedded default answer in well
under two seconds: a Prefect flow with no server starts a temporary API server first (8 s or more,
see README, "Why the commands do not go through Prefect"). The Prefect flows in workflows/flows call these same steps as tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine

from models.clock import today
from models.settings import Settings, load_settings
from models.storage.db import open_ledger
from workflows.use_cases import jobs as use_cases
from workflows.use_cases.actor import Actor
from workflows.use_cases.jobs import Digested, Escalated, JobResult, LookedBack, SentPending

__all__ = ["JOB_NAMES", "JobResult", "digest", "escalate", "lookback", "run_job", "send_pending"]

JOB_NAMES = ("escalate", "digest", "lookback")
SYSTEM = Actor.system("system")
Progress = Callable[[str], None] | None


def escalate(
    engine: Engine,
    settings: Settings,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    send: bool = True,
    progress: Progress = None,
    actor: Actor = SYSTEM,
) -> Escalated:
    return use_cases.escalate(
        engine, settings, actor, as_of=as_of, dry_run=dry_run, send=send, progress=progress
    )


def digest(
    engine: Engine,
    settings: Settings,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    send: bool = True,
    progress: Progress = None,
    actor: Actor = SYSTEM,
) -> Digested:
    return use_cases.digest(
        engine, settings, actor, as_of=as_of, dry_run=dry_run, send=send, progress=progress
    )


def lookback(
    engine: Engine,
    settings: Settings,
    *,
    as_of: dt.date,
    year: int | None = None,
    dry_run: bool = False,
    progress: Progress = None,
    actor: Actor = SYSTEM,
) -> LookedBack:
    """The look-back of a year's plans (the as-of year by default), in the configured formats."""
    return use_cases.look_back(engine, settings, actor, as_of=as_of, year=year or as_of.year, dry_run=dry_run)


def send_pending(
    engine: Engine,
    settings: Settings,
    *,
    as_of: dt.date,
    progress: Progress = None,
    actor: Actor = SYSTEM,
) -> SentPending:
    """Send whatever is still queued (notices that failed on an earlier run)."""
    return use_cases.send_pending(engine, settings, actor, as_of=as_of, progress=progress)


RUNNERS: dict[str, Callable[..., JobResult]] = {"escalate": escalate, "digest": digest, "lookback": lookback}


def run_job(name: str, *, as_of: dt.date | None = None, settings: Settings | None = None) -> JobResult:
    """Run one job the way the scheduler does: settings from config.toml, today in its time zone."""
    settings = settings or load_settings()
    engine = open_ledger(settings.database_url)
    try:
        return RUNNERS[name](engine, settings, as_of=as_of or today(settings.timezone))
    finally:
        engine.dispose()
