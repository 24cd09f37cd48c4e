"""Issue 14's table, measured: each piece of work beside its floor, timed in the same run, as ratios.

Run: `python bench/floor_table.py [--tasks 100000] [--clients 50] [--requests 4] [--runs 5]
[--postgres [URL]] [--only overdue,pages,cli,digest,escalate,lookback]` (`--only jobs` for the three
jobs; `make bench` runs it at 100,000 tasks; `make bench BENCH_TASKS=1000000` at a million).

The floor is what the same facts cost with nothing of Duban around them, timed in the same run and
interleaved with the work, so load from elsewhere on the machine (it is shared) weighs on both:
- `tasks --overdue`: TaskQuery(overdue).rows() beside the bare SQL of the task columns through the
  raw sqlite3 driver (bench/ledger_speed.py's yardstick);
- ledger page and overview: p99 latency of 50 clients requesting the page at once from a real
  `duban serve` (one process unless --workers), beside the p99 of `/health` measured by the same
  clients on the same server just before (bench/dashboard_speed.py's server and load);
- CLI start: `duban --help`, `duban tasks` and `duban show T1` on the demo ledger (var/demo, made
  by `duban demo` if missing) beside a bare `python -c pass`, the median of --runs runs each.
- the jobs (digest, first escalation, the next day's escalation, look-back with its peak RSS): each
  through its use case on a fresh copy of the generated ledger (bench/workflow_speed.py's, 2,000
  units), beside the bare SQL gathering the same facts plus a minimal write of the same messages and
  files (bench/floor_jobs.py says what each floor is); --postgres adds every job's rows
  on a scratch database made from the same generated data, dropped at the end.
The ratio is what counts: the absolute figures move with the machine's load. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dashboard_speed import AS_OF as PAGE_AS_OF  # noqa: E402
from dashboard_speed import free_port, httpx_time, load, start_server  # noqa: E402
from dashboard_speed import ledger as served_ledger  # noqa: E402
from floor_jobs import JOBS  # noqa: E402
from floor_jobs import measure as measure_jobs  # noqa: E402
from ledger_speed import AS_OF, BARE_TASKS, medians_ms, sqlite_ledger  # noqa: E402
from tabulate import tabulate  # noqa: E402

from models.reads.task_query import TaskFilter, TaskQuery  # noqa: E402
from models.storage.db import read_session  # noqa: E402

DEMO = ROOT / "var" / "demo" / "ledger.sqlite3"
PAGES = {
    "ledger page (all, page 1)": f"/tasks?as_of={PAGE_AS_OF}",
    "ledger page (overdue, page 1)": f"/tasks?as_of={PAGE_AS_OF}&overdue=1",
    "overview": f"/?as_of={PAGE_AS_OF}",
}


@dataclass
class Row:
    work: str
    now_ms: float
    floor_ms: float
    floor: str
    unit: str = "ms"  # or "MB": the look-back's peak memory beside its floor's


GROUPS = ("overdue", "pages", "cli", *JOBS)
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def overdue_rows(db_dir: Path, size: int, runs: int) -> list[Row]:
    with sqlite_ledger(db_dir, size) as ledger:

        def overdue() -> int:
            with read_session(ledger.engine) as session:
                query = TaskQuery(session, TaskFilter(overdue=True), as_of=AS_OF, due_soon_days=7)
                return len(query.rows())

        (bare_ms, bare), (now_ms, found) = medians_ms([lambda: len(ledger.bare(BARE_TASKS)), overdue], runs)
    # The bare SQL knows only stored due dates: the recurring tasks whose current occurrence has
    # passed are the difference (it is the yardstick all the same, and a generous one).
    return [
        Row(f"`tasks --overdue` ({found:,} rows)", now_ms, bare_ms, f"bare SQL, task columns ({bare:,} rows)")
    ]


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def page_rows(db_dir: Path, size: int, clients: int, requests: int, workers: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="duban-floor-") as temporary:
        work = Path(temporary)
        database = served_ledger(db_dir, size, work)
        port = free_port()
        server = start_server(database, work, port, workers)
        base = f"http://127.0.0.1:{port}"
        try:
            for name, path in PAGES.items():
                httpx_time(base, path)  # alone first: the overview's figures are computed once
                health, health_errors, _ = asyncio.run(load(base, "/health", clients, requests))
                page, page_errors, _ = asyncio.run(load(base, path, clients, requests))
                if health_errors or page_errors:
                    raise SystemExit(f"{name}: errors {sorted(set(health_errors + page_errors))}")
                rows.append(Row(f"{name} p99, {clients} clients", p99(page), p99(health), "/health p99"))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return rows


def cli_rows(runs: int) -> list[Row]:
    duban = Path(sys.executable).with_name("duban")
    command = [str(duban)] if duban.exists() else [sys.executable, "-m", "cli.main"]
    env = {**os.environ, "DUBAN_DATABASE_URL": f"sqlite:///{DEMO}"}
    if not DEMO.exists():
        subprocess.run([*command, "demo", "--quiet"], cwd=ROOT, check=True, capture_output=True)

    def run(*argv: str) -> Callable[[], int]:
        def once() -> int:
            return subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True).returncode

        return once

    started = [
        ("`duban --help`", ("--help",)),
        ("`duban tasks`", ("tasks",)),
        ("`duban show T1`", ("show", "T1")),
    ]
    timed = medians_ms([run(sys.executable, "-c", "pass"), *(run(*command, *a) for _, a in started)], runs)
    floor_ms = timed[0][0]
    return [
        Row(f"{label} start (demo ledger)", ms, floor_ms, "`python -c pass`")
        for (label, _), (ms, _) in zip(started, timed[1:], strict=True)
    ]


def shown(ms: float, unit: str = "ms") -> str:
    if unit != "ms":
        return f"{ms:.0f} {unit}"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


def chosen_groups(value: str) -> set[str]:
    found = set()
    for name in filter(None, (part.strip() for part in value.split(","))):
        if name not in (*GROUPS, "jobs"):
            raise argparse.ArgumentTypeError(f"unknown rows {name!r}: choose among {', '.join(GROUPS)}, jobs")
        found |= set(JOBS) if name == "jobs" else {name}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=100_000, help="ledger size (1000000 for the 1M rows)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=4, help="requests per client and page")
    parser.add_argument("--workers", type=int, default=1, help="server processes (duban serve --workers)")
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (medians)")
    parser.add_argument("--db-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=POSTGRES,
        help=f"add the jobs' PostgreSQL rows on a scratch database of this server ({POSTGRES})",
    )
    parser.add_argument(
        "--only",
        type=chosen_groups,
        default=set(GROUPS),
        help=f"rows to measure, comma-separated: {', '.join(GROUPS)}, or jobs (the last three)",
    )
    args = parser.parse_args()
    args.db_dir.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    if "overdue" in args.only:
        rows += overdue_rows(args.db_dir, args.tasks, args.runs)
    if "pages" in args.only:
        rows += page_rows(args.db_dir, args.tasks, args.clients, args.requests, args.workers)
    if "cli" in args.only:
        rows += cli_rows(args.runs)
    if args.only & set(JOBS):
        found = measure_jobs(args.db_dir, args.tasks, args.only & set(JOBS), args.runs, args.postgres)
        rows += [Row(r.work, r.now, r.floor, r.floor_is, r.unit) for r in found]
    print(
        f"\n{args.tasks:,} tasks (SQLite unless said), {args.workers} server process(es), "
        f"{os.cpu_count()} cores; floors timed in the same run, medians of {args.runs}\n"
    )
    table = [
        [r.work, shown(r.now_ms, r.unit), shown(r.floor_ms, r.unit), f"{r.now_ms / r.floor_ms:.1f}x", r.floor]
        for r in rows
    ]
    print(tabulate(table, headers=["work", "now", "floor", "ratio", "floor is"], tablefmt="github"))


if __name__ == "__main__":
    main()
