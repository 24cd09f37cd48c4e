"""Backups of the ledger, and writing any file whole or not at all.

SQLite: a page-for-page copy through sqlite3's online backup API. It reads one snapshot, so it is
consistent while the scheduler or the dashboard keep writing (WAL lets readers and a writer run
side by side), and the copy is a standalone database file that opens with any SQLite tool.

PostgreSQL: a portable JSON-lines dump, one line per row (`{"table": …, "row": {…}}`), tables in
foreign-key order and rows in primary-key order, all read in one REPEATABLE READ snapshot. It goes
through SQLAlchemy, so it needs no `pg_dump` of the server's exact version on the machine; it is a
copy of the data, not of roles, grants or server settings (the schema comes from Alembic).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select

from models.errors import BadInput
from models.files.files import atomic_path
from models.vocabulary.i18n import _


@dataclass
class BackupReport:
    path: Path
    kind: str  # "sqlite" or "jsonl"
    rows: dict[str, int] = field(default_factory=dict)  # per table
    size: int = 0  # bytes written


def backup(engine: Engine, target: Path, *, force: bool = False) -> BackupReport:
    """A consistent copy of the ledger at `target`: a SQLite file, or JSON lines for PostgreSQL."""
    with atomic_path(target, overwrite=force, private=True) as temporary:
        if engine.dialect.name == "sqlite":
            rows = _sqlite_copy(engine, temporary)
            kind = "sqlite"
        else:
            rows = _jsonl_dump(engine, temporary)
            kind = "jsonl"
        size = temporary.stat().st_size
    return BackupReport(path=Path(target), kind=kind, rows=rows, size=size)


def _sqlite_copy(engine: Engine, temporary: Path) -> dict[str, int]:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        destination = sqlite3.connect(temporary)
        try:
            # pages=-1: the whole database in one step, from one read snapshot.
            source.backup(destination)
            # The copy inherits WAL mode; a backup should be one self-contained file.
            destination.execute("PRAGMA journal_mode=DELETE")
            check = destination.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise BadInput(
                    _("the copy failed its integrity check: {check}").format(check=check), source=temporary
                )
            tables = [
                name
                for (name,) in destination.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {
                name: destination.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables
            }
        finally:
            destination.close()
    finally:
        raw.close()


def _jsonl_dump(engine: Engine, temporary: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    # One snapshot for every table, so rows that refer to each other are dumped together.
    with engine.connect().execution_options(**options) as connection, connection.begin():
        metadata = MetaData()
        metadata.reflect(bind=connection)  # every table, also ones added by later migrations
        with open(temporary, "w", encoding="utf-8", newline="\n") as stream:
            for table in metadata.sorted_tables:  # parents before children: restorable in file order
                order = list(table.primary_key.columns) or list(table.columns)
                result = connection.execution_options(yield_per=1000).execute(select(table).order_by(*order))
                counts[table.name] = 0
                for row in result.mappings():
                    line = json.dumps(
                        {"table": table.name, "row": dict(row)}, ensure_ascii=False, default=_json_value
                    )
                    stream.write(line + "\n")
                    counts[table.name] += 1
    return counts


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
