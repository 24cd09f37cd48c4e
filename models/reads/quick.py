"""Quick reads for the CLI: `duban tasks` and `duban show` through the database's own driver, their
SQL compiled once.

Why: a `duban tasks` that imports SQLModel and the tables (0.3 s) and compiles the effective due
date's expression (0.1 s) on every run cannot start in under half a second. Here the command reads
through sqlite3 or psycopg alone.

Where the SQL comes from: nowhere but models.reads and the rules' SQL twins. The first run with a
given key builds the statements the full path builds (TaskQuery with the light's SQL twin,
units_of, plan_names, pending_by_code: models.reads.quick_sql), executes them through SQLAlchemy and
keeps the text and the parameters the driver received in a cache file; later runs hand the same
text and parameters to the driver. The key holds everything the text and parameters depend on: the
database URL and dialect, the as-of date, the ledger's plan years (the expression writes out each
year's periods), the filters, the sort, due_soon_days, and a fingerprint of the code that builds
the SQL (the files of models/ and SQLAlchemy's own). A ledger not at the newest migration (opening
it upgrades it), a --plan or --unit filter (resolved to ids of this ledger), an unknown URL form or
a driver error: None, and the command takes the full path.

`duban show` has one entry for every task and day (models.reads.task_sheet_sql): its statements
take the task as a parameter and compute nothing from the date (the effective due date, the light
and the 序时进度 are the pure rules' work, models.reads.task_sheet), so the key is the URL, the
dialect and the code's fingerprint alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.kept_files import cache_dir, code_fingerprint, keep, read_kept
from models.reads.names import names_of
from models.reads.task_rows import TaskRow
from models.rules.lights import Light
from models.storage.db import HEAD_REVISION

if TYPE_CHECKING:
    from models.reads.task_sheet import Fetch

MODELS = Path(__file__).resolve().parent.parent
CACHE_FILES = 256  # beyond this many compiled entries the oldest half is dropped
# Bumped when the form of a cache entry changes.
FORMAT = 1


@dataclass
class Listing:
    rows: list[TaskRow]
    names: dict[str, str]  # plan key -> the name people read
    pending: dict[str, list[str]]  # task code -> kinds of its pending requests


def fingerprint() -> list[Any]:
    """What the compiled SQL depends on besides the key's values: this code and SQLAlchemy's."""
    return code_fingerprint((MODELS / "rules", MODELS / "reads", MODELS / "storage"), "sqlalchemy", FORMAT)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        return {k: _decode(v) for k, v in value["dict"].items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def encode_statement(statement: str, parameters: Any) -> list[Any]:
    """A statement as the driver received it, for the cache file."""
    return [statement, _encode(parameters)]


class QuickLedger:
    """The ledger through its DB-API driver, for reads compiled once."""

    def __init__(self, url: str, dialect: str, connection: Any) -> None:
        self.url = url
        self.dialect = dialect
        self.connection = connection

    @classmethod
    def open(cls, url: str) -> QuickLedger | None:
        """The ledger at `url` if it can be read this way and is at the newest migration.
        DUBAN_QUICK_READS=0 turns the quick reads off (the tests compare the two paths with it)."""
        if os.environ.get("DUBAN_QUICK_READS") == "0":
            return None
        try:
            ledger = cls._connect(url)
        except Exception:  # the full path opens it, and says what is wrong
            return None
        if ledger is None:
            return None
        try:
            revision = ledger._fetch("SELECT version_num FROM alembic_version", ())
        except Exception:
            ledger.close()
            return None
        if [tuple(row) for row in revision] != [(HEAD_REVISION,)]:
            ledger.close()
            return None
        return ledger

    @classmethod
    def _connect(cls, url: str) -> QuickLedger | None:
        scheme, _, rest = url.partition("://")
        if scheme in ("sqlite", "sqlite+pysqlite"):
            path = rest.removeprefix("/")
            # Only a plain file that exists: the full path creates a missing one and reads URL options.
            if not path or path == ":memory:" or "?" in path or not Path(path).is_file():
                return None
            import sqlite3

            # Autocommit off by hand: one BEGIN, so every query reads the same state of the ledger.
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
            connection.execute("BEGIN")
            return cls(url, "sqlite", connection)
        if scheme in ("postgresql", "postgresql+psycopg"):
            import psycopg

            return cls(url, "postgresql", psycopg.connect("postgresql://" + rest))
        return None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.rollback()
        with contextlib.suppress(Exception):
            self.connection.close()

    def _fetch(self, statement: str, parameters: Any) -> list[Any]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(statement, parameters)
            return cursor.fetchall()
        finally:
            cursor.close()

    def fetch(self, compiled: list[Any]) -> list[Any]:
        statement, parameters = compiled
        return self._fetch(statement, _decode(parameters))

    def plan_years(self) -> list[int | None]:
        # Part of the key only: the effective due date's expression is written per plan year.
        return plan_years(row[0] for row in self._fetch("SELECT DISTINCT year FROM plan", ()))

    def key(self, what: str, **values: Any) -> str:
        described = {"what": what, "url": self.url, "dialect": self.dialect, "code": fingerprint()}
        described |= {name: _encode(value) for name, value in values.items()}
        text = json.dumps(described, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def cached(self, key: str) -> dict[str, Any] | None:
        return read_kept(cache_dir("sql"), key)

    def store(self, key: str, entry: dict[str, Any]) -> None:
        """Keep a compiled entry; a cache that cannot be written only means compiling again."""
        keep(cache_dir("sql"), key, entry, most=CACHE_FILES)

    def listing(self, entry: dict[str, Any]) -> Listing:
        """`duban tasks`' rows, units, plan names and pending requests from a compiled entry
        (models.reads.quick_sql.compile_listing)."""
        units: dict[int, tuple[list[str], list[str]]] = {}
        for task_id, role, name in self.fetch(entry["units"]):
            lead, support = units.setdefault(task_id, ([], []))
            (lead if role == entry["lead_role"] else support).append(name)
        rows = []
        for task_id, code, key, path_key, title, status, progress, due, text, version, light in self.fetch(
            entry["rows"]
        ):
            lead, support = units.get(task_id, ([], []))
            rows.append(
                TaskRow(
                    code=code,
                    plan=key,
                    path=path_key.split("/"),
                    title=title,
                    status=status,
                    progress=progress,
                    # SQLite gives a date column as its text, as SQLAlchemy stores it.
                    due_date=dt.date.fromisoformat(due) if isinstance(due, str) else due,
                    deadline_text=text,
                    version=version,
                    light=Light(light),
                    lead=lead,
                    support=support,
                )
            )
        pending: dict[str, list[str]] = {}
        for code, kind in self.fetch(entry["pending"]):
            pending.setdefault(code, []).append(kind)
        return Listing(rows, names_of(self.fetch(entry["names"])), pending)

    def sheet_fetch(self, entry: dict[str, Any]) -> Fetch:
        """models.reads.task_sheet's fetch over the statements of a compiled entry
        (models.reads.task_sheet_sql.compile_sheet): the task's values put where the stand-in's
        were, the columns converted as SQLAlchemy converts them."""

        def fetch(name: str, **values: Any) -> list[Any]:
            compiled = entry[name]
            statement, parameters = compiled["statement"]
            parameters = _decode(parameters)
            for place, parameter in compiled["slots"]:
                parameters[place] = values[parameter]
            kinds = compiled["kinds"]
            return [
                tuple(_convert(kinds[i], v) for i, v in enumerate(row))
                for row in self._fetch(statement, parameters)
            ]

        return fetch


def _convert(kind: str, value: Any) -> Any:
    """A column's value as SQLAlchemy gives it: SQLite hands dates and times over as their text,
    booleans as 0 or 1 and JSON as its text; psycopg converts all but the JSON of some columns."""
    if value is None or not kind:
        return value
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind in ("datetime", "utc") and isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if kind == "utc":  # as SQLModel's UTCDateTime gives it: aware, in UTC
        return value.replace(tzinfo=dt.UTC) if value.utcoffset() is None else value.astimezone(dt.UTC)
    if kind == "bool":
        return bool(value)
    if kind == "json" and isinstance(value, (str, bytes)):
        return json.loads(value)
    return value


def plan_years(years: Iterable[int | None]) -> list[int | None]:
    """The distinct plan years, in one order (a key's part)."""
    return sorted(set(years), key=lambda year: (year is None, year or 0))


@contextlib.contextmanager
def quick_ledger(url: str) -> Iterator[QuickLedger | None]:
    ledger = QuickLedger.open(url)
    try:
        yield ledger
    finally:
        if ledger is not None:
            ledger.close()
