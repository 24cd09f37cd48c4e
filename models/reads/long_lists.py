"""The look-back's long lists (unfinished, ongoing, done items), read as they are gone through and
never held whole: Items reads one from the database the first time and keeps what it read on disk,
a pickled chunk at a time; SavedItems reads such a spool back in another process (the look-back's
formats are written side by side, workflows.lookback_processes)."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from sqlalchemy import Select, func
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from models.reads.task_query import units_of
from models.reads.units_column import split_units, units_column
from models.storage.db import without_jit

T = TypeVar("T")

CHUNK = 2000  # rows per fetch of a long list (and per pickled chunk of its spool)


class LongList(ABC, Generic[T]):
    """What the reports ask of a long list besides going through it: its length, whether it has
    items, and counts kept once counted."""

    _counted: dict[str, int]

    @abstractmethod
    def __iter__(self) -> Iterator[T]: ...

    @abstractmethod
    def __len__(self) -> int: ...

    def __bool__(self) -> bool:
        return len(self) > 0

    def counted(self, key: str, predicate: Callable[[T], object]) -> int:
        """How many items meet `predicate`, counted once and kept under `key`: a count asked for
        again (the overview of each format, the summary lines) is not another pass over the list."""
        found = self._counted.get(key)
        if found is None:
            found = self._counted[key] = sum(1 for item in self if predicate(item))
        return found


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
        make: Callable[[Any, tuple[list[str], list[str]]], T],
        kind: type[T],
    ) -> None:
        self._session, self._query, self._make = session, query, make
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
            yield from _replayed(self._spool, self._kind)
            return
        # Kept open while the list is used (its replays read it back).
        shared = self._shared
        spool: IO[bytes] = shared.open("w+b") if shared else tempfile.TemporaryFile()  # noqa: SIM115
        count = 0
        # On the session's connection, not through the ORM: the lists select columns, not
        # entities, and the ORM's loading of each row was a tenth of the look-back's time.
        connection = self._session.connection()
        query = self._query.add_columns(units_column(connection.dialect.name))
        # PostgreSQL costs the units' correlated subquery per row, which puts the list far above
        # jit_above_cost: compiling it took 2 s at 100,000 tasks, more than running it.
        with without_jit(self._session):
            result = connection.execute(query, execution_options={"yield_per": CHUNK})
        make = self._make
        for rows in result.partitions():
            items = [
                make(row[:-1], units) for row, units in zip(rows, _units_in(connection, rows), strict=True)
            ]
            # Each item's fields as a tuple: unpickled about twice as fast as the dataclasses
            # themselves (every report format goes through the lists again, some twice).
            _record(spool, _shared_fields(items), shared=shared is not None)
            count += len(items)
            yield from items
        _record(spool, count, shared=shared is not None)  # the end, and how many there were
        self._spool, self._count = spool, count

    def __len__(self) -> int:
        if self._count is None:
            counted = select(func.count()).select_from(self._query.order_by(None).subquery())
            self._count = int(self._session.execute(counted).scalar_one())
        return self._count

    def share(self, path: Path) -> SavedItems[T]:
        """The list as another process reads it: from `path`, where this one spools it. Before the
        first pass, that pass writes it there a chunk at a time (`read` it, here, while the other
        process follows it: it waits for each chunk); after, the spool is copied there."""
        if self._spool is None:
            self._shared = path
            path.touch()
        else:
            self._spool.seek(0)
            with path.open("wb") as out:
                shutil.copyfileobj(self._spool, out, 1 << 20)
        return SavedItems(path, self._kind, self._count, dict(self._counted))

    def read(self) -> None:
        """The first pass, if it has not been made: the list read from the database to its spool."""
        if self._spool is None:
            for _ in self:
                pass


class SavedItems(LongList[T]):
    """A long list read back from the file Items.share names, in a child of the process that
    shares it: the same items in the same order, followed as they are written when that process is
    still reading them (each chunk waited for), and its length. Pickles small: the path, not the
    items."""

    def __init__(self, path: Path, kind: type[T], count: int | None, counted: dict[str, int]) -> None:
        self._path, self._kind, self._count, self._counted = path, kind, count, counted
        self._writer = os.getpid()

    def __iter__(self) -> Iterator[T]:
        with self._path.open("rb") as spool:
            yield from _replayed(spool, self._kind, follow=self._writer)

    def __len__(self) -> int:
        if self._count is None:  # written at the list's end: gone through to there
            with self._path.open("rb") as spool:
                records = _records(spool, follow=self._writer)
                while self._count is None:
                    try:
                        next(records)
                    except StopIteration as end:
                        self._count = end.value
        return self._count


def _record(spool: IO[bytes], value: object, *, shared: bool) -> None:
    """One record of a spool: its length, then its pickle (a chunk of items, or at the end their
    count); flushed when another process follows the file."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    spool.write(len(data).to_bytes(8, "little") + data)
    if shared:
        spool.flush()


