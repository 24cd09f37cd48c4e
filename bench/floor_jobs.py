"""The jobs' rows of issue 14's table (bench/floor_table.py): digest, escalation, look-back, each
beside its floor timed in the same run.

The job runs through Duban's use case (workflows.use_cases.jobs, as `duban digest|escalate|lookback`
and the scheduler run it, sending included: every notice goes to the outbox folder, as no unit of the
generated ledger has a channel) on a fresh copy of the generated ledger each run. The floor runs on
another fresh copy, alternated with the job. The floor gathers the same facts through the raw driver
(sqlite3 / psycopg) and makes the same writes, minimally: what to write (the rows and the texts) is
read from what the job wrote on an untimed first run, since composing messages is the job's work.
- digest: every open task with its units, role and fields (the digest also lists the tasks without a
  recent report, which on the generated ledger is every open one), per unit its open count, each
  task's last report and the tasks done this week; then the job's notices inserted in one
  transaction (the same columns: the stored message, so the same bytes), the job's .md and .html
  outbox files (their bytes read from the job's outbox) written and synced once (one syncfs, as
  Duban syncs a batch), one delivery row per notice and one UPDATE marking them sent.
- escalation: the overdue (or nearly due) task–unit pairs with their plan, title and unit leader,
  each with the ladder's level for its due date (a CASE over config's offsets) and without the rows
  already raised (NOT EXISTS on escalation); then the job's escalation rows and notices inserted in
  one transaction, their files written and synced once, and the deliveries recorded as above. The
  next day's rows start from a ledger the first run escalated (both the job and the floor).
- look-back: the grouped counts (by plan, top-level section, unit and role, each by status and
  lateness), every task of the year with its lead units, each task's last journal entry; then three
  files of the job's bytes (md, xlsx, docx) written and synced once. Each runs in a process of its
  own (bench/floor_child.py) so its peak RSS is its own (os.wait4 in a small launcher process:
  a child of the benchmark itself would start from the benchmark's RSS); times are taken inside the process, start-up left out.
The bare SQL knows only stored due dates: the recurring tasks' current periods and the check-in rungs
are what it does not compute; it is a generous floor, not the job rewritten.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from floor_child import syncfs  # noqa: E402
from ledger_gen import YEAR, generate  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from workflow_speed import AS_OF, cached_ledger  # noqa: E402

from models.settings import Settings, load_settings  # noqa: E402
from models.storage.db import open_ledger  # noqa: E402
from workflows.use_cases import jobs  # noqa: E402
from workflows.use_cases.actor import Actor  # noqa: E402

SYSTEM = Actor.system()  # the jobs as the scheduler runs them
NEXT_DAY = AS_OF + dt.timedelta(days=1)
JOBS = ("digest", "escalate", "lookback")
OPEN = "t.withdrawn = FALSE AND t.status NOT IN ('done', 'cancelled')"


# --- The ledgers: a fresh copy per run ---------------------------------------------------------


@dataclass
class Copy:
    url: str
    folder: Path
    connect: Callable[[], Any]  # a raw DB-API connection (sqlite3 / psycopg)
    placeholder: str
    path: Path | None = None  # the SQLite file

    def value(self, value: object) -> object:
        """A date or a time as the raw driver stores it (SQLite: ISO text, as SQLAlchemy writes it)."""
        if self.placeholder == "%s" or not isinstance(value, dt.date):
            return value
        return value.isoformat(" ") if isinstance(value, dt.datetime) else value.isoformat()


class SqliteLedgers:
    name = "SQLite"

    def __init__(self, db_dir: Path, size: int, work: Path) -> None:
        self.source, self.work = cached_ledger(db_dir, size), work
        self.count = 0

    def copy_of(self, source: Path | None = None) -> Copy:
        self.count += 1
        folder = self.work / f"run-{self.count}"
        folder.mkdir(parents=True)
        path = folder / "ledger.sqlite3"
        shutil.copyfile(source or self.source, path)
        return Copy(f"sqlite:///{path}", folder, lambda: sqlite3.connect(path), "?", path)

    @contextmanager
    def fresh(self, source: Path | None = None) -> Iterator[Copy]:
        found = self.copy_of(source)
        try:
            yield found
        finally:
            shutil.rmtree(found.folder, ignore_errors=True)

    def escalated(self, settings_for: Callable[[Copy], Settings]) -> Path:
        """A copy the first escalation ran on: where the next day's runs start."""
        found = self.copy_of()
        engine = open_ledger(found.url)
        jobs.escalate(engine, settings_for(found), SYSTEM, as_of=AS_OF)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        assert found.path is not None
        return found.path

    def close(self) -> None:
        pass


