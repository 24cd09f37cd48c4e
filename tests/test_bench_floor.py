"""bench/floor_table.py's jobs' rows run end to end on a tiny generated ledger (no timing asserted:
only that each row is measured and printed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def floor_table(tmp_path: Path, *argv: str) -> tuple[list[str], list[str], str]:
    """bench/floor_table.py run at 300 tasks with `argv`: its table's rows, each row's work, stdout."""
    base = ["--tasks", "300", "--runs", "1", "--db-dir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "floor_table.py"), *base, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "work" not in line]
    return rows, [row.split("|")[1].strip() for row in rows], done.stdout


def test_floor_table_prints_the_jobs_rows(tmp_path: Path) -> None:
    rows, works, stdout = floor_table(tmp_path, "--only", "jobs")
    assert [w.split(",")[0] for w in works] == [
        "digest",
        "first escalation",
        "escalation the next day",
        "look-back (docx",
        "look-back peak RSS",
    ], stdout
    assert all("300 tasks" in w for w in works), works
    assert works[-1].endswith("300 tasks (SQLite)") and " MB " in rows[-1], rows[-1]


def test_floor_table_prints_the_lookback_rows_on_postgresql(tmp_path: Path) -> None:
    """--postgres: the look-back on a scratch database beside its floor in PostgreSQL's spelling."""
    from conftest import POSTGRES
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # the server is not there
        if os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but not reachable at {POSTGRES}: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES}")
    finally:
        admin.dispose()
    rows, works, stdout = floor_table(tmp_path, "--only", "lookback", "--postgres", POSTGRES)
    assert works == [
        "look-back (docx, md, xlsx), 300 tasks (SQLite)",
        "look-back peak RSS, 300 tasks (SQLite)",
        "look-back (docx, md, xlsx), 300 tasks (PostgreSQL)",
        "look-back peak RSS, 300 tasks (PostgreSQL)",
    ], stdout
    assert "psycopg" in rows[-1], rows[-1]
