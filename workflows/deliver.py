"""Sending queued notices: claim one, send it outside any transaction, record what happened.

One notice at a time, so a crash loses at most the one in hand (its claim expires and a later run
sends it). A notice that fails is left unsent with its error and the run goes on to the next one:
one broken mailbox never holds up everyone else's digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import Engine
from sqlmodel import select

from models.reads.notices import delivered_channels, unsent_ids
from models.settings import Settings
from models.storage.db import read_session
from models.storage.tables import Notice, Unit
from models.writes.notices import Try, claim, finish
from workflows import channels
from workflows.channels import OUTBOX


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


def outbox_name(notice: Notice) -> str:
    who = notice.recipient.replace(":", "-")
    return str(PurePosixPath(notice.kind) / notice.period.replace("/", "-") / who)


def _send_one(
    notice: Notice,
    already: set[str],
    settings: Settings,
    unit_channels: dict[str, list[str]],
    outbox: Path,
    report: DeliveryReport,
    engine: Engine,
    sleep: Callable[[float], None] | None,
) -> bool:
    message = channels.Message(
        subject=notice.subject,
        text=notice.body_text,
        markdown=notice.body_markdown,
        html=notice.body_html,
        name=outbox_name(notice),
    )
    tries: list[Try] = []
    ok = True
    urls = channels_of(notice.recipient, settings, unit_channels)
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
            **extra,
        )
        tries += [Try(a.channel, a.ok, a.error) for a in attempts]
        ok = ok and bool(attempts) and attempts[-1].ok
        report.outbox_files += [a.path for a in attempts if a.ok and a.path]
    finish(engine, notice.id, tries, sent=ok)  # type: ignore[arg-type]
    if ok and all(url == OUTBOX for url in urls):
        report.to_outbox += 1  # the office must pass it on: never reported as sent
    elif ok:
        report.sent += 1
    else:
        error = next((t.error for t in reversed(tries) if not t.ok), "")
        report.failed.append(f"{notice.recipient}（{notice.subject}）: {error}")
    return ok


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
    # Claimed one notice at a time, right before its send: a claim covers only the notice in hand,
    # never a queue of them waiting behind slow sends, so no claim runs out on a notice this sender
    # has yet to send and a second sender cannot take it too (one small UPDATE per notice is
    # nothing beside a send).
    for done, notice_id in enumerate(ids, start=1):
        won = claim(engine, [notice_id], seconds=settings.notify.claim_seconds)
        if not won:  # sent meanwhile, or in another sender's hands
            report.skipped += 1
            continue
        notice = won[0]
        already = delivered_channels(engine, [notice_id])[notice_id]
        try:
            ok = _send_one(notice, already, settings, unit_channels, outbox, report, engine, sleep)
        except Exception as error:  # one notice that cannot be sent must not stop the others
            ok = False  # its claim runs out after notify.claim_seconds; the next run tries again
            report.failed.append(
                f"{notice.recipient}（{notice.subject}）: {error.__class__.__name__}: {error}"
            )
        if progress:
            outcome = (
                (
                    "已写入发件箱"
                    if all(u == OUTBOX for u in channels_of(notice.recipient, settings, unit_channels))
                    else "已发送"
                )
                if ok
                else "发送失败"
            )
            progress(f"{done}/{len(ids)} {notice.recipient}: {outcome}")
    return report
