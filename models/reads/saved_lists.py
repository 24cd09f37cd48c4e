"""A long list of the look-back as a file holds it, read back in another process (the look-back's
formats are written side by side: workflows.lookback_processes): the spool's records, and the list
read from them. Nothing here reads the database (models.reads.long_lists does), so a helper process
that only writes a report does not import SQLAlchemy.

A spool is a run of records, each its length (8 bytes, little-endian) and a pickle: a chunk of items
as tuples of their fields, and at the end the count of items.
"""

from __future__ import annotations

import os
import pickle
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")


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
            yield from replayed(spool, self._kind, follow=self._writer)

    def __len__(self) -> int:
        if self._count is None:  # written at the list's end: gone through to there
            with self._path.open("rb") as spool:
                chunks = records(spool, follow=self._writer)
                while self._count is None:
                    try:
                        next(chunks)
                    except StopIteration as end:
                        self._count = end.value
        return self._count


def record(spool: IO[bytes], value: object, *, shared: bool) -> None:
    """One record of a spool: its length, then its pickle (a chunk of items, or at the end their
    count); flushed when another process follows the file."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    spool.write(len(data).to_bytes(8, "little") + data)
    if shared:
        spool.flush()


def replayed(spool: IO[bytes], kind: Any, *, follow: int | None = None) -> Iterator[Any]:
    for rows in records(spool, follow=follow):
        yield from (kind(*row) for row in rows)


def records(spool: IO[bytes], *, follow: int | None) -> Generator[list[tuple[Any, ...]], None, int]:
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
