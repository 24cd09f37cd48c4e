"""Rows gone through twice, made once: the first pass over a long table keeps what it made on disk
and the second reads it back, so a table of a million rows is neither held in memory nor made
twice (the look-back's Markdown tables: their widths, then their lines)."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Generic, TypeVar

T = TypeVar("T")

CHUNK = 1000  # rows per pickled chunk: pickle keeps texts repeated within it once


class Spooled(Generic[T]):
    """`rows` as they come on the first whole pass, written to a temporary file a chunk at a time;
    every later pass reads them back from there. A first pass left half-way is not kept: the next
    pass starts from `rows` again. The file goes when the object does."""

    def __init__(self, rows: Iterable[T]) -> None:
        self._rows = rows
        self._spool: IO[bytes] | None = None

    def __iter__(self) -> Iterator[T]:
        if self._spool is not None:
            yield from self._replayed(self._spool)
            return
        spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - kept while the rows are read
        chunk: list[T] = []
        for row in self._rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
                yield from chunk
                chunk = []
        if chunk:
            pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
            yield from chunk
        self._spool = spool

    @staticmethod
    def _replayed(spool: IO[bytes]) -> Iterator[T]:
        spool.seek(0)
        load = pickle.load
        while True:
            try:
                chunk = load(spool)
            except EOFError:
                return
            yield from chunk
