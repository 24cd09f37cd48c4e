"""The look-back and its floor, each alone in a process, so the parent reads each one's peak memory.

Run by bench/floor_jobs.py (not by hand), through `python bench/floor_child.py measure …`:
  `python bench/floor_child.py job <ledger.sqlite3> <output folder> <year> <as-of>`
  `python bench/floor_child.py floor <ledger.sqlite3> <output folder> <year> <as-of> <files to match>`
Each prints the seconds its work took (imports and setup left out: the CLI rows measure start-up),
the job also its helper processes' peak RSS added up and its own (KiB); `measure` runs one of them
and prints its seconds and peak RSS (KiB, os.wait4; the job's with its helpers'). Only the standard
library is imported at the top, so the floor's process carries nothing of Duban: its peak is
Python, sqlite3 and the rows.
"""

from __future__ import annotations

import ctypes
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The facts the look-back is made of, as bare SQL: the grouped counts (by plan, by top-level section,
# by unit and role; each split by status and by lateness) and the per-task list it lays out (every
# task of the year with its lead units), plus each task's last journal entry (last update, reason).
_SCOPE = "FROM task t JOIN plan p ON p.id = t.plan_id WHERE p.year = ? AND t.withdrawn = 0"
LOOKBACK_SQL = [
    f"SELECT t.plan_id, t.status, t.due_date < ?, t.deadline_type, count(*) {_SCOPE} GROUP BY 1, 2, 3, 4",
    "SELECT t.plan_id, substr(t.path_key, 1, instr(t.path_key || '/', '/') - 1), t.status,"
    f" t.due_date < ?, count(*) {_SCOPE} GROUP BY 1, 2, 3, 4",
    "SELECT u.name, a.role, t.status, t.due_date < ?, count(*) FROM assignment a"
    " JOIN task t ON t.id = a.task_id JOIN plan p ON p.id = t.plan_id JOIN unit u ON u.id = a.unit_id"
    " WHERE p.year = ? AND t.withdrawn = 0 GROUP BY 1, 2, 3, 4",
    "SELECT t.id, t.code, p.key, t.path_key, t.title, t.status, t.progress, t.due_date, t.deadline_type,"
    " t.deadline_text, t.progress_note, group_concat(u.name, '、') FROM task t JOIN plan p ON p.id = t.plan_id"
    " LEFT JOIN assignment a ON a.task_id = t.id AND a.role = 'lead' LEFT JOIN unit u ON u.id = a.unit_id"
    " WHERE p.year = ? AND t.withdrawn = 0 GROUP BY t.id ORDER BY p.key, t.position",
    "SELECT j.task_id, max(j.at), max(j.day) FROM journal j JOIN task t ON t.id = j.task_id"
    " JOIN plan p ON p.id = t.plan_id WHERE p.year = ? GROUP BY j.task_id",
]
# The parameters of each statement, in order: y = the year, d = the as-of date.
_PARAMS = ["dy", "dy", "dy", "y", "y"]
# The same statements in PostgreSQL's spelling (its booleans, split_part, string_agg; a grouped
# plan key must be grouped by).
LOOKBACK_SQL_PG = [
    sql.replace("?", "%s")
    .replace("t.withdrawn = 0", "t.withdrawn = false")
    .replace("substr(t.path_key, 1, instr(t.path_key || '/', '/') - 1)", "split_part(t.path_key, '/', 1)")
    .replace("group_concat(u.name, '、')", "string_agg(u.name, '、' ORDER BY a.id)")
    .replace("GROUP BY t.id ORDER BY", "GROUP BY t.id, p.key ORDER BY")
    .replace("t.due_date < %s", "t.due_date < %s::date")
    for sql in LOOKBACK_SQL
]


def syncfs(folder: Path) -> None:
    """One flush of the file system holding `folder` (what Duban's outbox does per batch), or an
    fsync of each file where syncfs is missing."""
    libc = ctypes.CDLL(None, use_errno=True)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        if getattr(libc, "syncfs", None) is None or libc.syncfs(descriptor) != 0:
            for path in folder.rglob("*"):
                if path.is_file():
                    with path.open("rb") as handle:
                        os.fsync(handle.fileno())
    finally:
        os.close(descriptor)


def lookback_floor(database: str, output: Path, year: int, as_of: str, contents: list[bytes]) -> int:
    """The look-back's facts through the raw driver (sqlite3 for a file, psycopg for a PostgreSQL
    URL), then files of the same bytes written and synced."""
    rows = 0
    if database.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database) as raw:
            for sql, params in zip(LOOKBACK_SQL_PG, _PARAMS, strict=True):
                rows += len(raw.execute(sql, [year if p == "y" else as_of for p in params]).fetchall())
    else:
        with sqlite3.connect(database) as raw:
            for sql, params in zip(LOOKBACK_SQL, _PARAMS, strict=True):
                rows += len(raw.execute(sql, [year if p == "y" else as_of for p in params]).fetchall())
    output.mkdir(parents=True, exist_ok=True)
    for index, data in enumerate(contents):
        (output / f"floor-{index}").write_bytes(data)
    syncfs(output)
    return rows


