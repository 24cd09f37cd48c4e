"""How the ledger scales: import, `tasks --overdue` and per-unit counts on ledgers of N tasks.

Run: `python bench/ledger_speed.py [--sizes 10000,100000,1000000] [--db-dir var/bench]
[--postgres postgresql://postgres@127.0.0.1:5432/test]`

For each size and backend it times, as the median of --runs runs (after one warm-up for queries):
- import: models.writes.ledger.import_plan of a synthetic 10,000-task plan into the ledger of N tasks,
  the path `duban import` takes; the plan is deleted again (untimed) so every run starts at N;
- `tasks --overdue`: TaskQuery(overdue=True).rows(), beside the bare SQL it needs
  through the raw driver (sqlite3 / psycopg): the task columns alone, and the same rows TaskQuery
  returns (plan key, order, unit names). "ratio" is relative to the task-only SQL;
- per-unit counts: queries.unit_counts beside the same grouped SQL through the raw driver.
Nothing is asserted: the numbers go into the README by hand when they change.

Generated ledgers are cached: SQLite files in --db-dir (git-ignored var/), PostgreSQL databases
duban_bench_<N> on the --postgres server (dropped at the end unless --keep). A cache is reused when
it holds exactly N tasks. On this machine (2 cores) generating takes ~11 s for 100,000 tasks and
~3.5 min for 1,000,000 on SQLite (a 660 MB file); measuring a cached 1,000,000-task ledger takes
another ~4 min and ~0.5 GB of memory (TaskQuery returns ~207,000 rows there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from ledger_gen import generate, parsed_plan  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from models.plan import ParsedPlan  # noqa: E402
from models.reads.queries import unit_counts  # noqa: E402
from models.reads.task_query import TaskFilter, TaskQuery  # noqa: E402
from models.storage.db import open_ledger, read_session, write_session  # noqa: E402
from models.writes.ledger import import_plan  # noqa: E402

AS_OF = dt.date(2025, 7, 1)  # mid-year of the generated ledger: about a fifth of its tasks are overdue
IMPORT_KEY = "bench-import"

# The bare SQL, written as a person would by hand; {p} is the driver's placeholder. The date
# filter first (due_date < as_of), as in the issue; FALSE is understood by SQLite >= 3.23 too.
OVERDUE = "t.withdrawn = FALSE AND t.status NOT IN ('done', 'cancelled') AND t.due_date < {p}"
BARE_TASKS = (
    "SELECT t.id, t.code, t.path, t.title, t.status, t.progress, t.due_date, t.deadline_text, t.version"
    f" FROM task t WHERE {OVERDUE}"
)
BARE_ROWS = (
    "SELECT t.id, t.code, p.key, t.path, t.title, t.status, t.progress, t.due_date, t.deadline_text, t.version"
    f' FROM task t JOIN "plan" p ON p.id = t.plan_id WHERE {OVERDUE} ORDER BY t.due_date, p.key, t.position'
)
BARE_UNITS = (
    "SELECT a.task_id, a.role, u.name FROM assignment a JOIN task t ON t.id = a.task_id"
    f" JOIN unit u ON u.id = a.unit_id WHERE {OVERDUE} ORDER BY a.id"
)
BARE_COUNTS = (
    "SELECT u.name, count(*), sum(CASE WHEN t.status IN ('done', 'cancelled') THEN 0 ELSE 1 END),"
    " sum(CASE WHEN t.status NOT IN ('done', 'cancelled') AND t.due_date < {p} THEN 1 ELSE 0 END),"
    " sum(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END)"
    " FROM assignment a JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id"
    " WHERE t.withdrawn = FALSE GROUP BY u.name"
)


@dataclass
class Ledger:
    backend: str
    size: int
    engine: Engine
    raw: Any  # a DB-API connection to the same database: sqlite3 or psycopg
    placeholder: str  # "?" (sqlite3) or "%s" (psycopg)
    as_of: object  # the date as the raw driver wants it: SQLite stores dates as ISO text

    def bare(self, sql: str) -> list[Any]:
        query = sql.format(p=self.placeholder)
        return self.raw.execute(query, (self.as_of,) if self.placeholder in query else ()).fetchall()


# --- Preparing the ledgers -------------------------------------------------------------------


def remove_plan(engine: Engine, key: str) -> None:
    """Delete a plan with its tasks, assignments and journal (bench clean-up only: the app never deletes)."""
    with engine.execution_options(duban_write=True).begin() as connection:
        plan_id = connection.execute(text('SELECT id FROM "plan" WHERE key = :key'), {"key": key}).scalar()
        if plan_id is None:
            return
        tasks = "SELECT id FROM task WHERE plan_id = :plan"
        for sql in (
            f"DELETE FROM journal WHERE plan_id = :plan OR task_id IN ({tasks})",
            f"DELETE FROM assignment WHERE task_id IN ({tasks})",
            "DELETE FROM task WHERE plan_id = :plan",
            'DELETE FROM "plan" WHERE id = :plan',
        ):
            connection.execute(text(sql), {"plan": plan_id})


def _task_count(engine: Engine) -> int:
    remove_plan(engine, IMPORT_KEY)  # left behind by an interrupted run
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM task")).scalar_one()


def _generate(engine: Engine, size: int, where: str) -> None:
    start = time.perf_counter()
    generate(engine, size)
    print(f"generated {size:,} tasks in {where} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


@contextmanager
def sqlite_ledger(db_dir: Path, size: int) -> Iterator[Ledger]:
    path = db_dir / f"ledger-{size}.sqlite3"
    engine = open_ledger(f"sqlite:///{path}")
    count = _task_count(engine)
    if count not in (0, size):  # a generation that was interrupted: start again
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine, count = open_ledger(f"sqlite:///{path}"), 0
    if count == 0:
        _generate(engine, size, str(path))
    try:
        with closing(sqlite3.connect(path)) as raw:
            yield Ledger("sqlite", size, engine, raw, "?", AS_OF.isoformat())
    finally:
        engine.dispose()


@contextmanager
def postgres_ledger(server: str, size: int, *, keep: bool) -> Iterator[Ledger]:
    name = f"duban_bench_{size}"
    url = make_url(server.replace("postgresql+psycopg://", "postgresql://")).set(database=name)
    libpq = url.render_as_string(hide_password=False)  # psycopg takes a postgresql:// URI as it is
    with psycopg.connect(server.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            admin.execute(f'CREATE DATABASE "{name}"')
        engine = open_ledger(libpq)
        count = _task_count(engine)
        if count not in (0, size):  # a generation that was interrupted: start again
            engine.dispose()
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
            engine, count = open_ledger(libpq), 0
        if count == 0:
            _generate(engine, size, f"PostgreSQL database {name}")
        try:
            with psycopg.connect(libpq) as raw:
                yield Ledger("postgresql", size, engine, raw, "%s", AS_OF)
        finally:
            engine.dispose()
            if not keep:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


# --- Timing ----------------------------------------------------------------------------------


def medians_ms(actions: list[Callable[[], Any]], runs: int) -> list[tuple[float, Any]]:
    """Median ms and last result of each action, run round-robin after one warm-up each.

    Round-robin, so that load from elsewhere on the machine hits the ORM call and its bare SQL
    alike and the ratio between them stays meaningful.
    """
    results = [action() for action in actions]  # warm-up: page cache, compiled statements
    samples: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for i, action in enumerate(actions):
            start = time.perf_counter()
            results[i] = action()
            samples[i].append((time.perf_counter() - start) * 1000)
    return [(statistics.median(times), result) for times, result in zip(samples, results, strict=True)]


def time_import(ledger: Ledger, plan: ParsedPlan, runs: int) -> float:
    """Median ms of import_plan + commit; no warm-up: each run is a full, fresh import."""
    samples = []
    for _ in range(runs):
        remove_plan(ledger.engine, IMPORT_KEY)
        start = time.perf_counter()
        with write_session(ledger.engine) as session:
            report = import_plan(session, plan, key=IMPORT_KEY, actor="bench")
        samples.append((time.perf_counter() - start) * 1000)
        assert report.created == len(plan.tasks) and not report.new_units, report
    remove_plan(ledger.engine, IMPORT_KEY)
    return statistics.median(samples)


def measure(ledger: Ledger, plan: ParsedPlan, runs: int) -> Iterator[tuple[str, float, float | None, str]]:
    """(operation, median ms, ratio, note) rows for one ledger, as they are measured."""
    if plan.tasks:
        import_ms = time_import(ledger, plan, runs)
        yield (
            f"import {len(plan.tasks):,} tasks",
            import_ms,
            None,
            f"{len(plan.tasks) / import_ms * 1000:,.0f} tasks/s",
        )

    def overdue() -> int:
        with read_session(ledger.engine) as session:
            return len(TaskQuery(session, TaskFilter(overdue=True), as_of=AS_OF, due_soon_days=7).rows())

    def overdue_bare_rows() -> int:
        rows = ledger.bare(BARE_ROWS)
        ledger.bare(BARE_UNITS)
        return len(rows)

    (bare_ms, bare_rows), (full_ms, full_rows), (orm_ms, orm_rows) = medians_ms(
        [lambda: len(ledger.bare(BARE_TASKS)), overdue_bare_rows, overdue], runs
    )
    assert orm_rows == bare_rows == full_rows, (orm_rows, bare_rows, full_rows)
    yield "overdue: TaskQuery", orm_ms, orm_ms / bare_ms, f"{orm_rows:,} rows"
    yield "overdue: bare SQL, task columns", bare_ms, 1.0, "the issue's yardstick (<= 3x)"
    yield "overdue: bare SQL, same rows", full_ms, full_ms / bare_ms, "+ plan key, order, unit names"

    def counts() -> list[tuple[str, int, int, int, int]]:
        with read_session(ledger.engine) as session:
            return sorted(
                (c.unit, c.total, c.open, c.overdue, c.done) for c in unit_counts(session, as_of=AS_OF)
            )

    (counts_ms, by_orm), (bare_counts_ms, by_sql) = medians_ms(
        [counts, lambda: ledger.bare(BARE_COUNTS)], runs
    )
    assert by_orm == sorted((row[0], *(int(value) for value in row[1:])) for row in by_sql)
    yield "unit counts: unit_counts", counts_ms, counts_ms / bare_counts_ms, f"{len(by_orm):,} units"
    yield "unit counts: bare SQL", bare_counts_ms, 1.0, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated ledger sizes (tasks)")
    parser.add_argument("--db-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument(
        "--postgres", help="a PostgreSQL server URL, e.g. postgresql://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases for the next run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--import-tasks", type=int, default=10_000, help="tasks in the imported plan; 0 skips the import"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    plan = parsed_plan(args.import_tasks)
    ledgers: list[Callable[[int], Any]] = [lambda size: sqlite_ledger(args.db_dir, size)]
    if args.postgres:
        ledgers.append(lambda size: postgres_ledger(args.postgres, size, keep=args.keep))
    print(f"{'size':>10} {'backend':10} {'operation':34} {'median ms':>10} {'ratio':>6}  note")
    for size in sizes:
        for open_ledger_of in ledgers:
            start = time.perf_counter()
            with open_ledger_of(size) as ledger:
                for operation, ms, ratio, note in measure(ledger, plan, args.runs):
                    shown = f"{ratio:.2f}" if ratio is not None else ""
                    print(
                        f"{size:>10,} {ledger.backend:10} {operation:34} {ms:>10.1f} {shown:>6}  {note}",
                        flush=True,
                    )
            print(
                f"({size:,} on {ledger.backend}: {time.perf_counter() - start:.0f} s in all)", file=sys.stderr
            )


if __name__ == "__main__":
    main()
