"""Escalate, digest and look-back on a synthetic ledger, with Prefect's own overhead shown apart.

Run: `python bench/workflow_speed.py [--tasks 100000] [--db-dir var/bench] [--no-prefect]
[--no-commands] [--runs 3] [--postgres [URL]]`

Each job runs on a fresh copy of a cached generated SQLite ledger (bench/ledger_gen.py, as of
2025-07-01, mid-year: about a fifth of the tasks overdue), notices going to an outbox folder. With
--postgres the ledger is generated once into a scratch PostgreSQL database (default server
127.0.0.1:5432) and each fresh copy is a database made from it as a template; all of them are
dropped at the end (only the plain job functions are run then). --runs repeats the plain jobs on
fresh copies and prints each figure's median:
- work: the plain job function, what `duban escalate|digest|lookback` and the scheduler run;
  escalate twice (the first run on a ledger that never escalated, then the next day's run);
- `duban …` command: the same job as a subprocess, start-up included (the issue's 2-second budget);
- Prefect: the same job as a Prefect flow under a temporary local Prefect server (what a flow call
  without a configured server does): the server's start-up, then each flow's wall time split into
  the job functions it ran (timed inside the flow) and the rest, Prefect's own overhead.
Nothing is asserted; the numbers go into the README by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ledger_gen import generate  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from models.settings import Settings, load_settings  # noqa: E402
from models.storage.db import open_ledger  # noqa: E402
from workflows.use_cases import jobs  # noqa: E402
from workflows.use_cases.actor import Actor  # noqa: E402

AS_OF = dt.date(2025, 7, 1)
SYSTEM = Actor.system()  # the jobs as the scheduler runs them


def cached_ledger(db_dir: Path, size: int) -> Path:
    path = db_dir / f"workflows-{size}.sqlite3"
    engine = open_ledger(f"sqlite:///{path}")
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM task")).scalar_one()
        escalated = connection.execute(text("SELECT count(*) FROM escalation")).scalar_one()
    if count != size or escalated:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = open_ledger(f"sqlite:///{path}")
        start = time.perf_counter()
        generate(engine, size)
        print(f"generated {size:,} tasks in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    with engine.connect() as connection:  # one file, no WAL beside it: safe to copy
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


class Scratch:
    """Scratch PostgreSQL databases on one server, all dropped by `drop_all`."""

    def __init__(self, server: str) -> None:
        self.server = make_url(server)
        self.admin = create_engine(self.server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self.prefix = f"duban_bench_{os.getpid()}"
        self.made: list[str] = []

    def create(self, name: str, template: str | None = None) -> str:
        database = f"{self.prefix}_{name}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(
                f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else "")
            )
        self.made.append(database)
        return self.server.set(database=database).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for database in reversed(self.made):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.admin.dispose()


def postgres_ledger(scratch: Scratch, size: int) -> str:
    """A generated ledger in a scratch database, to be copied as a template (so left unopened)."""
    url = scratch.create("source")
    engine = open_ledger(url)
    start = time.perf_counter()
    generate(engine, size)
    print(f"generated {size:,} tasks on PostgreSQL in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    with engine.begin() as connection:  # planner statistics, copied with the template
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return make_url(url).database  # type: ignore[return-value]


def fresh_copy(
    source: Path | str, work: Path, name: str, scratch: Scratch | None = None
) -> tuple[str, Settings]:
    folder = work / name
    folder.mkdir(parents=True)
    if scratch is not None:  # source is the template database's name
        url = scratch.create(name, template=str(source))
    else:
        target = folder / "ledger.sqlite3"
        shutil.copyfile(source, target)
        url = f"sqlite:///{target}"
    base = load_settings(ROOT / "config.toml")
    settings = base.model_copy(
        update={
            "database": base.database.model_copy(update={"url": url}),
            "notify": base.notify.model_copy(update={"outbox": str(folder / "outbox")}),
            "lookback": base.lookback.model_copy(update={"output": str(folder / "lookback")}),
        }
    )
    return url, settings


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def plain(
    source: Path | str,
    work: Path,
    name: str = "plain",
    scratch: Scratch | None = None,
    *,
    lookback: bool = True,
) -> dict[str, float]:
    found: dict[str, float] = {}
    url, settings = fresh_copy(source, work, name, scratch)
    engine = open_ledger(url)
    found["escalate (first run)"], result = timed(
        lambda: jobs.escalate(engine, settings, SYSTEM, as_of=AS_OF)
    )
    print("  " + "; ".join(result.lines[:3]), file=sys.stderr)  # type: ignore[attr-defined]
    nxt = AS_OF + dt.timedelta(days=1)
    found["escalate (next day)"], _ = timed(lambda: jobs.escalate(engine, settings, SYSTEM, as_of=nxt))
    found["digest"], result = timed(lambda: jobs.digest(engine, settings, SYSTEM, as_of=AS_OF))
    print("  " + result.lines[0], file=sys.stderr)  # type: ignore[attr-defined]
    if lookback:
        found["lookback (md, xlsx, docx)"], _ = timed(
            lambda: jobs.look_back(engine, settings, SYSTEM, as_of=AS_OF, year=2025)
        )
    engine.dispose()
    return found


def commands(source: Path, work: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    url, settings = fresh_copy(source, work, "cli")
    config = work / "cli" / "config.toml"
    import tomli_w

    config.write_text(
        tomli_w.dumps(
            {
                "notify": {"outbox": settings.notify.outbox},
                "lookback": {"output": settings.lookback.output},
            }
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "DUBAN_DATABASE_URL": url, "DUBAN_CONFIG": str(config)}
    duban = [sys.executable, "-m", "cli.main"]
    for label, argv in (
        ("duban escalate (first run)", ["escalate", "--as-of", AS_OF.isoformat()]),
        ("duban escalate (next day)", ["escalate", "--as-of", (AS_OF + dt.timedelta(days=1)).isoformat()]),
        ("duban digest", ["digest", "--as-of", AS_OF.isoformat()]),
        (
            "duban tasks --overdue (read only)",
            ["tasks", "--overdue", "--as-of", AS_OF.isoformat(), "-f", "csv"],
        ),
    ):
        found[label], _ = timed(
            lambda argv=argv: subprocess.run(
                [*duban, *argv], env=env, cwd=ROOT, check=True, capture_output=True
            )
        )
    return found


def _instrument() -> list[float]:
    """Time every job function the flows' tasks call (they call them through the module), so a
    flow's wall time splits into the work itself and what Prefect adds around it."""
    spent: list[float] = []
    for name in ("escalate", "digest", "lookback", "send_pending"):
        original = getattr(jobs, name)

        def timed_job(*args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - start)

        setattr(jobs, name, timed_job)
    return spent


