"""Engine and sessions: SQLite (embedded default) or PostgreSQL, schema kept by Alembic.

SQLite is shared by the scheduler thread and web requests, so it runs in WAL mode with a long busy
timeout, and write transactions start with BEGIN IMMEDIATE: a writer waits for the lock up front
instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from models.errors import BadInput
from models.vocabulary.i18n import _

# SQLAlchemy and SQLModel are imported inside the functions: the CLI's quick reads
# (models.reads.quick) take HEAD_REVISION from here and must not pay for them.
if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

# The newest migration in migrations/versions (a test keeps the two in step). A ledger already at
# this revision is opened without loading Alembic at all: most commands only read.
HEAD_REVISION = "0008r"
MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for a SQLAlchemy URL; for SQLite the folder of the file is created."""
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _sqlite_pragmas(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        immediate = connection.get_execution_options().get("duban_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def read_session(engine: Engine, *, one_snapshot: bool = False) -> Iterator[Session]:
    """A session that only reads. `one_snapshot`: every statement of it sees the same ledger (on
    PostgreSQL a repeatable-read transaction, whose snapshot snapshot_twin can share; SQLite's
    read transaction is one snapshot already)."""
    from sqlmodel import Session

    if one_snapshot and engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(engine) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed on success, rolled back whole on any error."""
    from sqlmodel import Session

    writer = engine.execution_options(duban_write=True)
    # Objects stay readable after commit: commands report what they wrote.
    with Session(writer, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it on an empty database)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def open_ledger(url: str) -> Engine:
    """The ledger's engine, its schema up to date."""
    engine = make_engine(url)
    try:
        if current_revision(engine) != HEAD_REVISION:
            upgrade(engine)
    except Exception as error:  # connection refused, unreadable file …: one clear line
        raise BadInput(
            _("cannot open the ledger: {kind}: {error}").format(kind=error.__class__.__name__, error=error),
            source=_safe(url),
        ) from error
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def insert_new(session: Session, table: type, rows: list[dict], *, returning: tuple = ()) -> list:
    """Insert rows, skipping any that would break a unique constraint (INSERT … ON CONFLICT DO
    NOTHING on both databases): two runs racing to raise the same escalation or queue the same
    notice leave one row and no error. Returns the `returning` columns of the rows inserted."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).on_conflict_do_nothing()
    # One statement executed for many rows: SQLAlchemy batches them into multi-row INSERTs
    # ("insertmanyvalues") compiled once, where .values(rows) would compile a statement per chunk.
    connection = session.connection()
    if returning:
        return list(connection.execute(statement.returning(*returning), rows))
    connection.execute(statement, rows)
    return []


def insert_rows(session: Session, table: type, rows: list[dict]) -> None:
    """insert_new for many rows of plain values, without RETURNING, in one statement handed to the
    driver as is. On PostgreSQL: INSERT … SELECT FROM unnest(one array per column), a single round
    trip. On SQLite (in process, no round trips): one executemany; SQLAlchemy's own would convert
    every value of every row (a date to text, row after row), here each distinct value is converted
    once, which matters at a hundred thousand rows. Column defaults are not applied: `rows` carry
    every column they need."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = table.__table__.c  # type: ignore[attr-defined]
    name = table.__table__.name  # type: ignore[attr-defined]
    keys = list(rows[0])
    listed = ", ".join(keys)
    if dialect.name == "postgresql":
        arrays = ", ".join(
            f"CAST(%(c{i})s AS {columns[key].type.compile(dialect)}[])" for i, key in enumerate(keys)
        )
        statement = f"INSERT INTO {name} ({listed}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"
        session.connection().exec_driver_sql(
            statement, {f"c{i}": [row[key] for row in rows] for i, key in enumerate(keys)}
        )
        return
    converters = []
    for key in keys:
        process = columns[key].type.dialect_impl(dialect).bind_processor(dialect)
        # A column of dates holds few distinct values: each is converted once.
        converters.append(functools.cache(process) if process else None)
    params = [
        tuple(
            convert(row[key]) if convert else row[key] for key, convert in zip(keys, converters, strict=True)
        )
        for row in rows
    ]
    marks = ", ".join("?" for _ in keys)
    statement = f"INSERT INTO {name} ({listed}) VALUES ({marks}) ON CONFLICT DO NOTHING"
    session.connection().exec_driver_sql(statement, params)


@contextmanager
def without_jit(session: Session | Connection) -> Iterator[None]:
    """PostgreSQL: JIT compilation off for the statements run inside, in this transaction only.
    A correlated NOT EXISTS under OR is costed as if probed row by row (the planner's pessimistic
    alternative to the hashed subplan it runs), which puts a fraction-of-a-second read far above
    jit_above_cost: compiling it then takes longer than running it. A no-op on SQLite."""
    from sqlalchemy import Connection

    connection = session if isinstance(session, Connection) else session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    before = connection.exec_driver_sql("SELECT current_setting('jit')").scalar_one()
    connection.exec_driver_sql("SET LOCAL jit = off")
    yield
    # Put back for the rest of the transaction (on an error it is rolled back with it).
    connection.exec_driver_sql("SELECT set_config('jit', %(jit)s, true)", {"jit": before})


# What pg_export_snapshot returns ("00000003-0000001B-1"): put in SET TRANSACTION SNAPSHOT as a
# literal (a utility statement takes no parameters), so only this shape is let through.
_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")


@contextmanager
def snapshot_twin(session: Session) -> Iterator[Connection | None]:
    """PostgreSQL: a second connection that sees exactly what `session` sees (a read session with
    one_snapshot: its snapshot exported, and imported by the twin's own repeatable-read
    transaction), for reading beside it in another thread; rolled back and closed on the way
    out. None on SQLite, where a second connection could see a later ledger."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield None
        return
    snapshot = str(connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one())
    if not _SNAPSHOT_ID.fullmatch(snapshot):
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    twin = connection.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    try:
        # The first statement of its transaction, as PostgreSQL requires.
        twin.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        yield twin
    finally:
        twin.rollback()
        twin.close()