def _replayed(spool: IO[bytes], kind: Any, *, follow: int | None = None) -> Iterator[Any]:
    for rows in _records(spool, follow=follow):
        yield from (kind(*row) for row in rows)


def _records(spool: IO[bytes], *, follow: int | None) -> Generator[list[tuple[Any, ...]], None, int]:
    """The chunks of a spool from its start, up to its end record; returns the count that record
    holds. With `follow` (the pid of the parent process writing the spool), a record not written
    yet is waited for."""
    spool.seek(0)
    while True:
        size = int.from_bytes(_exactly(spool, 8, follow), "little")
        value = pickle.loads(_exactly(spool, size, follow))
        if type(value) is int:
            return value
        yield value


def _exactly(spool: IO[bytes], size: int, follow: int | None) -> bytes:
    data = spool.read(size)
    while len(data) < size:
        # Only a child waits for its parent's list: a list left unfinished by its own process, or
        # by a parent that has ended (killed: this process then has another parent), never ends.
        if follow is None or os.getppid() != follow:
            raise EOFError(f"{getattr(spool, 'name', 'a spool')}: the list ends within a record")
        time.sleep(0.002)
        data += spool.read(size - len(data))
    return data


def _units_in(connection: Connection, rows: Sequence[Any]) -> list[tuple[list[str], list[str]]]:
    """Each row's (lead, supporting) units from its last column (units_column), the rare task whose
    units that column cannot tell read with units_of."""
    found = [split_units(row[-1]) for row in rows]
    unclear = [row[0] for row, units in zip(rows, found, strict=True) if units is None]
    if unclear:
        read = units_of(connection, unclear)
        found = [
            read.get(row[0], ([], [])) if units is None else units
            for row, units in zip(rows, found, strict=True)
        ]
    return found  # type: ignore[return-value]


def _shared_fields(items: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Each item's fields as a tuple, every text and date equal to one already in the chunk replaced
    by that one: pickle writes an object it has seen once and reads it back by reference, so a
    chunk's plan keys and titles, units, statuses, path labels and dates (few distinct ones among
    2,000 items) are unpickled once instead of per item, on every replay of the list.

    A column at a time (map over dict.setdefault runs in C): only columns holding nothing but str,
    date and None are shared, and lists of names name by name; a column holding numbers is left as
    it is (1, True and 1.0 are equal and must stay apart)."""
    shared: dict[Any, Any] = {}
    same = shared.setdefault
    columns = list(zip(*(vars(item).values() for item in items), strict=True))
    for index, column in enumerate(columns):
        kinds = set(map(type, column))
        if kinds <= _SHAREABLE:
            columns[index] = tuple(map(same, column, column))
        elif kinds == _LISTS:
            columns[index] = tuple([list(map(same, names, names)) for names in column])
    return list(zip(*columns, strict=True))


_SHAREABLE = frozenset({str, dt.date, type(None)})
_LISTS = frozenset({list})
