"""`duban restore`: a backup (models.files.backup) back into a ledger, all or nothing, checked before done.

Either kind of backup restores into either database: the SQLite file `duban backup` writes on the
embedded setup, or the JSON-lines dump it writes on PostgreSQL (so a SQLite ledger can also move to
PostgreSQL this way).

1. The backup is read first: a SQLite file must pass `PRAGMA quick_check`, every JSON line must be
   a row record; either must name its schema revision (its alembic_version row).
2. The target ledger must be empty (no row in any table) unless `force`. An empty database is given
   the schema at the backup's revision (created, or moved down from a newer one).
3. One transaction (on PostgreSQL every table locked first): with `force` every row is deleted, the
   backup's rows are inserted (parents before children), PostgreSQL's sequences are set past the
   highest ids, then the ledger is checked: the row count of every table equals the backup's, and
   no foreign key points at a missing row. Any failure rolls the whole transaction back.
4. A backup from an older revision is then migrated to the newest, as any ledger is.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    and_,
    func,
    select,
    text,
)

from models.errors import BadInput
from models.storage.db import HEAD_REVISION, _safe, alembic_config, current_revision, make_engine
from models.vocabulary.i18n import _

# User-facing text, in one place (the catalog gives the Chinese).
NOT_A_BACKUP = _(
    "not a Duban backup (neither a SQLite database file nor a JSON-lines file written by `duban backup`)"
)
NO_SUCH_FILE = _("the backup file does not exist")
DAMAGED_SQLITE = _("the SQLite backup is damaged (integrity check: {check})")
BAD_LINE = _('not a backup record (it should be the JSON {{"table": …, "row": {{…}}}}): {error}')
NO_REVISION = _(
    "the backup names no schema revision (alembic_version): there is no telling how to restore it"
)
NEWER_REVISION = _(
    "the backup's schema revision {backup} is not among this program's migrations (the newest is {head}):"
    " upgrade Duban first, then restore"
)
NOT_EMPTY = _(
    "the ledger is not empty ({tables}); restoring replaces all of its data: add --force if that is what you want"
)
NOT_EMPTY_OTHER_REVISION = _(
    "the ledger is not empty and its schema revision {target} differs from the backup's {backup}:"
    " restore into an empty ledger (a new database or file)"
)
UNKNOWN_TABLE = _("the backup's table {table} does not exist in a ledger at schema revision {revision}")
UNKNOWN_COLUMNS = _("the backup's columns {columns} of table {table} do not exist in the ledger")
COUNT_MISMATCH = _(
    "check after restoring failed: table {table} should have {expected} rows and has {found};"
    " everything was undone, the ledger is unchanged"
)
ORPHANS = _(
    "check after restoring failed: {count} rows of table {table} have a {column} pointing at rows missing"
    " from {parent}; everything was undone, the ledger is unchanged"
)
SEQUENCE_BEHIND = _(
    "check after restoring failed: sequence {sequence} is not past the highest id of {table};"
    " everything was undone, the ledger is unchanged"
)
LOAD_FAILED = _("restoring failed; everything was undone, the ledger is unchanged: {error}")
CANNOT_OPEN = _("cannot open the ledger: {error}")

SQLITE_MAGIC = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"
CHUNK = 1000


@dataclass
class RestoreReport:
    source: Path
    kind: str  # "sqlite" or "jsonl"
    revision: str  # the backup's schema revision
    rows: dict[str, int] = field(default_factory=dict)  # per table, as checked after loading
    replaced: int = 0  # rows deleted first (force)
    sequences: int = 0  # PostgreSQL sequences set
    upgraded_to: str | None = None  # the newest revision, when the backup was older


class _Source:
    kind: str
    revision: str
    counts: dict[str, int]

    def batches(self, order: list[str], columns: dict[str, set[str]]) -> Iterator[tuple[str, list[dict]]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _SqliteSource(_Source):
    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            check = self.db.execute("PRAGMA quick_check").fetchone()
            names = [
                name
                for (name,) in self.db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
        except sqlite3.DatabaseError as error:
            raise BadInput(
                DAMAGED_SQLITE.format(check=error), source=path, code="restore.damaged_sqlite"
            ) from None
        if check is None or check[0] != "ok":
            raise BadInput(
                DAMAGED_SQLITE.format(check=check and check[0]), source=path, code="restore.damaged_sqlite"
            )
        if VERSION_TABLE not in names:
            raise BadInput(NO_REVISION, source=path, code="restore.no_revision")
        row = self.db.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        if row is None:
            raise BadInput(NO_REVISION, source=path, code="restore.no_revision")
        self.revision = row[0]
        self.counts = {
            name: self.db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names
            if name != VERSION_TABLE
        }

    def batches(self, order: list[str], columns: dict[str, set[str]]) -> Iterator[tuple[str, list[dict]]]:
        for name in order:
            if not self.counts.get(name):
                continue
            cursor = self.db.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
            names = [description[0] for description in cursor.description]
            unknown = set(names) - columns[name]
            if unknown:
                raise BadInput(
                    UNKNOWN_COLUMNS.format(table=name, columns=_(", ").join(sorted(unknown))),
                    source=self.path,
                    code="restore.unknown_columns",
                )
            while chunk := cursor.fetchmany(CHUNK):
                yield name, [dict(zip(names, values, strict=True)) for values in chunk]

    def close(self) -> None:
        self.db.close()


class _JsonlSource(_Source):
    kind = "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts = {}
        revision = None
        for number, record in self._records():
            name = record["table"]
            if name == VERSION_TABLE:
                revision = record["row"].get("version_num")
            else:
                self.counts[name] = self.counts.get(name, 0) + 1
            del number
        if not revision:
            raise BadInput(NO_REVISION, source=path, code="restore.no_revision")
        self.revision = revision

    def _records(self) -> Iterator[tuple[int, dict]]:
        with open(self.path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not (isinstance(record, dict) and isinstance(record.get("row"), dict)):
                        raise ValueError(_("no table and row"))
                    if not isinstance(record.get("table"), str):
                        raise ValueError(_("no table name"))
                except ValueError as error:
                    raise BadInput(
                        BAD_LINE.format(error=error), source=self.path, line=number, code="restore.bad_line"
                    ) from None
                yield number, record

    def batches(self, order: list[str], columns: dict[str, set[str]]) -> Iterator[tuple[str, list[dict]]]:
        # In file order: the dump writes tables parents first, so rows go in as they come.
        current, chunk = "", []
        for number, record in self._records():
            name, row = record["table"], record["row"]
            if name == VERSION_TABLE:
                continue
            if name not in columns:
                raise BadInput(
                    UNKNOWN_TABLE.format(table=name, revision=self.revision),
                    source=self.path,
                    code="restore.unknown_table",
                )
            unknown = set(row) - columns[name]
            if unknown:
                raise BadInput(
                    UNKNOWN_COLUMNS.format(table=name, columns=_(", ").join(sorted(unknown))),
                    source=self.path,
                    line=number,
                    code="restore.unknown_columns",
                )
            if name != current or len(chunk) >= CHUNK:
                if chunk:
                    yield current, chunk
                current, chunk = name, []
            chunk.append(row)
        if chunk:
            yield current, chunk


def open_backup(path: Path) -> _Source:
    """The backup at `path`, its revision and row counts read (and checked) before anything is written."""
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BadInput(NO_SUCH_FILE, source=path, code="restore.no_such_file") from None
    except IsADirectoryError:
        raise BadInput(NOT_A_BACKUP, source=path, code="restore.not_a_backup") from None
    if head == SQLITE_MAGIC:
        return _SqliteSource(path)
    if not head.lstrip().startswith(b"{"):
        raise BadInput(NOT_A_BACKUP, source=path, code="restore.not_a_backup")
    return _JsonlSource(path)


def restore(url: str, path: Path, *, force: bool = False) -> RestoreReport:
    """Restore the backup at `path` into the ledger at `url` (see the module's docstring)."""
    source = open_backup(Path(path))
    try:
        engine = make_engine(url)
        try:
            return _restore(engine, source, url, force=force)
        finally:
            engine.dispose()
    finally:
        source.close()


def _restore(engine: Engine, source: _Source, url: str, *, force: bool) -> RestoreReport:
    from alembic import command
    from alembic.script import ScriptDirectory

    where = _safe(url)
    config = alembic_config(engine)
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if source.revision not in known:
        raise BadInput(
            NEWER_REVISION.format(backup=source.revision, head=HEAD_REVISION),
            source=source_name(source),
            code="restore.newer_revision",
        )
    try:
        target = current_revision(engine)
        filled = _filled_tables(engine) if target else {}
    except Exception as error:  # connection refused, unreadable file …: one clear line
        raise BadInput(
            CANNOT_OPEN.format(error=f"{error.__class__.__name__}: {error}"),
            source=where,
            code="restore.cannot_open",
        ) from error
    if filled and not force:
        raise BadInput(NOT_EMPTY.format(tables=_describe(filled)), source=where, code="restore.not_empty")
    if target != source.revision:
        if filled:
            raise BadInput(
                NOT_EMPTY_OTHER_REVISION.format(target=target, backup=source.revision),
                source=where,
                code="restore.not_empty_other_revision",
            )
        # An empty ledger: the schema the backup's rows were written under (created, or moved down).
        if target is None:
            command.upgrade(config, source.revision)
        else:
            command.downgrade(config, source.revision)
    report = RestoreReport(Path(getattr(source, "path", "")), source.kind, source.revision)
    writer = engine.execution_options(duban_write=True)
    try:
        with writer.connect() as connection, connection.begin():
            _load(connection, source, report, force=force, where=where)
    except BadInput:
        raise
    except Exception as error:  # a duplicate key, a value of the wrong type …: nothing was kept
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise BadInput(
            LOAD_FAILED.format(error=f"{error.__class__.__name__}: {first}"),
            source=source_name(source),
            code="restore.load_failed",
        ) from error
    if source.revision != HEAD_REVISION:
        command.upgrade(config, "head")
        report.upgraded_to = HEAD_REVISION
    return report


def source_name(source: _Source) -> str:
    return str(getattr(source, "path", "<backup>"))


def _tables(connection: Connection) -> list[Table]:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return [table for table in metadata.sorted_tables if table.name != VERSION_TABLE]


def _filled_tables(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in _tables(connection)
        }
    return {name: count for name, count in counts.items() if count}


def _describe(counts: dict[str, int]) -> str:
    shown = sorted(counts.items(), key=lambda item: -item[1])[:3]
    listed = _(", ").join(
        _("table {name}: {count} rows").format(name=name, count=count) for name, count in shown
    )
    return listed + (_(" and more") if len(counts) > 3 else "")


def _load(connection: Connection, source: _Source, report: RestoreReport, *, force: bool, where: str) -> None:
    postgres = connection.dialect.name == "postgresql"
    tables = _tables(connection)
    by_name = {table.name: table for table in tables}
    for name in source.counts:
        if name not in by_name:
            raise BadInput(
                UNKNOWN_TABLE.format(table=name, revision=source.revision),
                source=source_name(source),
                code="restore.unknown_table",
            )
    if postgres:
        # Nobody reads half a restore or writes beside it.
        names = ", ".join(connection.dialect.identifier_preparer.quote(t.name) for t in tables)
        connection.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
    else:
        # Foreign keys checked at commit: rows may arrive in any order within the transaction.
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    filled = {
        t.name: n
        for t in tables
        if (n := connection.execute(select(func.count()).select_from(t)).scalar_one())
    }
    if filled and not force:  # filled since we looked: refused all the same
        raise BadInput(NOT_EMPTY.format(tables=_describe(filled)), source=where, code="restore.not_empty")
    for table in reversed(tables):
        report.replaced += connection.execute(table.delete()).rowcount or 0
    converters = {table.name: _converters(table, source.kind) for table in tables}
    columns = {table.name: {column.name for column in table.columns} for table in tables}
    for name, rows in source.batches([t.name for t in tables], columns):
        convert = converters[name]
        connection.execute(
            by_name[name].insert(),
            [
                {key: convert[key](value) if value is not None else None for key, value in row.items()}
                for row in rows
            ],
        )
    if postgres:
        report.sequences = _set_sequences(connection, tables, where)
    _check(connection, tables, source, report, where)


def _set_sequences(connection: Connection, tables: list[Table], where: str) -> int:
    """Every serial/identity sequence set so that its next value is past the highest id restored."""
    done = 0
    for table in tables:
        for column in table.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": connection.dialect.identifier_preparer.quote(table.name), "column": column.name},
            ).scalar()
            if not sequence:
                continue
            highest = connection.execute(select(func.max(column))).scalar()
            # setval(seq, n, false): the next nextval() returns n.
            connection.execute(
                text("SELECT setval(:sequence, :next, false)"),
                {"sequence": sequence, "next": (highest or 0) + 1},
            )
            following = connection.execute(text(f"SELECT last_value FROM {sequence}")).scalar()
            if highest is not None and following <= highest:
                raise BadInput(
                    SEQUENCE_BEHIND.format(sequence=sequence, table=table.name),
                    source=where,
                    code="restore.sequence_behind",
                )
            done += 1
    return done


