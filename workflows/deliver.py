"""Sending queued notices: claim a batch, send outside any transaction, record what happened.

A notice sent through a real channel is recorded as sent right after its send, so a crash never
sends it twice; outbox files (rewritten whole, so writing one twice is harmless) are recorded a
batch at a time after one sync. A crash loses at most the claims in hand (they expire and a later
run sends those notices). A notice that fails is left unsent with its error and the run goes on to
the next one: one broken mailbox never holds up everyone else's digest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import Engine
from sqlmodel import select

from models.files.files import sync_files
from models.reads.notices import delivered_channels, unsent_ids
from models.settings import Settings
from models.storage.db import read_session
from models.storage.tables import Unit
from models.vocabulary.i18n import _
from models.writes.notices import ClaimedNotice, Outcome, Try, claim_batch, finish_many, renew
from workflows import channels
from workflows.channels import OUTBOX
from workflows.notice_bodies import Bodies


@dataclass
class DeliveryReport:
    sent: int = 0  # through a channel (mail, WeCom, …): it reached its recipient
    to_outbox: int = 0  # written to the outbox folder only (no channel configured): not sent
    failed: list[str] = field(default_factory=list)  # "recipient (subject): error"
    skipped: int = 0  # held by another sender
    outbox_files: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        """Notices done with: sent, or written to the outbox."""
        return self.sent + self.to_outbox


def channels_of(recipient: str, settings: Settings, unit_channels: dict[str, list[str]]) -> list[str]:
    """A recipient's apprise URLs, or the outbox when none is configured."""
    if recipient == "office":
        found = settings.notify.office
    elif recipient.startswith("leader:"):
        found = settings.notify.leaders.get(recipient.split(":", 1)[1], [])
    else:
        found = unit_channels.get(recipient.split(":", 1)[1], [])
    return list(found) or [OUTBOX]


def outbox_name(notice: ClaimedNotice) -> str:
    who = notice.recipient.replace(":", "-")
    return str(PurePosixPath(notice.kind) / notice.period.replace("/", "-") / who)


@dataclass
class _Sent:
    """One notice's sends, before they are recorded."""

    notice: ClaimedNotice
    outcome: Outcome
    outbox_only: bool  # every channel was the outbox: its files still need the batch's sync
    files: list[str] = field(default_factory=list)


def _send_one(
    notice: ClaimedNotice,
    already: set[str],
    settings: Settings,
    unit_channels: dict[str, list[str]],
    outbox: Path,
    sleep: Callable[[float], None] | None,
) -> _Sent:
    # Rendered as the channels ask: the outbox and email never lay out the plain-text tables.
    message = channels.Message(notice.subject, outbox_name(notice), Bodies(notice))
    tries: list[Try] = []
    files: list[str] = []
    ok = True
    urls = channels_of(notice.recipient, settings, unit_channels)
    outbox_only = all(url == OUTBOX for url in urls)
    for url in urls:
        if channels.redact(url) in already:
            continue
        extra = {"sleep": sleep} if sleep else {}
        attempts = channels.send(
            message,
            url,
            outbox=outbox,
            retries=settings.notify.retries,
            retry_delay=settings.notify.retry_delay_seconds,
            # Outbox files are synced once per batch, before any of them is marked sent.
            sync=not outbox_only,
            **extra,
        )
        tries += [Try(a.channel, a.ok, a.error) for a in attempts]
        ok = ok and bool(attempts) and attempts[-1].ok
        files += [path for a in attempts if a.ok for path in a.files]
    return _Sent(notice, Outcome(notice.id, tuple(tries), ok), outbox_only, files)


def _tally(sent: _Sent, report: DeliveryReport) -> None:
    notice, outcome = sent.notice, sent.outcome
    if outcome.sent:
        report.outbox_files += [path for path in sent.files if path.endswith(".md")]
        if sent.outbox_only:
            report.to_outbox += 1  # the office must pass it on: never reported as sent
        else:
            report.sent += 1
    else:
        error = next((t.error for t in reversed(outcome.tries) if not t.ok), "")
        report.failed.append(f"{notice.recipient}（{notice.subject}）: {error}")


