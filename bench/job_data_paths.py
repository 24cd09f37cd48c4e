"""The escalation and digest jobs' data paths alone, without composing or sending the notices.

Run: `python bench/job_data_paths.py [--tasks 100000] [--db-dir var/bench] [--runs 3]`

On fresh copies of the cached SQLite ledger of bench/workflow_speed.py (as of 2025-07-01), each run
times: the first escalation's gathering of dues and its insert (the rows written and read back for
the messages, then committed); the next day's gathering of dues (all of them then already held or
passed over: the run that reads the ledger most for the least); the digest's collect_digests. What
the notices cost to compose (workflows.render) is left out, so these figures follow the SQL and the
row handling, which workflow_speed.py's totals drown under rendering. Medians are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from workflow_speed import AS_OF, cached_ledger, fresh_copy  # noqa: E402

from models.reads.digest import collect_digests  # noqa: E402
from models.reads.escalations import describe_inserted  # noqa: E402
from models.storage.db import open_ledger, read_session, write_session  # noqa: E402
from models.writes.escalations import insert_dues  # noqa: E402
from workflows.escalate import _all_dues, calendar_of  # noqa: E402


def one_run(source: Path, work: Path, name: str) -> dict[str, float]:
    url, settings = fresh_copy(source, work, name)
    engine = open_ledger(url)
    found: dict[str, float] = {}
    for label, day in (
        ("escalate (first run)", AS_OF),
        ("escalate (next day)", AS_OF + dt.timedelta(days=1)),
    ):
        args = {
            "as_of": day,
            "ladder": settings.escalation,
            "calendar": calendar_of(settings),
            "checkin_day": settings.checkin.day_of_month,
        }
        start = time.perf_counter()
        with write_session(engine) as session:
            dues, _lifecycle = _all_dues(session, settings, args, {})
            inserted = insert_dues(session, dues, as_of=day)
            sent = getattr(inserted, "sent", inserted)  # a list of rows before the Inserted record
            describe_inserted(session, [row for row in sent if not row[4]])
        found[f"{label}: dues, insert, describe"] = time.perf_counter() - start
        print(f"  {label}: {len(dues)} due", file=sys.stderr)
    start = time.perf_counter()
    with read_session(engine) as session:
        collect_digests(
            session,
            as_of=AS_OF,
            due_within=settings.digest.due_within_days,
            stale_days=settings.digest.stale_days,
        )
    found["digest: collect_digests"] = time.perf_counter() - start
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--db-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    source = cached_ledger(args.db_dir, args.tasks)
    with tempfile.TemporaryDirectory(prefix="duban-bench-") as temporary:
        runs = [one_run(source, Path(temporary), f"run{i}") for i in range(args.runs)]
    print(f"\n{args.tasks:,} tasks, as of {AS_OF.isoformat()} (SQLite, median of {args.runs})\n")
    for label in runs[0]:
        figures = [run[label] for run in runs]
        print(f"{label:45} {statistics.median(figures):8.2f}   ({', '.join(f'{f:.2f}' for f in figures)})")


if __name__ == "__main__":
    main()
