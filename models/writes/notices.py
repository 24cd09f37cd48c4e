"""Notices: the queue of messages and their history in one table.

Claim, then send: a sender takes a notice with a conditional UPDATE that succeeds for one sender
only (unsent and not held by a live claim), sends outside any transaction, and only then marks it
sent. A failed send releases the claim and leaves the notice unsent for the next run; a sender that
dies mid-send leaves a claim that expires after `claim_seconds`. Each try through each channel is a
Delivery row, so a notice with two channels that failed on one is re-sent only through that one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from models.storage.db import insert_new, read_session, write_session
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


def unsent_ids(
    engine: Engine, *, kinds: tuple[str, ...] | None = None, now: dt.datetime | None = None
) -> list[int]:
    now = now or utcnow()
    with read_session(engine) as session:
        query = select(Notice.id).where(
            col(Notice.sent_at).is_(None),
            or_(col(Notice.claimed_until).is_(None), col(Notice.claimed_until) < now),
        )
        if kinds:
            query = query.where(col(Notice.kind).in_(kinds))
        return list(session.exec(query.order_by(col(Notice.id))))


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


def delivered_channels(engine: Engine, notice_ids: list[int]) -> dict[int, set[str]]:
    """Per notice, the channels that already took it (on an earlier, partly failed run)."""
    found: dict[int, set[str]] = {notice_id: set() for notice_id in notice_ids}
    with read_session(engine) as session:
        query = select(Delivery.notice_id, Delivery.channel).where(
            col(Delivery.notice_id).in_(notice_ids), col(Delivery.ok).is_(True)
        )
        for notice_id, channel in session.exec(query):
            found[notice_id].add(channel)
    return found


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


@dataclass
class NoticeRow:
    id: int
    kind: str
    period: str
    recipient: str
    subject: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    last_error: str


def list_notices(
    session: Session,
    *,
    kind: str | None = None,
    period: str | None = None,
    unsent: bool = False,
    recipients: list[str] | None = None,
    limit: int | None = None,
) -> list[NoticeRow]:
    query = select(Notice)
    if kind:
        query = query.where(Notice.kind == kind)
    if period:
        query = query.where(Notice.period == period)
    if unsent:
        query = query.where(col(Notice.sent_at).is_(None))
    if recipients is not None:
        query = query.where(col(Notice.recipient).in_(recipients))
    query = query.order_by(col(Notice.id).desc())
    if limit:
        query = query.limit(limit)
    return [
        NoticeRow(
            n.id, n.kind, n.period, n.recipient, n.subject, n.created_at, n.sent_at, n.attempts, n.last_error
        )  # type: ignore[arg-type]
        for n in session.exec(query)
    ]