def _check(
    connection: Connection, tables: list[Table], source: _Source, report: RestoreReport, where: str
) -> None:
    """Row counts as in the backup, and no foreign key pointing at a missing row."""
    for table in tables:
        found = connection.execute(select(func.count()).select_from(table)).scalar_one()
        expected = source.counts.get(table.name, 0)
        if found != expected:
            raise BadInput(
                COUNT_MISMATCH.format(table=table.name, expected=expected, found=found),
                source=where,
                code="restore.count_mismatch",
            )
        report.rows[table.name] = found
    for table in tables:
        for constraint in table.foreign_key_constraints:
            parent = constraint.referred_table
            pairs = [(element.parent, element.column) for element in constraint.elements]
            child = table.alias("child")
            referred = parent.alias("parent")
            joined = child.outerjoin(
                referred, and_(*(child.c[mine.name] == referred.c[theirs.name] for mine, theirs in pairs))
            )
            orphans = connection.execute(
                select(func.count())
                .select_from(joined)
                .where(
                    and_(*(child.c[mine.name].is_not(None) for mine, _parent in pairs)),
                    referred.c[pairs[0][1].name].is_(None),
                )
            ).scalar_one()
            if orphans:
                raise BadInput(
                    ORPHANS.format(
                        table=table.name,
                        count=orphans,
                        column=_(", ").join(mine.name for mine, _parent in pairs),
                        parent=parent.name,
                    ),
                    source=where,
                    code="restore.orphans",
                )


def _converters(table: Table, kind: str) -> dict[str, Any]:
    """Per column: a backup value -> what the column takes (JSON lines carry dates as text and
    binary as base64; a SQLite file carries JSON as text, booleans as 0/1 and times without a zone)."""
    return {column.name: _converter(column.type, kind) for column in table.columns}


def _converter(kind_of: Any, kind: str) -> Any:
    if isinstance(kind_of, DateTime):
        return _datetime
    if isinstance(kind_of, Date):
        return lambda value: dt.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(kind_of, Boolean):
        return bool
    if isinstance(kind_of, JSON):
        return (
            (lambda value: json.loads(value) if isinstance(value, str) else value)
            if kind == "sqlite"
            else _same
        )
    if isinstance(kind_of, LargeBinary):
        return lambda value: base64.b64decode(value) if isinstance(value, str) else value
    if isinstance(kind_of, Numeric) and not isinstance(kind_of, Float):
        return lambda value: decimal.Decimal(str(value))
    return _same


def _same(value: Any) -> Any:
    return value


def _datetime(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    # The ledger stores UTC; SQLite keeps it without an offset.
    return moment.replace(tzinfo=dt.UTC) if moment.utcoffset() is None else moment.astimezone(dt.UTC)
