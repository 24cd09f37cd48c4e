"""bench/floor_table.py's jobs' rows run end to end on a tiny generated ledger (no timing asserted:
only that each row is measured and printed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_floor_table_prints_the_jobs_rows(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "floor_table.py"),
            "--tasks",
            "300",
            "--only",
            "jobs",
            "--runs",
            "1",
            "--db-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "work" not in line]
    works = [row.split("|")[1].strip() for row in rows]
    assert [w.split(",")[0] for w in works] == [
        "digest",
        "first escalation",
        "escalation the next day",
        "look-back (docx",
        "look-back peak RSS",
    ], done.stdout
    assert all("300 tasks" in w for w in works), works
    assert works[-1].endswith("300 tasks") and " MB " in rows[-1], rows[-1]