def _record(engine: Engine, batch: list[_Sent], report: DeliveryReport) -> None:
    """Sync the outbox files of a batch once, then mark the batch sent in one transaction."""
    if not batch:
        return
    try:
        sync_files(Path(path) for sent in batch if sent.outcome.sent for path in sent.files)
    except OSError as error:  # not durable: none of them counts as written; the next run rewrites them
        problem = f"{error.strerror or error}"
        batch = [
            _Sent(
                s.notice,
                Outcome(s.outcome.notice_id, (*s.outcome.tries, Try(OUTBOX, False, problem)), False),
                True,
            )
            for s in batch
        ]
    finish_many(engine, [sent.outcome for sent in batch])
    for sent in batch:
        _tally(sent, report)


# Claims are taken in batches sized to the send rate: as many notices as this sender sends in half
# a claim's time (one at the least, MAX_BATCH at the most), renewed while it sends. A dead sender so
# holds at most the notices in hand, a slow channel (a send taking most of a claim) is claimed one
# notice at a time as before, and outbox files, sent at disk speed, go two hundred to a commit.
MAX_BATCH = 200


def _batch_size(claim_seconds: int, elapsed: float, handled: int) -> int:
    if claim_seconds <= 0 or handled <= 0:
        return 1
    per_notice = max(elapsed / handled, 1e-6)
    return max(1, min(MAX_BATCH, int(claim_seconds / 2 / per_notice)))


def deliver(
    engine: Engine,
    settings: Settings,
    *,
    kinds: tuple[str, ...] | None = None,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> DeliveryReport:
    """Send every unsent notice (of these kinds), at most `limit` of them."""
    report = DeliveryReport()
    with read_session(engine) as session:
        unit_channels = {name: list(chs) for name, chs in session.execute(select(Unit.name, Unit.channels))}
    outbox = settings.resolve(settings.notify.outbox)
    ids = unsent_ids(engine, kinds=kinds)
    ids = ids[:limit] if limit else ids
    lease = settings.notify.claim_seconds
    position, size, done = 0, 1, 0
    while position < len(ids):
        chunk = ids[position : position + size]
        position += len(chunk)
        started = time.monotonic()
        claimed = claim_batch(engine, chunk, seconds=lease)
        report.skipped += len(chunk) - len(claimed.notices)  # sent meanwhile, or in another sender's hands
        held, renewed_at = claimed.until, started
        already = delivered_channels(engine, [n.id for n in claimed.notices])
        unrecorded: list[_Sent] = []
        for index, notice in enumerate(claimed.notices):
            if lease and held is not None and time.monotonic() - renewed_at > lease / 2:
                # Renew what is still in hand (sent to the outbox but not recorded yet, and unsent).
                in_hand = [s.notice.id for s in unrecorded] + [n.id for n in claimed.notices[index:]]
                kept, held = renew(engine, in_hand, held_until=held, seconds=lease)
                renewed_at = time.monotonic()
                if notice.id not in kept:  # its claim ran out and another sender has it now
                    report.skipped += 1
                    continue
            done += 1
            try:
                sent = _send_one(notice, already[notice.id], settings, unit_channels, outbox, sleep)
            except Exception as error:  # one notice that cannot be sent must not stop the others
                # Its claim runs out after notify.claim_seconds; the next run tries again.
                report.failed.append(
                    f"{notice.recipient}（{notice.subject}）: {error.__class__.__name__}: {error}"
                )
                _progress(progress, done, len(ids), notice.recipient, None)
                continue
            if sent.outbox_only and sent.outcome.sent:
                unrecorded.append(sent)
            else:  # through a real channel: recorded at once, so a crash never sends it again
                finish_many(engine, [sent.outcome])
                _tally(sent, report)
            _progress(progress, done, len(ids), notice.recipient, sent)
        _record(engine, unrecorded, report)
        size = _batch_size(lease, time.monotonic() - started, len(claimed.notices))
    return report


def _progress(
    progress: Callable[[str], None] | None, done: int, total: int, recipient: str, sent: _Sent | None
) -> None:
    if progress is None:
        return
    if sent is None or not sent.outcome.sent:
        outcome = _("sending failed")
    else:
        outcome = _("written to the outbox") if sent.outbox_only else _("sent successfully")
    progress(f"{done}/{total} {recipient}: {outcome}")
