"""Notices as read: the ones still to send, the channels that already took one, the list the CLI
and the digests page show, one notice and its deliveries. Queuing, claiming and marking them sent is
models.writes.notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from models.storage.db import read_session
from models.storage.tables import Delivery, Notice, NoticeKind, utcnow

KINDS = tuple(kind.value for kind in NoticeKind)  # what `duban notices --kind` accepts
DIGEST = NoticeKind.DIGEST.value


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


def notice(session: Session, notice_id: int) -> Notice | None:
    """One notice with its bodies, or None."""
    return session.get(Notice, notice_id)


def deliveries(session: Session, notice_id: int) -> list[Delivery]:
    """Every try of one notice through a channel, oldest first."""
    query = select(Delivery).where(Delivery.notice_id == notice_id).order_by(col(Delivery.id))
    return list(session.exec(query))


def sent_counts(session: Session) -> dict[str, int]:
    """How many notices of each kind were sent."""
    query = select(Notice.kind, func.count()).where(col(Notice.sent_at).is_not(None)).group_by(Notice.kind)
    return {kind: n for kind, n in session.execute(query)}