class PostgresLedgers:
    """Scratch databases on the server: one generated source, each run a CREATE DATABASE … TEMPLATE
    of it (a file copy on the server), every one dropped at the end."""

    name = "PostgreSQL"

    def __init__(self, server: str, size: int, work: Path) -> None:
        self.server = server.replace("postgresql+psycopg://", "postgresql://")
        self.work, self.count, self.made = work, 0, []
        self.admin = psycopg.connect(self.server, autocommit=True)
        self.source = self._create(f"duban_floor_{os.getpid()}_src", None)
        engine = open_ledger(self._url(self.source))
        start = time.perf_counter()
        generate(engine, size)
        engine.dispose()
        print(
            f"generated {size:,} tasks in PostgreSQL in {time.perf_counter() - start:.1f} s", file=sys.stderr
        )

    def _url(self, name: str) -> str:
        return make_url(self.server).set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None) -> str:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(name)
        return name

    def _drop(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.remove(name)

    @contextmanager
    def fresh(self, source: str | None = None) -> Iterator[Copy]:
        self.count += 1
        name = self._create(f"duban_floor_{os.getpid()}_{self.count}", source or self.source)
        folder = self.work / name
        folder.mkdir(parents=True)
        url = self._url(name)
        try:
            yield Copy(url, folder, lambda: psycopg.connect(url), "%s")
        finally:
            self._drop(name)
            shutil.rmtree(folder, ignore_errors=True)

    def escalated(self, settings_for: Callable[[Copy], Settings]) -> str:
        name = self._create(f"duban_floor_{os.getpid()}_escalated", self.source)
        url = self._url(name)
        folder = self.work / name
        folder.mkdir(parents=True)
        engine = open_ledger(url)
        jobs.escalate(engine, settings_for(Copy(url, folder, lambda: None, "%s")), SYSTEM, as_of=AS_OF)
        engine.dispose()
        return name

    def close(self) -> None:
        for name in list(self.made):
            self._drop(name)
        self.admin.close()


def settings_for(copy: Copy) -> Settings:
    base = load_settings(ROOT / "config.toml")
    return base.model_copy(
        update={
            "database": base.database.model_copy(update={"url": copy.url}),
            "notify": base.notify.model_copy(update={"outbox": str(copy.folder / "outbox")}),
            "lookback": base.lookback.model_copy(update={"output": str(copy.folder / "lookback")}),
        }
    )


# --- What the job wrote, for the floor to write the same ---------------------------------------

NOTICE_COLUMNS = "kind, period, recipient, subject, body_text, body_markdown, body_html, message"
ESCALATION_COLUMNS = "task_id, level, occurrence, trigger_date, raised_on, skipped"


@dataclass
class Written:
    notices: list[tuple] = field(default_factory=list)
    escalations: list[tuple] = field(default_factory=list)
    # The outbox files the job wrote (path inside the outbox, bytes): a notice stores its message
    # once and is rendered when sent, so its files are read from the outbox, not the notice row.
    files: list[tuple[str, bytes]] = field(default_factory=list)


def outbox_files(outbox: Path) -> list[tuple[str, bytes]]:
    return [
        (str(path.relative_to(outbox)), path.read_bytes())
        for path in sorted(outbox.rglob("*"))
        if path.is_file()
    ]


def last_ids(copy: Copy) -> tuple[int, int]:
    with closing(copy.connect()) as raw:
        return tuple(
            raw.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("notice", "escalation")
        )  # type: ignore[return-value]


def written_after(copy: Copy, notice_id: int, escalation_id: int) -> Written:
    p = copy.placeholder
    with closing(copy.connect()) as raw:
        return Written(
            raw.execute(
                f"SELECT {NOTICE_COLUMNS} FROM notice WHERE id > {p} ORDER BY id", (notice_id,)
            ).fetchall(),
            raw.execute(
                f"SELECT {ESCALATION_COLUMNS} FROM escalation WHERE id > {p} ORDER BY id", (escalation_id,)
            ).fetchall(),
        )


# --- The floors --------------------------------------------------------------------------------


def digest_facts(copy: Copy, raw: Any, settings: Settings) -> int:
    p, v = copy.placeholder, copy.value
    week_start = AS_OF - dt.timedelta(days=6)
    statements: list[tuple[str, tuple]] = [
        (
            "SELECT t.id, t.code, p.key, t.path_key, t.title, t.status, t.progress, t.due_date,"
            ' t.deadline_text, t.deadline_type, a.role, u.name FROM task t JOIN "plan" p ON p.id = t.plan_id'
            " LEFT JOIN assignment a ON a.task_id = t.id LEFT JOIN unit u ON u.id = a.unit_id"
            f" WHERE {OPEN} ORDER BY u.name, t.due_date",
            (),
        ),
        (
            "SELECT u.name, count(*), sum(CASE WHEN t.due_date < {p} THEN 1 ELSE 0 END),"
            " sum(CASE WHEN t.due_date >= {p} AND t.due_date <= {p} THEN 1 ELSE 0 END)"
            " FROM assignment a JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id"
            f" WHERE {OPEN} GROUP BY u.name".replace("{p}", p),
            (v(AS_OF), v(AS_OF), v(AS_OF + dt.timedelta(days=settings.digest.due_within_days))),
        ),
        ("SELECT task_id, max(day), max(at) FROM journal WHERE action = 'update' GROUP BY task_id", ()),
        (
            "SELECT task_id FROM journal WHERE field = 'status' AND new = 'done'"
            f" AND day >= {p} AND day <= {p}",
            (v(week_start), v(AS_OF)),
        ),
    ]
    return sum(len(raw.execute(sql, params).fetchall()) for sql, params in statements)


def escalation_facts(copy: Copy, raw: Any, settings: Settings, as_of: dt.date) -> int:
    p, v = copy.placeholder, copy.value
    ladder = sorted(settings.escalation, key=lambda level: -level.offset_days)
    when = " ".join(f"WHEN t.due_date <= {p} THEN '{level.level}'" for level in ladder)
    bounds = tuple(v(as_of - dt.timedelta(days=level.offset_days)) for level in ladder)
    sql = (
        f"SELECT t.id, t.code, p.key, t.path_key, t.title, t.due_date, t.deadline_text, a.role, u.name,"
        f' u.leader, CASE {when} END FROM task t JOIN "plan" p ON p.id = t.plan_id'
        " JOIN assignment a ON a.task_id = t.id JOIN unit u ON u.id = a.unit_id"
        f" WHERE {OPEN} AND t.due_date <= {p} AND NOT EXISTS (SELECT 1 FROM escalation e"
        f" WHERE e.task_id = t.id AND e.occurrence = t.due_date AND e.level = CASE {when} END)"
    )
    return len(raw.execute(sql, (*bounds, bounds[-1], *bounds)).fetchall())


def write_like(copy: Copy, raw: Any, written: Written, outbox: Path) -> None:
    """The job's escalation rows and notices in one transaction; their outbox files written and synced
    once; one delivery row per notice and the notices marked sent in a second transaction."""
    p, v = copy.placeholder, copy.value
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cursor = raw.cursor()
    if written.escalations:
        cursor.executemany(
            f"INSERT INTO escalation ({ESCALATION_COLUMNS}, created_at) VALUES ({', '.join([p] * 7)})",
            [(*(v(x) for x in row), v(now)) for row in written.escalations],
        )
    cursor.executemany(
        f"INSERT INTO notice ({NOTICE_COLUMNS}, created_at, attempts, last_error)"
        f" VALUES ({', '.join([p] * 11)})",
        [(*row, v(now), 0, "") for row in written.notices],
    )
    raw.commit()
    for name, content in written.files:
        path = outbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    syncfs(outbox)
    raw.execute(
        f"INSERT INTO delivery (notice_id, at, channel, ok, error)"
        f" SELECT id, {p}, 'outbox', TRUE, '' FROM notice WHERE sent_at IS NULL",
        (v(now),),
    )
    raw.execute(f"UPDATE notice SET sent_at = {p}, attempts = attempts + 1 WHERE sent_at IS NULL", (v(now),))
    raw.commit()


# --- Timing ------------------------------------------------------------------------------------


@dataclass
class JobRow:
    work: str
    now: float
    floor: float
    floor_is: str
    unit: str = "ms"


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def queued_job(ledgers: Any, name: str, runs: int, source: Any = None) -> tuple[float, float, Written]:
    """Median seconds of the job and of its floor, alternated on fresh copies; one untimed run first
    (it warms the page cache and tells what the job writes)."""
    as_of = NEXT_DAY if source is not None else AS_OF
    jobs_s: list[float] = []
    floors_s: list[float] = []
    written = Written()
    for run in range(runs + 1):
        with ledgers.fresh(source) as copy:
            settings = settings_for(copy)
            before = last_ids(copy)
            engine = open_ledger(copy.url)
            start = time.perf_counter()
            if name == "digest":
                jobs.digest(engine, settings, SYSTEM, as_of=as_of)
            else:
                jobs.escalate(engine, settings, SYSTEM, as_of=as_of)
            elapsed = time.perf_counter() - start
            engine.dispose()
            if run == 0:
                written = written_after(copy, *before)
                written.files = outbox_files(settings.resolve(settings.notify.outbox))
            else:
                jobs_s.append(elapsed)
        with ledgers.fresh(source) as copy:
            settings = settings_for(copy)
            with closing(copy.connect()) as raw:
                start = time.perf_counter()
                if name == "digest":
                    digest_facts(copy, raw, settings)
                else:
                    escalation_facts(copy, raw, settings, as_of)
                write_like(copy, raw, written, copy.folder / "outbox")
                elapsed = time.perf_counter() - start
            if run:
                floors_s.append(elapsed)
    return statistics.median(jobs_s), statistics.median(floors_s), written


def _child(argv: list[str]) -> tuple[float, float]:
    """Seconds the child reports and its own peak RSS in MB (see floor_child.measured)."""
    launcher = [sys.executable, str(ROOT / "bench" / "floor_child.py"), "measure", *argv]
    seconds, kib = subprocess.run(
        launcher, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return float(seconds), int(kib) / 1024


def lookback_rows(ledgers: Any, runs: int, size: str, backend: str) -> list[JobRow]:
    year, as_of = str(YEAR), AS_OF.isoformat()
    job_s, job_mb, floor_s, floor_mb = [], [], [], []
    files: list[Path] = []
    keep = ledgers.work / "lookback-files"
    for run in range(runs + 1):
        with ledgers.fresh() as copy:
            output = copy.folder / "lookback"
            seconds, peak = _child(["job", _database(copy), str(output), year, as_of])
            if run == 0:  # what the floor writes: the job's own bytes
                shutil.copytree(output, keep)
                files = sorted(path for path in keep.rglob("*") if path.is_file())
            else:
                job_s.append(seconds)
                job_mb.append(peak)
        with ledgers.fresh() as copy:
            argv = ["floor", _database(copy), str(copy.folder / "floor"), year, as_of, *map(str, files)]
            seconds, peak = _child(argv)
            if run:
                floor_s.append(seconds)
                floor_mb.append(peak)
    mb = sum(path.stat().st_size for path in files) / 1e6
    what = f"bare SQL: counts + task list; {len(files)} files ({mb:.1f} MB) written, synced"
    return [
        JobRow(
            f"look-back ({', '.join(p.suffix[1:] for p in files)}), {size} ({backend})",
            _median_ms(job_s),
            _median_ms(floor_s),
            what,
        ),
        JobRow(
            f"look-back peak RSS, {size} ({backend})",
            statistics.median(job_mb),
            statistics.median(floor_mb),
            f"the floor's process (Python, {'psycopg' if backend == 'PostgreSQL' else 'sqlite3'}, rows, bytes)",
            "MB",
        ),
    ]


def _database(copy: Copy) -> str:
    """What floor_child.py is given: the SQLite file, or the PostgreSQL database's URL."""
    return str(copy.path) if copy.path is not None else copy.url


def size_label(size: int) -> str:
    """100k tasks, 1M tasks, as the issue names the ledgers (1,234 tasks when not round)."""
    if size >= 1_000_000 and size % 100_000 == 0:
        return f"{size / 1_000_000:g}M tasks"
    return f"{size // 1000:,}k tasks" if size >= 1000 and size % 1000 == 0 else f"{size:,} tasks"


def job_rows(backend: str, ledgers: Any, chosen: set[str], runs: int, size: int) -> list[JobRow]:
    rows = []
    label = size_label(size)
    if "digest" in chosen:
        now, floor, written = queued_job(ledgers, "digest", runs)
        rows.append(
            JobRow(
                f"digest, {label}, {len(written.notices):,} digests ({backend})",
                now * 1000,
                floor * 1000,
                f"bare SQL + {len(written.notices):,} notices inserted, files synced",
            )
        )
    if "escalate" in chosen:
        now, floor, written = queued_job(ledgers, "escalate", runs)
        rows.append(_escalation_row(f"first escalation, {label} ({backend})", now, floor, written))
        escalated = ledgers.escalated(settings_for)
        now, floor, written = queued_job(ledgers, "escalate", runs, source=escalated)
        rows.append(_escalation_row(f"escalation the next day, {label} ({backend})", now, floor, written))
    if "lookback" in chosen:
        rows += lookback_rows(ledgers, runs, label, backend)
    return rows


def _escalation_row(work: str, now: float, floor: float, written: Written) -> JobRow:
    return JobRow(
        f"{work}, {len(written.escalations):,} rows, {len(written.notices):,} notices",
        now * 1000,
        floor * 1000,
        f"bare SQL + {len(written.escalations):,} rows and {len(written.notices):,} notices, files synced",
    )


def measure(db_dir: Path, size: int, chosen: set[str], runs: int, postgres: str | None) -> list[JobRow]:
    rows: list[JobRow] = []
    with tempfile.TemporaryDirectory(prefix="duban-floor-jobs-") as temporary:
        work = Path(temporary)
        sqlite = SqliteLedgers(db_dir, size, work / "sqlite")
        rows += job_rows("SQLite", sqlite, chosen, runs, size)
        if postgres:
            ledgers = PostgresLedgers(postgres, size, work / "postgresql")
            try:
                rows += job_rows("PostgreSQL", ledgers, chosen, runs, size)
            finally:
                ledgers.close()
    return rows
