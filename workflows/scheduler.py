"""`duban scheduler`: escalate, digest and lookback on cron, in-process, with APScheduler 3.

The embedded setup's scheduler: one process, jobs kept in a SQLite job store so a run missed while
the process was down is caught up once on start (coalesce, and a grace time of days rather than
APScheduler's default one second). The scheduler starts paused and adds a job only when the store
lacks it: `add_job(replace_existing=True)` would recompute the next run time and silently drop the
missed run. Day names in the cron fields, because APScheduler 3 counts weekday numbers from Monday.

In the Prefect-server setup the same jobs are deployments (`duban deploy`); do not run both.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from models.errors import BadInput
from models.settings import Settings
from workflows.deploy import check_cron, config_path
from workflows.jobs import JOB_NAMES

log = logging.getLogger("duban.scheduler")
RUN_TARGET = "workflows.scheduler:run_scheduled"  # by name: the job store keeps a reference, not code


def trigger_of(settings: Settings, name: str) -> CronTrigger:
    # The check `duban deploy` makes too: a weekday number would fire a day late here.
    expression = check_cron(settings, name)
    try:
        return CronTrigger.from_crontab(expression, timezone=ZoneInfo(settings.timezone))
    except ValueError as error:
        raise BadInput(
            f"schedule.{name}: bad cron expression {expression!r}: {error}", source=config_path()
        ) from None


def build(settings: Settings) -> BackgroundScheduler:
    jobstore = settings.resolve(settings.schedule.jobstore)
    jobstore.parent.mkdir(parents=True, exist_ok=True)
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobstore}")},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.schedule.misfire_grace_days * 86400,
        },
        timezone=ZoneInfo(settings.timezone),
    )


@dataclass
class JobInfo:
    name: str
    cron: str
    next_run: str
    change: str  # "added", "kept", "rescheduled (cron changed)"


def install(scheduler: BackgroundScheduler, settings: Settings, *, target: str = RUN_TARGET) -> list[JobInfo]:
    """Make the store hold one job per name with the configured cron. Call while paused."""
    found = []
    for name in JOB_NAMES:
        trigger = trigger_of(settings, name)
        job = scheduler.get_job(name)
        if job is None:
            job = scheduler.add_job(target, trigger=trigger, args=[name], id=name, name=name)
            change = "added"
        elif str(job.trigger) != str(trigger):
            # The cron was edited: the new schedule wins, and a run missed under the old one is dropped.
            job = scheduler.reschedule_job(name, trigger=trigger)
            change = "rescheduled (cron changed)"
        else:
            change = "kept"
        found.append(JobInfo(name, getattr(settings.schedule, name), _next(job), change))
    return found


def _next(job) -> str:  # type: ignore[no-untyped-def]
    when = getattr(job, "next_run_time", None)
    return when.isoformat(timespec="minutes") if when else "paused"


def describe(settings: Settings) -> list[JobInfo]:
    """The stored jobs and their next runs, without running anything."""
    scheduler = build(settings)
    scheduler.start(paused=True)
    try:
        stored = {job.id: job for job in scheduler.get_jobs()}
        return [
            JobInfo(
                name,
                getattr(settings.schedule, name),
                _next(stored[name]) if name in stored else "not installed",
                "",
            )
            for name in JOB_NAMES
        ]
    finally:
        close_paused(scheduler)


def close_paused(scheduler: BackgroundScheduler) -> None:
    """Shut a scheduler that was only looked at. Its job store is detached first: a scheduler thread
    woken during shutdown would otherwise process due jobs with its executors already gone, which
    fails them and moves their next run on, silently dropping a missed run."""
    scheduler.remove_jobstore("default", shutdown=True)  # the jobs stay in the database
    scheduler.shutdown(wait=False)


def run(
    settings: Settings,
    *,
    stop: threading.Event,
    target: str = RUN_TARGET,
    report: Callable[[str], None] = print,
) -> None:
    """Run until `stop` is set (Ctrl-C / SIGTERM in the CLI), then finish the job in hand."""
    scheduler = build(settings)
    scheduler.start(paused=True)
    try:
        for info in install(scheduler, settings, target=target):
            report(f"{info.name:9} {info.cron:16} next {info.next_run}  ({info.change})")
        scheduler.resume()  # a missed run is due now and starts at once
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)


def run_scheduled(name: str) -> None:
    """What a scheduled job runs: today's job against the configured ledger. A failure is logged
    (APScheduler catches it) and the next scheduled run tries again."""
    from workflows.jobs import run_job

    result = run_job(name)
    for line in result.lines:
        log.info("%s: %s", name, line)
    print("\n".join(f"[{name}] {line}" for line in result.lines), flush=True)
