"""领导批示 with their replies, and 催办记录, as rows: the shapes models.reads.instructions returns.

Apart from the reads (which import SQLModel) so that `duban show` can shape the rows it reads
through the database's own driver (models.reads.quick) with the same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    id: int
    author: str
    unit: str  # the replying unit's name ("" for the office)
    text: str
    day: dt.date
    at: dt.datetime


@dataclass
class InstructionThread:
    """One 批示 and the replies to it, oldest first."""

    id: int
    author: str
    text: str
    day: dt.date
    at: dt.datetime
    replies: list[Reply] = field(default_factory=list)


@dataclass
class ChaseRow:
    id: int
    method: str
    contact: str
    unit: str
    day: dt.date
    note: str
    recorded_by: str
    at: dt.datetime


def threads_of(rows: Iterable[Any]) -> list[InstructionThread]:
    """The threads, newest first, from the rows of models.reads.instructions.instructions_sql
    (id, parent id, author, text, day, at, unit name; in id order)."""
    threads: dict[int, InstructionThread] = {}
    for row_id, parent_id, author, text, day, at, unit in rows:
        if parent_id is None:
            threads[row_id] = InstructionThread(row_id, author, text, day, at)
        elif parent_id in threads:
            threads[parent_id].replies.append(Reply(row_id, author, unit or "", text, day, at))
    return list(reversed(threads.values()))


def chase_rows(rows: Iterable[Any]) -> list[ChaseRow]:
    """ChaseRows from the rows of models.reads.instructions.chases_sql."""
    return [
        ChaseRow(chase_id, method, contact, unit or "", day, note, recorded_by, at)
        for chase_id, method, contact, unit, day, note, recorded_by, at in rows
    ]