def lookback_job(database: str, output: Path, year: int, as_of: str) -> tuple[float, int]:
    """The look-back through its use case: its seconds, and the peak memory (KiB) of the processes
    that wrote its formats beside this one, added up (0 when it wrote them all itself)."""
    import datetime as dt

    sys.path.insert(0, str(ROOT))
    from models.settings import load_settings
    from models.storage.db import open_ledger
    from workflows.use_cases import jobs
    from workflows.use_cases.actor import Actor

    base = load_settings(ROOT / "config.toml")
    url = database if database.startswith("postgresql") else f"sqlite:///{database}"
    settings = base.model_copy(
        update={
            "database": base.database.model_copy(update={"url": url}),
            "lookback": base.lookback.model_copy(update={"output": str(output)}),
        }
    )
    engine = open_ledger(url)
    start = time.perf_counter()
    done = jobs.look_back(engine, settings, Actor.system(), as_of=dt.date.fromisoformat(as_of), year=year)
    return time.perf_counter() - start, done.helper_peak_kib


def measured(argv: list[str]) -> str:
    """Run this script with `argv` as a child of this small process; its seconds and peak RSS (KiB):
    the child's own, plus what its helper processes peaked at, added up, when it says (the look-back
    writes its formats side by side: the memory of the job is all of theirs together).

    Not straight from the benchmark's process: on Linux a child's ru_maxrss starts at the RSS of the
    process it was forked from (exec keeps the old high-water mark), so a child of the benchmark,
    Duban loaded, would report at least the benchmark's own size. A grandchild forked from this
    small process reports its own (os.wait4 gives this child's, RUSAGE_CHILDREN the largest yet)."""
    process = subprocess.Popen([sys.executable, __file__, *argv], cwd=ROOT, stdout=subprocess.PIPE)
    assert process.stdout is not None
    out = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"floor_child.py {argv[0]} failed ({process.returncode})")
    seconds, *helpers = out.split()
    own = usage.ru_maxrss
    if helpers:  # its helpers were waited for by the child: wait4's peak may be one of theirs
        own = int(helpers[1])
    return f"{float(seconds)} {own + (int(helpers[0]) if helpers else 0)}"


def main() -> None:
    if sys.argv[1] == "measure":
        print(measured(sys.argv[2:]))
        return
    mode, database, output, year, as_of, *files = sys.argv[1:]
    if mode == "job":
        import resource

        elapsed, helpers = lookback_job(database, Path(output), int(year), as_of)
        # Its own peak, apart from the helpers' (this process's RUSAGE_SELF: wait4's figure is the
        # largest of it and the children it waited for).
        print(elapsed, helpers, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        return
    contents = [Path(f).read_bytes() for f in files]
    start = time.perf_counter()
    lookback_floor(database, Path(output), int(year), as_of, contents)
    print(time.perf_counter() - start)


if __name__ == "__main__":
    main()
