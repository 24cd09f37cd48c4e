"""The quick-start demo: the seed plans through a whole plan year on a fresh SQLite ledger.

Parse every document, import the reviewed plan files, then walk the calendar from 1 January to the
look-back day: units report progress, finish or defer tasks on a fixed script derived from the
ledger itself (not from hand-picked task codes), escalation runs every day, four Monday digests go
out across the year, and the look-back closes it. Every notice lands in the demo's outbox folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from models.plan import ParsedPlan
from models.reads.escalations import level_counts
from models.reads.notices import sent_counts
from models.reads.queries import PlanRow, list_plans, unit_counts
from models.reads.tasks import year_points
from models.rules.deadlines import is_standing
from models.settings import Settings
from models.vocabulary.i18n import _
from parsing.sources import parse_source, plan_sources
from workflows.escalate import level_names
from workflows.ingest import PLAN_SUFFIX
from workflows.use_cases import jobs
from workflows.use_cases.actor import Actor
from workflows.use_cases.imports import import_plans
from workflows.use_cases.ledger import open_ledger, read_session
from workflows.use_cases.tasks import UnitRole, defer_task, schedule_task, update_task
from workflows.use_cases.users import add_user


@dataclass
class DemoResult:
    parsed: list[tuple[Path, ParsedPlan]]
    folder: Path
    database: Path
    year: int
    lookback_day: dt.date
    plans: list[PlanRow] = field(default_factory=list)
    actions: Counter[str] = field(default_factory=Counter)
    escalations: Counter[str] = field(default_factory=Counter)
    notices: Counter[str] = field(default_factory=Counter)
    digest_weeks: list[str] = field(default_factory=list)
    outbox: Path | None = None
    lookback_files: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # name, role, unit


DEMO_PASSWORD = "duban-demo"  # the demo's accounts only: a throwaway ledger on this machine
# Who acts in the demo: the script plays the units and the office (jobs, which may name the
# business day of a change); the accounts are made by whoever runs `duban demo`.
UNITS = Actor.system("demo")
OFFICE = Actor.system("office")
OPERATOR = Actor.operator("demo")
JOBS = Actor.system()  # escalation, digests and the look-back, as the scheduler runs them


def demo_accounts(engine: Engine) -> list[tuple[str, str, str]]:
    """One account of each role; the unit account belongs to the unit leading the most tasks."""
    with read_session(engine) as session:
        busiest = unit_counts(session, as_of=dt.date.today(), role=UnitRole.LEAD)
    unit = busiest[0].unit if busiest else None
    accounts = [("admin", "admin", ""), ("office", "office", ""), ("leader", "leader", "")]
    if unit:
        accounts.append(("unit", "unit", unit))
    for name, role, unit_name in accounts:
        add_user(engine, OPERATOR, name, role=role, unit=unit_name or None, password=DEMO_PASSWORD)
    return accounts


Action = Callable[..., object]


def digest_mondays(year: int) -> list[dt.date]:
    """The first Monday of March, June, September and November: four digests across the year."""
    found = []
    for month in (3, 6, 9, 11):
        day = dt.date(year, month, 1)
        found.append(day + dt.timedelta(days=(7 - day.weekday()) % 7))
    return found


def script(engine: Engine, year: int) -> dict[dt.date, list[tuple[str, str, dict]]]:
    """What the office and the units do and when, from each task's position and deadline. In the
    first week the office sets a due date for every point the document left undated (spread from
    March to October) or, for one in five, declares it standing work (长期坚持); then of the dated
    points a quarter finish early, a quarter report progress, a quarter ask for more time and a
    quarter stay silent and climb the ladder; ongoing and recurring points report every other month."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with read_session(engine) as session:
        tasks = year_points(session, year)
    plan: dict[dt.date, list[tuple[str, str, dict]]] = {}

    def at(day: dt.date, *event: tuple[str, str, dict]) -> None:
        plan.setdefault(min(max(day, start), end), []).extend(event)

    dated = []
    for index, (code, kind, due) in enumerate(tasks):
        if kind == "none" and index % 5 == 0:  # some the office declares standing work
            kind = "ongoing"
            at(dt.date(year, 1, 4), ("schedule", code, {"to": None, "note": "办公室明确为长期坚持事项"}))
        elif kind == "none":
            due = dt.date(year, 3 + index % 8, 20)
            at(dt.date(year, 1, 4), ("schedule", code, {"to": due, "note": "办公室明确完成时限"}))
        if due is not None and not is_standing(kind):
            dated.append((code, due))
        elif index % 2 == 0:
            for month in range(2, 12, 2):
                note = f"{month}月已按要求推进并报送"
                values = {"status": "in_progress", "progress": month * 8, "note": note}
                at(dt.date(year, month, 10), ("update", code, values))
    for index, (code, due) in enumerate(dated):
        bucket = index % 4
        if bucket == 0:
            at(due - dt.timedelta(days=5), ("update", code, {"status": "done", "note": "已按期完成"}))
        elif bucket == 1:
            values = {"status": "in_progress", "progress": 50, "note": "正在推进"}
            at(due - dt.timedelta(days=30), ("update", code, values))
        elif bucket == 2:
            values = {"to": due + dt.timedelta(days=45), "reason": "需协调相关单位，申请延期"}
            at(due - dt.timedelta(days=3), ("defer", code, values))
    return plan


