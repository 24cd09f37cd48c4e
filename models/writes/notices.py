"""Notices: the queue of messages and their history in one table.

Claim, then send: a sender takes a notice with a conditional UPDATE that succeeds for one sender
only (unsent and not held by a live claim), sends outside any transaction, and only then marks it
sent. A failed send releases the claim and leaves the notice unsent for the next run; a sender that
dies mid-send leaves a claim that expires after `claim_seconds`. Each try through each channel is a
Delivery row, so a notice with two channels that failed on one is re-sent only through that one.
Claims and their records come in batches (workflows/deliver.py sizes them); what is queued and what
went where is read through models.reads.notices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col

from models.storage.db import insert_new, insert_rows, write_session
from models.storage.tables import Delivery, Notice, utcnow


@dataclass(frozen=True)
class Draft:
    kind: str
    period: str
    recipient: str
    subject: str
    body_text: str = ""
    body_markdown: str = ""
    body_html: str = ""
    message: str = ""  # Notice.message: the message as JSON, its renderings then left empty


def queue(session: Session, drafts: list[Draft]) -> int:
    """Queue notices; one already queued for the same (kind, period, recipient) is kept as it was.
    Returns how many were new."""
    rows = [draft.__dict__ for draft in drafts]
    return len(insert_new(session, Notice, rows, returning=(Notice.id,)))


@dataclass(frozen=True)
class ClaimedNotice:
    """What sending a notice reads of it: its address, subject and body (a message, or the three
    renderings of a notice that stores them; workflows.notice_bodies)."""

    id: int
    kind: str
    period: str
    recipient: str
    subject: str
    body_text: str
    body_markdown: str
    body_html: str
    message: str


@dataclass(frozen=True)
class Claimed:
    """The notices a sender won, and the claim time it wrote on them: its token for renewing them
    (a claim another sender takes after ours ran out carries another time)."""

    notices: list[ClaimedNotice]
    until: dt.datetime | None


_CLAIMED = [getattr(Notice, name) for name in ClaimedNotice.__dataclass_fields__]


def claim_batch(
    engine: Engine, notice_ids: list[int], *, seconds: int, now: dt.datetime | None = None
) -> Claimed:
    """The notices among `notice_ids` this caller won (one UPDATE for the lot, returning what
    sending them reads), with the claim's time for `renew`; a notice already sent or held by
    another sender's live claim is left out."""
    now = now or utcnow()
    if not notice_ids:
        return Claimed([], None)
    until = now + dt.timedelta(seconds=seconds)
    with write_session(engine) as session:
        won = session.execute(
            update(Notice)
            .where(
                col(Notice.id).in_(notice_ids),
                col(Notice.sent_at).is_(None),
                or_(col(Notice.claimed_until).is_(None), col(Notice.claimed_until) < now),
            )
            .values(claimed_until=until)
            .returning(*_CLAIMED)
        )
        # RETURNING gives no order: the notices are sent oldest first.
        return Claimed(sorted((ClaimedNotice(*row) for row in won), key=lambda n: n.id), until)


def renew(
    engine: Engine,
    notice_ids: list[int],
    *,
    held_until: dt.datetime,
    seconds: int,
    now: dt.datetime | None = None,
) -> tuple[set[int], dt.datetime]:
    """Extend the claims a sender still holds on `notice_ids`: unsent, and still carrying the time
    it wrote (`held_until`; a claim another sender took once ours ran out carries another). Returns
    the ids renewed and the claims' new time."""
    now = now or utcnow()
    until = now + dt.timedelta(seconds=seconds)
    if not notice_ids:
        return set(), until
    with write_session(engine) as session:
        kept = session.execute(
            update(Notice)
            .where(
                col(Notice.id).in_(notice_ids),
                col(Notice.sent_at).is_(None),
                col(Notice.claimed_until) == held_until,
            )
            .values(claimed_until=until)
            .returning(Notice.id)
        )
        return {row[0] for row in kept}, until


@dataclass(frozen=True)
class Try:
    channel: str
    ok: bool
    error: str = ""


@dataclass(frozen=True)
class Outcome:
    notice_id: int
    tries: tuple[Try, ...]
    sent: bool


def finish_many(engine: Engine, outcomes: list[Outcome]) -> None:
    """Record the tries of a batch of notices in one transaction (one commit, however many): a notice
    is marked sent only if every channel took it, else its claim is released."""
    if not outcomes:
        return
    now = utcnow()
    with write_session(engine) as session:
        # One statement for the batch's tries, no ORM objects (models.storage.db.insert_rows).
        insert_rows(
            session,
            Delivery,
            [
                {"notice_id": o.notice_id, "at": now, "channel": t.channel, "ok": t.ok, "error": t.error}
                for o in outcomes
                for t in o.tries
            ],
        )
        # Notices sent with the same number of tries take one UPDATE together.
        sent_by_tries: dict[int, list[int]] = {}
        for outcome in outcomes:
            if outcome.sent:
                sent_by_tries.setdefault(len(outcome.tries), []).append(outcome.notice_id)
                continue
            errors = [f"{t.channel}: {t.error}" for t in outcome.tries if not t.ok]
            values: dict = {"claimed_until": None, "attempts": Notice.attempts + len(outcome.tries)}
            if errors:
                values["last_error"] = errors[-1][:2000]
            session.execute(update(Notice).where(col(Notice.id) == outcome.notice_id).values(**values))
        for count, ids in sent_by_tries.items():
            session.execute(
                update(Notice)
                .where(col(Notice.id).in_(ids))
                .values(claimed_until=None, attempts=Notice.attempts + count, sent_at=now, last_error="")
            )
