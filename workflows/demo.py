"""The quick-start demo: parse the seed plans, import them into a fresh SQLite ledger, show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.db import open_ledger, read_session, write_session
from models.ledger import update_task
from models.plan import ParsedPlan
from models.queries import PlanRow, TaskRow, UnitCount, list_plans, list_tasks, unit_counts
from parsing.sources import parse_source, plan_sources
from workflows.ingest import PLAN_SUFFIX, import_paths


@dataclass
class DemoResult:
    parsed: list[tuple[Path, ParsedPlan]]
    database: Path
    plans: list[PlanRow]
    overdue: list[TaskRow]
    units: list[UnitCount]
    as_of: dt.date


def run_demo(
    plans_dir: Path,
    database: Path,
    *,
    as_of: dt.date,
    max_bytes: int,
    progress: Callable[[str], None] = print,
) -> DemoResult:
    """Parse every document, import the reviewed plan files into a new ledger, report one day of it."""
    parsed = []
    for source in plan_sources(plans_dir):
        progress(f"parsing {source.name}")
        parsed.append((source, parse_source(source, max_bytes=max_bytes)))
    reviewed = sorted(plans_dir.glob(f"*{PLAN_SUFFIX}"))
    if database.exists():
        database.unlink()  # the demo always starts from an empty ledger
    for leftover in (database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    engine = open_ledger(f"sqlite:///{database}")
    progress(f"importing {len(reviewed)} reviewed plan files into {database}")
    import_paths(engine, reviewed, actor="demo", max_bytes=max_bytes)
    # A little life in the ledger: the office reports on the look-back task of the 2021 plan.
    with write_session(engine) as session:
        for row in list_tasks(session, as_of=as_of, due_soon_days=14, due_within=60)[:1]:
            update_task(
                session,
                row.code,
                actor="办公室",
                status="in_progress",
                progress=50,
                note="已汇总各处室落实情况",
            )
    with read_session(engine) as session:
        result = DemoResult(
            parsed=parsed,
            database=database,
            plans=list_plans(session, as_of=as_of),
            overdue=list_tasks(session, as_of=as_of, due_soon_days=14, overdue=True),
            units=unit_counts(session, as_of=as_of)[:10],
            as_of=as_of,
        )
    engine.dispose()
    return result
