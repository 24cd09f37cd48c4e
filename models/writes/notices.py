"""Notices: the queue of messages and their history in one table.

Claim, then send: a sender takes a notice with a conditional UPDATE that succeeds for one sender
only (unsent and not held by a live claim), sends outside any transaction, and only then marks it
sent. A failed send releases the claim and leaves the notice unsent for the next run; a sender that
dies mid-send leaves a claim that expires after `claim_seconds`. Each try through each channel is a
Delivery row, so a notice with two channels that failed on one is re-sent only through that one.
What is queued and what went where is read through models.reads.notices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from models.storage.db import insert_new, write_session
from models.storage.tables import Delivery, Notice, utcnow


@dataclass(frozen=True)
class Draft:
    kind: str
    period: str
    recipient: str
    subject: str
    body_text: str
    body_markdown: str
    body_html: str


def queue(session: Session, drafts: list[Draft]) -> int:
    """Queue notices; one already queued for the same (kind, period, recipient) is kept as it was.
    Returns how many were new."""
    rows = [draft.__dict__ for draft in drafts]
    return len(insert_new(session, Notice, rows, returning=(Notice.id,)))


def claim(
    engine: Engine, notice_ids: list[int], *, seconds: int, now: dt.datetime | None = None
) -> list[Notice]:
    """The notices among `notice_ids` this caller won (one UPDATE for the lot); a notice already
    sent or held by another sender's live claim is left out."""
    now = now or utcnow()
    if not notice_ids:
        return []
    with write_session(engine) as session:
        won = session.execute(
            update(Notice)
            .where(
                col(Notice.id).in_(notice_ids),
                col(Notice.sent_at).is_(None),
                or_(col(Notice.claimed_until).is_(None), col(Notice.claimed_until) < now),
            )
            .values(claimed_until=now + dt.timedelta(seconds=seconds))
            .returning(Notice.id)
        )
        ids = [row[0] for row in won]
        if not ids:
            return []
        found = session.exec(select(Notice).where(col(Notice.id).in_(ids)).order_by(col(Notice.id)))
        return list(found)


@dataclass(frozen=True)
class Try:
    channel: str
    ok: bool
    error: str = ""


def finish(engine: Engine, notice_id: int, tries: list[Try], *, sent: bool) -> None:
    """Record the tries; mark the notice sent only if every channel took it, else release it."""
    now = utcnow()
    with write_session(engine) as session:
        for attempt in tries:
            session.add(
                Delivery(
                    notice_id=notice_id, at=now, channel=attempt.channel, ok=attempt.ok, error=attempt.error
                )
            )
        errors = [f"{t.channel}: {t.error}" for t in tries if not t.ok]
        values: dict = {"claimed_until": None, "attempts": Notice.attempts + len(tries)}
        if sent:
            values["sent_at"] = now
            values["last_error"] = ""
        elif errors:
            values["last_error"] = errors[-1][:2000]
        session.execute(update(Notice).where(col(Notice.id) == notice_id).values(**values))