def prefect(source: Path, work: Path) -> dict[str, float]:
    """The flows under a temporary local Prefect server (heartbeats off, as for a worker)."""
    os.environ.update(
        {
            "PREFECT_HOME": str(work / "prefect-home"),
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
    )
    found: dict[str, float] = {}
    found["import prefect"], _ = timed(lambda: __import__("prefect"))
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from workflows.flows import FLOWS

    spent = _instrument()
    harness = prefect_test_harness()
    found["temporary Prefect server start"], _ = timed(harness.__enter__)
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            for name, kwargs in (("escalate", {}), ("digest", {}), ("lookback", {"year": 2025})):
                url, settings = fresh_copy(source, work, f"flow-{name}")
                config = work / f"flow-{name}" / "config.toml"
                import tomli_w

                config.write_text(
                    tomli_w.dumps(
                        {
                            "notify": {"outbox": settings.notify.outbox},
                            "lookback": {"output": settings.lookback.output},
                        }
                    ),
                    encoding="utf-8",
                )
                os.environ["DUBAN_DATABASE_URL"], os.environ["DUBAN_CONFIG"] = url, str(config)
                spent.clear()
                wall, _ = timed(lambda name=name, kwargs=kwargs: FLOWS[name](as_of=AS_OF, **kwargs))
                found[f"{name} flow: work inside it"] = sum(spent)
                found[f"{name} flow: Prefect overhead"] = wall - sum(spent)
    finally:
        harness.__exit__(None, None, None)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--db-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument(
        "--no-prefect", action="store_true", help="Skip the Prefect part (it starts a server)."
    )
    parser.add_argument("--no-lookback", action="store_true", help="Skip the look-back job.")
    parser.add_argument("--no-commands", action="store_true", help="Skip the `duban …` subprocesses.")
    parser.add_argument(
        "--runs", type=int, default=1, help="Plain jobs: runs on fresh copies, medians shown."
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="Run the plain jobs on scratch PostgreSQL databases on this server (dropped after).",
    )
    args = parser.parse_args()
    scratch = Scratch(args.postgres) if args.postgres else None
    rows: list[tuple[str, float]] = []
    try:
        source: Path | str = (
            postgres_ledger(scratch, args.tasks) if scratch else cached_ledger(args.db_dir, args.tasks)
        )
        with tempfile.TemporaryDirectory(prefix="duban-bench-") as temporary:
            work = Path(temporary)
            runs = [
                plain(source, work, f"plain{i}", scratch, lookback=not args.no_lookback)
                for i in range(args.runs)
            ]
            for label in runs[0]:
                figures = [run[label] for run in runs]
                if len(figures) > 1:
                    print(f"  {label}: " + ", ".join(f"{f:.2f}" for f in figures), file=sys.stderr)
                rows.append((label, statistics.median(figures)))
            if not scratch and not args.no_commands:
                rows += commands(source, work).items()  # type: ignore[arg-type]
            if not scratch and not args.no_prefect:
                rows += prefect(source, work).items()  # type: ignore[arg-type]
    finally:
        if scratch:
            scratch.drop_all()
    backend = "PostgreSQL" if scratch else "SQLite"
    runs_note = f", median of {args.runs} runs" if args.runs > 1 else ""
    print(f"\n{args.tasks:,} tasks, as of {AS_OF.isoformat()} ({backend}{runs_note})\n")
    print(f"{'step':45} {'seconds':>8}")
    for label, seconds in rows:
        print(f"{label:45} {seconds:8.2f}")


if __name__ == "__main__":
    main()
