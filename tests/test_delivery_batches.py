"""Sending in batches: claims sized to the send rate and renewed while sending, outbox files synced
once per batch before they are marked sent (issue 14, item 3). The exactly-once tests of senders
that die or outlast their claims are in tests/test_digest.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import event
from sqlmodel import select
from workflow_ledger import settings_for

from models.files.files import atomic_path, sync_files
from models.storage.db import read_session, write_session
from models.storage.tables import Delivery, Notice
from models.writes.notices import Draft, claim_batch, queue, renew
from workflows.deliver import MAX_BATCH, _batch_size, deliver


def drafts(count: int) -> list[Draft]:
    return [
        Draft(
            "digest", "2021-W12", f"unit:单位{n:03d}", f"督办周报 单位{n:03d}", "正文", "正文", "<p>正文</p>"
        )
        for n in range(count)
    ]


def test_outbox_notices_are_recorded_a_batch_at_a_time(engine, tmp_path: Path) -> None:
    with write_session(engine) as session:
        queue(session, drafts(120))
    settings = settings_for(tmp_path, str(engine.url))
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    report = deliver(engine, settings)
    assert report.to_outbox == 120 and report.failed == [] and report.skipped == 0
    assert len(report.outbox_files) == 120
    assert all(
        Path(path).read_text(encoding="utf-8").startswith("# 督办周报") for path in report.outbox_files
    )
    with read_session(engine) as session:
        assert all(n.sent_at is not None and n.claimed_until is None for n in session.exec(select(Notice)))
        assert len(session.exec(select(Delivery).where(Delivery.ok.is_(True))).all()) == 120
    # One claim and one record per batch, not two commits per notice as a notice-at-a-time sender.
    assert len(commits) < 120 / 2, len(commits)


def test_a_renewal_keeps_only_the_claims_the_sender_still_holds(engine) -> None:
    with write_session(engine) as session:
        queue(session, drafts(3))
    with read_session(engine) as session:
        ids = list(session.exec(select(Notice.id).order_by(Notice.id)))
    start = dt.datetime(2021, 3, 22, 8, 0, tzinfo=dt.UTC)
    mine = claim_batch(engine, ids, seconds=60, now=start)
    assert [n.id for n in mine.notices] == ids and mine.until == start + dt.timedelta(seconds=60)
    # Our claims run out; another sender takes the first notice with its own claim.
    later = start + dt.timedelta(seconds=90)
    theirs = claim_batch(engine, ids[:1], seconds=60, now=later)
    assert [n.id for n in theirs.notices] == ids[:1]
    kept, until = renew(engine, ids, held_until=mine.until, seconds=60, now=later)
    assert kept == set(ids[1:]) and until == later + dt.timedelta(seconds=60)
    # A renewal with a time no longer on the rows (ours moved on) holds nothing.
    assert renew(engine, ids, held_until=mine.until, seconds=60, now=later)[0] == set()


def test_the_batch_follows_the_send_rate() -> None:
    assert _batch_size(600, elapsed=0.001, handled=1) == MAX_BATCH  # outbox files: disk speed
    assert _batch_size(2, elapsed=1.5, handled=1) == 1  # a send taking most of a claim
    assert _batch_size(60, elapsed=1.0, handled=1) == 30  # half a claim's worth of sends
    assert _batch_size(0, elapsed=0.001, handled=1) == 1  # no lease at all: one at a time


def test_files_written_unsynced_are_made_durable_by_one_call(tmp_path: Path) -> None:
    paths = [tmp_path / "a" / f"{n}.md" for n in range(5)] + [tmp_path / "b" / "x.md"]
    for path in paths:
        with atomic_path(path, sync=False) as temporary:
            temporary.write_text(path.name, encoding="utf-8")
    sync_files(paths)
    assert [path.read_text(encoding="utf-8") for path in paths] == [path.name for path in paths]
    assert not list(tmp_path.rglob(".*.tmp"))
