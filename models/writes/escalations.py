"""Escalations in the ledger: recording the rungs of the ladder that fell due, each once.

Which rungs are due, and what a message about one says, is read in models.reads.escalations.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.reads.escalations import Raised, describe_inserted
from models.rules.ladder import Due
from models.storage.db import insert_new
from models.storage.tables import Escalation


def record(session: Session, dues: list[Due], *, as_of: dt.date) -> list[Raised]:
    """Write the escalations (skipped ones too, so they are never raised later); return the ones to
    send. A row another run wrote meanwhile is left alone and not returned."""
    return describe_inserted(session, insert_dues(session, dues, as_of=as_of))


def insert_dues(session: Session, dues: list[Due], *, as_of: dt.date) -> list[tuple]:
    """Write the escalations; return (id, task_id, level, occurrence, skipped) of the rows this call
    inserted, leaving out those another run wrote meanwhile: what a run reports it did."""
    rows = [
        {
            "task_id": due.task_id,
            "level": due.level,
            "occurrence": due.occurrence,
            "trigger_date": due.trigger_date,
            "raised_on": as_of,
            "skipped": due.skipped,
        }
        for due in dues
    ]
    return insert_new(
        session,
        Escalation,
        rows,
        returning=(
            Escalation.id,
            Escalation.task_id,
            Escalation.level,
            Escalation.occurrence,
            Escalation.skipped,
        ),
    )
