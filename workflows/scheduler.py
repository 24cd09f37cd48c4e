"""`duban scheduler`: escalate, digest and lookback on cron, in-process, with APScheduler 3.

The embedded setup's scheduler: one process, jobs kept in a SQLite job store so a run missed while
the process was down is caught up once on start (coalesce, and a grace time of days rather than
APScheduler's default one second). The scheduler starts paused and adds a job only when the store
lacks it: `add_job(replace_existing=True)` would recompute the next run time and silently drop the
missed run. Day names in the cron fields, because APScheduler 3 counts weekday numbers from Monday.

In the Prefect-server setup the same jobs are deployments (`duban deploy`). The two never run
together: the scheduler holds the ledger's job lease (workflows.use_cases.lease) while it runs and renews it;
it refuses to start while another scheduler or the deployments hold it, and a job whose scheduler
no longer holds it (taken over after a stall) does not fire: the scheduler stops instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from models.clock import today
from models.errors import BadInput
from models.settings import Settings, load_settings
from models.vocabulary import N_, _
from workflows.deploy import check_cron, config_path
from workflows.use_cases import lease
from workflows.use_cases.actor import Actor
from workflows.use_cases.ledger import open_ledger

if TYPE_CHECKING:
    from workflows.use_cases.jobs import JobResult

log = logging.getLogger("duban.scheduler")
RUN_TARGET = "workflows.scheduler:run_scheduled"  # by name: the job store keeps a reference, not code
# User-facing text (Simplified Chinese).
JOB_NAMES = ("escalate", "digest", "lookback")
SYSTEM = Actor.system()  # who the scheduled jobs act as (the journal's "system")
LEASE_LOST = _(
    "the scheduler has lost the lease on the ledger's scheduled jobs (another scheduler or the Prefect"
    " deployments took over): it fires no more jobs and stops"
)


@dataclass
class _Held:
    """While `run` runs in this process: the ledger, the lease owner and the stop event, for the
    jobs' check (the job store keeps only a job's name, so the jobs find the lease here)."""

    engine: Engine
    owner: str
    seconds: int
    stop: threading.Event
    report: Callable[[str], None]


_HELD: list[_Held] = []  # at most one


def trigger_of(settings: Settings, name: str) -> CronTrigger:
    # The check `duban deploy` makes too: a weekday number would fire a day late here.
    expression = check_cron(settings, name)
    try:
        return CronTrigger.from_crontab(expression, timezone=ZoneInfo(settings.timezone))
    except ValueError as error:
        raise BadInput(
            _("schedule.{name}: bad cron expression {expression!r}: {error}").format(
                name=name, expression=expression, error=error
            ),
            source=config_path(),
            code="config.invalid",
            field=f"schedule.{name}",
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
    change: str  # "added", "kept", "rescheduled (cron changed)": msgids, translated when shown


def install(scheduler: BackgroundScheduler, settings: Settings, *, target: str = RUN_TARGET) -> list[JobInfo]:
    """Make the store hold one job per name with the configured cron. Call while paused."""
    found = []
    for name in JOB_NAMES:
        trigger = trigger_of(settings, name)
        job = scheduler.get_job(name)
        if job is None:
            job = scheduler.add_job(target, trigger=trigger, args=[name], id=name, name=name)
            change = N_("added")
        elif str(job.trigger) != str(trigger):
            # The cron was edited: the new schedule wins, and a run missed under the old one is dropped.
            job = scheduler.reschedule_job(name, trigger=trigger)
            change = N_("rescheduled (cron changed)")
        else:
            change = N_("kept")
        found.append(JobInfo(name, getattr(settings.schedule, name), _next(job), change))
    return found


def _next(job) -> str:  # type: ignore[no-untyped-def]
    when = getattr(job, "next_run_time", None)
    return when.isoformat(timespec="minutes") if when else _("paused")


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
                _next(stored[name]) if name in stored else _("not installed"),
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
    take_over: bool = False,
    lease_seconds: int = lease.LEASE_SECONDS,
    started: Callable[[], None] | None = None,
) -> None:
    """Run until `stop` is set (Ctrl-C / SIGTERM in the CLI), then finish the job in hand.

    Takes the ledger's job lease first (raises LeaseHeld if another scheduler or the Prefect
    deployments hold it; take_over takes it from the deployments) and renews it every quarter of
    `lease_seconds`; gives it back on the way out."""
    engine = open_ledger(settings.database_url)
    owner = lease.scheduler_owner()
    try:
        lease.take(
            engine, SYSTEM, kind=lease.SCHEDULER, owner=owner, seconds=lease_seconds, take_over=take_over
        )
    except BaseException:
        engine.dispose()
        raise
    _HELD[:] = [_Held(engine, owner, lease_seconds, stop, report)]
    keeper = threading.Thread(target=_keep_lease, args=(stop, lease_seconds), name="duban-lease", daemon=True)
    keeper.start()
    scheduler = build(settings)
    scheduler.start(paused=True)
    try:
        for info in install(scheduler, settings, target=target):
            report(f"{info.name:9} {info.cron:16} {_('next')} {info.next_run}  ({_(info.change)})")
        if started:
            started()
        scheduler.resume()  # a missed run is due now and starts at once
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        _HELD.clear()
        keeper.join(timeout=5)
        try:
            lease.release(engine, SYSTEM, owner)
        except Exception:  # the ledger is gone: the lease expires by itself
            log.exception("could not release the job lease")
        engine.dispose()


def _keep_lease(stop: threading.Event, seconds: int) -> None:
    """Renew the lease until stopped; stop the scheduler if it was taken over meanwhile."""
    while not stop.wait(seconds / 4) and _still_held():
        pass


def _still_held() -> bool:
    """True if this process's scheduler still holds the lease (renewed now), or runs without one."""
    if not _HELD:
        return True
    held = _HELD[0]
    try:
        ours = lease.renew(held.engine, SYSTEM, held.owner, seconds=held.seconds)
    except Exception:  # the ledger did not answer: try again later (the lease may expire meanwhile)
        log.exception("could not renew the job lease")
        return True
    if not ours:
        log.error(LEASE_LOST)
        held.report(LEASE_LOST)
        held.stop.set()
    return ours


def run_scheduled(name: str) -> None:
    """What a scheduled job runs: today's job against the configured ledger. A failure is logged
    (APScheduler catches it) and the next scheduled run tries again. Nothing runs if this process's
    scheduler has lost the job lease."""
    if not _still_held():
        return

    result = run_job(name)
    for line in result.lines:
        log.info("%s: %s", name, line)
    print("\n".join(f"[{name}] {line}" for line in result.lines), flush=True)


def run_job(name: str, *, as_of: dt.date | None = None, settings: Settings | None = None) -> JobResult:
    """Run one job the way the scheduler does: settings from config.toml, today in its time zone,
    the job's use case acted by the system."""
    from workflows.use_cases import jobs  # lazily: apprise and the report libraries cost a second

    settings = settings or load_settings()
    runners = {"escalate": jobs.escalate, "digest": jobs.digest, "lookback": jobs.look_back}
    engine = open_ledger(settings.database_url)
    try:
        return runners[name](engine, settings, SYSTEM, as_of=as_of or today(settings.timezone))
    finally:
        engine.dispose()
