"""The look-back's long lists (unfinished, ongoing, done items), read as they are gone through and
never held whole: Items reads one from the database the first time and keeps what it read on disk,
a pickled chunk at a time (models.reads.saved_lists: the spool, and SavedItems reading it back in
another process, when the look-back's formats are written side by side:
workflows.lookback_processes)."""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from itertools import chain, starmap
from pathlib import Path
from typing import IO, Any, TypeVar

from sqlalchemy import Select, func
from sqlalchemy.engine import Connection
from sqlmodel import Session

from models.reads.saved_lists import LongList, SavedItems, record, replayed
from models.reads.units_column import UnitNames, split_units, units_column
from models.rules import bounds
from models.storage.db import without_jit

T = TypeVar("T")

CHUNK = 2000  # rows per fetch of a long list (and per pickled chunk of its spool)


class Items(LongList[T]):
    """One of the look-back's long lists, read as it is used: the first whole pass runs its query
    and yields the items a chunk at a time (a pass left half-way runs it again), later passes replay
    that one from disk, so a million-task ledger is never held in memory. Bound to the session it
    was made in, which must stay open while it is read.
    Ordered by plan (year, key) and position, so each report writes it as it comes."""

    def __init__(
        self,
        session: Session,
        query: Select,
        make: Callable[[Any, tuple[list[str], list[str]]], tuple[Any, ...]],
        kind: type[T],
        *,
        rows: Select | None = None,
        tallies: dict[str, Any] | None = None,
    ) -> None:
        """`rows`: the list's rows without the columns it adds to each (what counting them needs;
        the query itself when not given). `tallies`: key -> a text column of `rows`; count() counts
        the items whose column is neither NULL nor empty under that key (counted(key) answers it)."""
        self._session, self._query, self._make = session, query, make
        self._rows = rows if rows is not None else query
        self._tallies = tallies or {}
        self._kind = kind  # the items' dataclass, made again from the spooled fields
        self._count: int | None = None
        # After the first whole pass its items are kept on disk, a pickled chunk at a time, and
        # later passes (each report format goes through the lists) read them back from there:
        # cheaper than the query, its units and the items made again, and the memory stays flat.
        self._spool: IO[bytes] | None = None
        self._shared: Path | None = None  # where the first pass spools, for other processes (share)
        self._counted = {}

    def __iter__(self) -> Iterator[T]:
        if self._spool is not None:
            yield from replayed(self._spool, self._kind)
            return
        kind = self._kind
        for chunk in self._first_pass(ahead=False):
            yield from starmap(kind, chunk)

    def _first_pass(
        self, *, ahead: bool, connection: Connection | None = None
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The list read from the database a chunk at a time, each chunk its items' fields as
        spooled; on the session's connection, or on `connection`. With `ahead` (nothing else uses
        that connection meanwhile: read), PostgreSQL is asked for the next chunk while this one is
        made and spooled."""
        # Kept open while the list is used (its replays read it back).
        shared = self._shared
        spool: IO[bytes] = shared.open("w+b") if shared else tempfile.TemporaryFile()  # noqa: SIM115
        count = 0
        connection = connection if connection is not None else self._session.connection()
        chunks = self._chunks(connection)
        # A cursor on the server computes a chunk only when it is fetched: asked for one at a
        # time, the server and this process took turns (at 100,000 tasks 1.6 s each, 3.3 s in
        # all). Not on SQLite, which computes in this process (and a thread fetching from it would
        # wait for the interpreter at every row).
        if ahead and connection.dialect.name == "postgresql":
            chunks = fetched_ahead(chunks)
        make = self._make
        try:
            for rows, units in chunks:
                # Each item's fields as a tuple (make gives them in the dataclass's order): the
                # items themselves are made only where they are gone through, and unpickled from
                # tuples about twice as fast on every replay.
                fields = _spoolable([make(row[:-1], found) for row, found in zip(rows, units, strict=True)])
                record(spool, fields, shared=shared is not None)
                count += len(fields)
                yield fields
        finally:
            chunks.close()
        record(spool, count, shared=shared is not None)  # the end, and how many there were
        self._spool, self._count = spool, count

    def _chunks(
        self, connection: Connection
    ) -> Generator[tuple[Sequence[Any], list[tuple[list[str], list[str]]]]]:
        """The list's rows a chunk at a time, each with its tasks' (lead, supporting) units."""
        # On the session's connection, not through the ORM: the lists select columns, not
        # entities, and the ORM's loading of each row was a tenth of the look-back's time.
        query = self._query.add_columns(units_column(connection.dialect.name))
        names = UnitNames(connection)
        # PostgreSQL costs the units' correlated subquery per row, which puts the list far above
        # jit_above_cost: compiling it took 2 s at 100,000 tasks, more than running it.
        with without_jit(connection):
            result = connection.execute(query, execution_options={"yield_per": CHUNK})
        with result:
            for rows in result.partitions():
                yield rows, [split_units(row[-1], names) for row in rows]

    def __len__(self) -> int:
        if self._count is None:
            self.count()
        return self._count  # type: ignore[return-value]

    def known(self, count: int) -> None:
        """Its length, known from elsewhere in the same snapshot (another query's counts)."""
        self._count = count

    def count(self) -> None:
        """Its length and its tallies counted by the database now, in one statement on the
        session (its snapshot), unless known: asked before the list is read, a process following
        its file (SavedItems) knows them from the start, instead of waiting for the list's end and
        going through it again to count."""
        if self._count is not None and self._tallies.keys() <= self._counted.keys():
            return
        columns = [func.count(), *(func.count(func.nullif(c, "")) for c in self._tallies.values())]
        found = self._session.execute(self._rows.order_by(None).with_only_columns(*columns)).one()
        if self._count is None:  # the first pass (another thread) may have counted meanwhile
            self._count = int(found[0])
        for key, value in zip(self._tallies, found[1:], strict=True):
            self._counted[key] = int(value)

    def share(self, path: Path) -> SavedItems[T]:
        """The list as another process reads it: from `path`, where this one spools it. Before the
        first pass, that pass writes it there a chunk at a time (`read` it, here, while the other
        process follows it: it waits for each chunk); after, the spool is copied there."""
        if self._shared is not None:  # shared already: its first pass spools (or spooled) there
            if path != self._shared:
                raise ValueError(f"{self._kind.__name__} list already shared as {self._shared}")
        elif self._spool is None:
            self._shared = path
            path.touch()
        else:
            self._spool.seek(0)
            with path.open("wb") as out:
                shutil.copyfileobj(self._spool, out, 1 << 20)
        return SavedItems(path, self._kind, self._count, dict(self._counted))

    def read(self, connection: Connection | None = None, stop: threading.Event | None = None) -> None:
        """The first pass, if it has not been made: the list read from the database to its spool.
        On `connection` when given (the session's snapshot twin, read from another thread: see
        workflows.lookback_processes), given up between chunks once `stop` is set."""
        if self._spool is None:
            for _chunk in self._first_pass(ahead=True, connection=connection):
                if stop is not None and stop.is_set():
                    return


def fetched_ahead(chunks: Generator[Any]) -> Generator[Any]:
    """`chunks` gone through in a thread of its own, at most two ahead of the caller: while the
    caller works on one, the next is fetched (a database waited for lets go of the interpreter).
    Whatever `chunks` raises is raised here; closed early, the thread is stopped (after the fetch
    it is in) and waited for, so the connection is the caller's again on return."""
    ahead: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def fetch() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        ahead.put(("chunk", chunk), timeout=0.05)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
        except BaseException as error:  # handed to the caller, raised there
            ahead.put(("error", error))
        else:
            ahead.put(("end", None))
        finally:
            chunks.close()

    fetcher = threading.Thread(target=fetch, name="duban-fetch-ahead", daemon=True)
    fetcher.start()
    try:
        while True:
            what, value = ahead.get()
            if what == "end":
                return
            if what == "error":
                raise value
            yield value
    finally:
        stop.set()
        while fetcher.is_alive():  # a put waiting for room is let through
            with contextlib.suppress(queue.Empty):
                ahead.get(timeout=0.05)
        fetcher.join()


def _spoolable(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A chunk of items' fields made printable and shared.

    Printable: text written before models.rules.bounds refused control characters would break the
    DOCX and XLSX writers, so the report leaves those characters out. The chunk's texts are looked
    at together, a column at a time (a call per field was a million at 100,000 tasks); only a chunk
    holding such a character has its rows cleaned (bounds.scrubbed).

    Shared: every text and date equal to one already in the chunk is replaced by that one. Pickle
    writes an object it has seen once and reads it back by reference, so a chunk's plan keys and
    titles, statuses and dates (few distinct ones among 2,000 items) are unpickled once instead of
    per item, on every replay of the list. A column at a time (map over dict.setdefault runs in C):
    only columns holding nothing but str, date and None are shared; a column holding numbers is left
    as it is (1, True and 1.0 are equal and must stay apart). The lists of names (units, path parts)
    come shared already (split_units, names.path_parts): sharing them here, a list at a time, was
    a third of the lists' first read."""
    columns = list(zip(*rows, strict=True))
    kinds = [set(map(type, column)) for column in columns]
    texts: list[str] = []
    for column, found in zip(columns, kinds, strict=True):
        if found <= _TEXTS:
            texts += filter(None, column)
        elif found == _LISTS:
            texts += chain.from_iterable(column)
    if bounds.forbidden_character("".join(texts)) is not None:
        columns = list(zip(*map(bounds.scrubbed, rows), strict=True))
    shared: dict[Any, Any] = {}
    same = shared.setdefault
    for index, (column, found) in enumerate(zip(columns, kinds, strict=True)):
        if found <= _SHAREABLE:
            columns[index] = tuple(map(same, column, column))
    return list(zip(*columns, strict=True))


_TEXTS = frozenset({str, type(None)})
_SHAREABLE = frozenset({str, dt.date, type(None)})
_LISTS = frozenset({list})
