"""Escalations in the ledger: recording the rungs of the ladder that fell due, each once.

Which rungs are due, and what a message about one says, is read in models.reads.escalations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, func, text
from sqlmodel import Session, col, select

from models.reads.escalations import Raised, describe_inserted
from models.rules.ladder import Due
from models.storage.db import insert_rows
from models.storage.tables import Escalation, utcnow


@dataclass
class Inserted:
    """What one call wrote (rows another run wrote meanwhile left out): the levels to send, as
    (id, task_id, level, occurrence, skipped=False), and how many were passed over, per level."""

    sent: list[tuple] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    # The task ids of `sent` as a query (within the writing transaction): what reading the tasks
    # and units to describe them filters on, in one statement rather than an IN list per 500 ids.
    sent_tasks: Select | None = None


def record(session: Session, dues: list[Due], *, as_of: dt.date) -> list[Raised]:
    """Write the escalations (skipped ones too, so they are never raised later); return the ones to
    send. A row another run wrote meanwhile is left alone and not returned."""
    inserted = insert_dues(session, dues, as_of=as_of)
    return describe_inserted(session, inserted.sent, tasks=inserted.sent_tasks)


def insert_dues(session: Session, dues: list[Due], *, as_of: dt.date) -> Inserted:
    """Write the escalations; return those this call inserted, leaving out those another run wrote
    meanwhile: what a run reports it did."""
    now = utcnow()  # one clock reading for the batch: its rows are written together
    rows = [
        {
            "task_id": due.task_id,
            "level": due.level,
            "occurrence": due.occurrence,
            "trigger_date": due.trigger_date,
            "raised_on": as_of,
            "skipped": due.skipped,
            "created_at": now,
        }
        for due in dues
    ]
    if not rows:
        return Inserted()
    connection = session.connection()
    # Ours are the rows above the highest id before the insert (ids only grow) written by this
    # transaction: on SQLite the write lock (BEGIN IMMEDIATE) keeps every other writer out; on
    # PostgreSQL a racing run's rows, visible once it commits, carry its own transaction id (xmin).
    before = connection.execute(select(func.coalesce(func.max(Escalation.id), 0))).scalar_one()
    # One executemany, no RETURNING: what was written is read back below in two queries.
    insert_rows(session, Escalation, rows)
    ours = [col(Escalation.id) > before, Escalation.raised_on == as_of]
    if connection.dialect.name == "postgresql":
        ours.append(text("escalation.xmin = pg_current_xact_id()::xid"))
    mine = [*ours, col(Escalation.skipped).is_(False)]
    sent = select(
        Escalation.id, Escalation.task_id, Escalation.level, Escalation.occurrence, Escalation.skipped
    ).where(*mine)
    # The passed-over ones (most of a first run on an old ledger) are only counted.
    skipped = (
        select(Escalation.level, func.count())
        .where(*ours, col(Escalation.skipped).is_(True))
        .group_by(Escalation.level)
    )
    return Inserted(
        [tuple(row) for row in connection.execute(sent.order_by(col(Escalation.id)))],
        {level: count for level, count in connection.execute(skipped)},
        select(Escalation.task_id).where(*mine).distinct(),
    )