def _apply(engine: Engine, day: dt.date, events: list[tuple[str, str, dict]], counts: Counter[str]) -> None:
    """The day's events, each through its use case (one transaction each), as the units and the
    office would make them; the script plays both, as a job that may name the business day."""
    for verb, code, values in events:
        if verb == "update":
            update_task(engine, UNITS, code, today=day, day=day, **values)
        elif verb == "schedule":
            schedule_task(engine, OFFICE, code, today=day, day=day, **values)
        else:
            defer_task(engine, UNITS, code, today=day, day=day, **values)
        counts[values.get("status", verb)] += 1


def days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def run_demo(
    plans_dir: Path,
    folder: Path,
    *,
    settings: Settings,
    year: int = 2021,
    progress: Callable[[str], None] = print,
) -> DemoResult:
    """Everything in `folder` (recreated): ledger.sqlite3, outbox/, lookback/."""
    parsed = []
    for source in plan_sources(plans_dir):
        progress(_("parsing {name}").format(name=source.name))
        limits = {"max_bytes": settings.plans.max_document_bytes, "archive_limits": settings.archives}
        parsed.append((source, parse_source(source, **limits)))
    if folder.exists():
        shutil.rmtree(folder)  # the demo always starts from nothing
    folder.mkdir(parents=True)
    database = folder / "ledger.sqlite3"
    demo_settings = settings.model_copy(
        update={
            "database": settings.database.model_copy(
                update={"url": f"sqlite:///{database}", "path": str(database)}
            ),
            "notify": settings.notify.model_copy(
                update={"outbox": str(folder / "outbox"), "retry_delay_seconds": 0.0}
            ),
            "lookback": settings.lookback.model_copy(update={"output": str(folder / "lookback")}),
            # The look-back reads its section titles from the documents beside the plan files.
            "plans": settings.plans.model_copy(update={"dir": str(plans_dir.resolve())}),
        }
    )
    engine = open_ledger(f"sqlite:///{database}")
    reviewed = sorted(plans_dir.glob(f"*{PLAN_SUFFIX}"))
    progress(
        _("importing {count} reviewed plan files into {database}").format(
            count=len(reviewed), database=database
        )
    )
    # Imported on 1 January of the plan year: the journal's business day, which the look-back shows
    # as a silent task's last update (not the day the demo happened to run).
    import_plans(engine, demo_settings, UNITS, reviewed, day=dt.date(year, 1, 1))
    lookback_day = _lookback_day(settings, year)
    result = DemoResult(parsed, folder, database, year, lookback_day, outbox=folder / "outbox")
    events = script(engine, year)
    mondays = set(digest_mondays(year))
    progress(
        _("walking {start} .. {end}: daily escalation, digests on {count} Mondays").format(
            start=f"{year}-01-01", end=lookback_day.isoformat(), count=len(mondays)
        )
    )
    for day in days(dt.date(year, 1, 1), lookback_day):
        if day in events:
            _apply(engine, day, events[day], result.actions)
        jobs.escalate(engine, demo_settings, JOBS, as_of=day)
        if day in mondays:
            digest = jobs.digest(engine, demo_settings, JOBS, as_of=day)
            result.digest_weeks.append(digest.week)
            progress(f"{day.isoformat()} {digest.lines[0]}")
        if day.day == 1:
            progress(f"{day.isoformat()} …")
    look = jobs.look_back(engine, demo_settings, JOBS, as_of=lookback_day, year=year)
    result.lookback_files = look.paths
    result.accounts = demo_accounts(engine)
    names = level_names(settings)  # the ladder's, 进展调度, 签收催办, 报送催办
    with read_session(engine) as session:
        result.plans = list_plans(session, as_of=lookback_day)
        for level, skipped, n in level_counts(session):
            name = names.get(level, level)  # the ladder's own words: 提醒, 逾期催办, 督办 …
            result.escalations[_("{level} (passed over)").format(level=name) if skipped else name] += n
        result.notices.update(sent_counts(session))
    engine.dispose()
    return result


def _lookback_day(settings: Settings, year: int) -> dt.date:
    """The day of the configured look-back cron ("0 9 30 11 *": 30 November) in the plan year."""
    fields = settings.schedule.lookback.split()
    try:
        return dt.date(year, int(fields[3]), int(fields[2]))
    except (ValueError, IndexError):
        return dt.date(year, 11, 30)
