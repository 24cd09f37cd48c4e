"""Weekly digests: what each unit's digest lists, once per ISO week, and sending that survives a crash."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from peers import http_peer, smtp_peer  # noqa: F401 - fixtures
from sqlmodel import select
from workflow_ledger import ROOT, D, seed, seed_without_lead, set_channels, settings_for, write_config

from models.reads.digest import NO_LEAD, collect_digests, unit_digests, week_of
from models.storage.db import read_session, write_session
from models.storage.tables import Delivery, Notice, Task
from models.writes.ledger import update_task
from workflows.deliver import deliver
from workflows.digest import compose_digests
from workflows.notice_bodies import body
from workflows.use_cases import jobs
from workflows.use_cases.actor import Actor


def code_of(engine, title: str) -> str:
    with read_session(engine) as session:
        return session.exec(select(Task.code).where(Task.title == title)).one()


def test_each_unit_digest_lists_overdue_due_soon_done_and_stale(engine):
    seed(engine)
    with write_session(engine) as session:
        update_task(
            session, code_of(engine, "发布年度报告"), actor="办公室", status="done", day=D(2021, 3, 18)
        )
    with read_session(engine) as session:
        digests = {
            d.unit: d for d in unit_digests(session, as_of=D(2021, 3, 22), due_within=14, stale_days=30)
        }
    office = digests["办公室"]
    assert [t.title for t in office.overdue] == ["修订政府信息公开指南"]  # due 03-15
    assert [t.title for t in office.done] == ["发布年度报告"]  # done 03-18, within the week to 03-22
    assert office.due_soon == []
    # Nothing reported since the start of 2021 (80 days): stale, the open ones only.
    assert sorted(t.title for t in office.stale) == ["修订政府信息公开指南", "加强队伍建设"]
    # 法规处 supports the overdue task too, and leads nothing due within 14 days.
    assert [(t.title, t.role) for t in digests["法规处"].overdue] == [("修订政府信息公开指南", "support")]
    # The quarterly report has no stored date: it is due soon by its current period's end, 03-31.
    assert digests["信息中心"].overdue == []
    assert [(t.title, t.due_date) for t in digests["信息中心"].due_soon] == [
        ("报送政务公开工作进展", D(2021, 3, 31))
    ]
    # Ranked by overdue count: the two units with one overdue first, then by open tasks.
    assert list(digests)[:2] == ["法规处", "办公室"] or list(digests)[:2] == ["办公室", "法规处"]


def test_digests_are_queued_once_per_iso_week(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    first = compose_digests(engine, settings, as_of=D(2021, 3, 22))
    assert first.week == "2021-W12" == week_of(D(2021, 3, 22))
    assert first.queued == len(first.drafts) == 4  # three units and the office
    again = compose_digests(engine, settings, as_of=D(2021, 3, 24))  # same ISO week
    assert again.queued == 0
    assert compose_digests(engine, settings, as_of=D(2021, 3, 29)).queued == 4  # next week
    office = next(d for d in first.drafts if d.recipient == "office")
    assert (
        "法规处" in body(office, "text")
        and "<table>" in body(office, "html")
        and "| 单位" in body(office, "markdown")
    )


def test_a_recurring_task_is_overdue_by_the_period_its_unit_has_not_reported_for(engine, tmp_path):
    seed(engine)

    def quarterly(as_of: dt.date) -> tuple[list[dt.date | None], list[dt.date | None]]:
        with read_session(engine) as session:
            digest = next(
                d
                for d in unit_digests(session, as_of=as_of, due_within=14, stale_days=30)
                if d.unit == "信息中心"
            )
        return [t.due_date for t in digest.overdue], [t.due_date for t in digest.due_soon]

    assert quarterly(D(2021, 4, 5)) == ([D(2021, 3, 31)], [])  # Q1 unreported: overdue, as the ladder says
    assert quarterly(D(2021, 6, 20)) == ([D(2021, 3, 31)], [])  # still, until the unit reports
    with write_session(engine) as session:
        code = code_of(engine, "报送政务公开工作进展")
        update_task(session, code, actor="信息中心", progress=30, note="二季度报送", day=D(2021, 6, 21))
    # A report within Q2 fulfils Q2 (and catches Q1 up); Q3 comes due in September.
    assert quarterly(D(2021, 6, 28)) == ([], [])
    assert quarterly(D(2021, 9, 20)) == ([], [D(2021, 9, 30)])
    assert quarterly(D(2021, 10, 8)) == ([D(2021, 9, 30)], [])
    report = compose_digests(engine, settings_for(tmp_path, str(engine.url)), as_of=D(2021, 10, 8))
    unit = next(d for d in report.drafts if d.recipient == "unit:信息中心")
    assert "2021-09-30（每季度）" in body(unit, "text") and "逾期 1 项" in unit.subject


def test_the_office_digest_lists_the_points_no_unit_leads(engine, tmp_path):
    seed(engine)
    seed_without_lead(engine)
    with read_session(engine) as session:
        found = collect_digests(session, as_of=D(2021, 3, 22), due_within=14, stale_days=30)
    assert [t.title for t in found.no_lead.overdue] == ["无牵头单位的事项"]
    assert NO_LEAD not in [d.unit for d in found.units]
    report = compose_digests(engine, settings_for(tmp_path, str(engine.url)), as_of=D(2021, 3, 22))
    # No unit digest goes to the missing unit: the office's lists the point and counts it in a row.
    assert sorted(d.recipient for d in report.drafts) == [
        "office",
        "unit:信息中心",
        "unit:办公室",
        "unit:法规处",
    ]
    office = next(d for d in report.drafts if d.recipient == "office")
    assert f"{NO_LEAD}的逾期事项（1" in body(office, "text") and "无牵头单位的事项" in body(office, "text")
    assert f"| — | {NO_LEAD} | 1 |" in body(office, "markdown")


def test_a_failed_send_is_retried_reported_and_never_marked_sent(engine, tmp_path, http_peer):  # noqa: F811
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url), retries=2)
    set_channels(engine, "办公室", [http_peer.json_url()])
    http_peer.always = 500
    compose_digests(engine, settings, as_of=D(2021, 3, 22))
    report = deliver(engine, settings)
    assert (
        (report.sent, report.to_outbox) == (0, 3) and len(report.failed) == 1 and "办公室" in report.failed[0]
    )
    assert len(http_peer.received()) == 2  # two tries
    with read_session(engine) as session:
        notice = session.exec(select(Notice).where(Notice.recipient == "unit:办公室")).one()
        assert notice.sent_at is None and notice.attempts == 2 and "500" in notice.last_error
    http_peer.always = None
    again = deliver(engine, settings)
    assert again.sent == 1 and again.failed == []  # through its channel, not the outbox
    assert deliver(engine, settings).delivered == 0  # nothing left
    assert len(http_peer.received()) == 3


def test_a_notice_with_two_channels_is_resent_only_where_it_failed(engine, tmp_path, http_peer, smtp_peer):  # noqa: F811
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url), retries=1)
    set_channels(engine, "办公室", [smtp_peer.mailto(to="office@example.org"), http_peer.json_url()])
    http_peer.fail_next(1)
    compose_digests(engine, settings, as_of=D(2021, 3, 22))
    deliver(engine, settings)
    deliver(engine, settings)
    assert len(smtp_peer.messages) == 1  # the mail went out once, not again on the retry
    mail = smtp_peer.messages[0]
    assert "办公室" in mail.subject and "修订政府信息公开指南" in mail.html
    assert (
        len(http_peer.received()) == 2 and "修订政府信息公开指南" in http_peer.received()[-1].json["message"]
    )


def test_a_claimed_notice_is_left_to_its_sender(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    compose_digests(engine, settings, as_of=D(2021, 3, 22))
    from models.writes.notices import claim_batch

    with read_session(engine) as session:
        first = session.exec(select(Notice.id).order_by(Notice.id)).first()
    assert [n.id for n in claim_batch(engine, [first], seconds=600).notices] == [first]
    assert claim_batch(engine, [first], seconds=600).notices == []  # a second sender loses
    report = deliver(engine, settings)
    assert report.skipped == 0 and report.delivered == 3  # the claimed one is not even tried


def test_two_senders_never_send_one_notice_twice_when_sends_outlast_a_claim(engine, tmp_path, http_peer):  # noqa: F811
    seed(engine)
    hook = http_peer.json_url()
    settings = settings_for(tmp_path, str(engine.url), retries=1, claim_seconds=2, office=[hook])
    for unit in ("办公室", "法规处", "信息中心"):
        set_channels(engine, unit, [hook])
    compose_digests(engine, settings, as_of=D(2021, 3, 22))  # four notices
    http_peer.delay = 1.5  # two sends outlast a claim of 2 s
    first: list = []
    sender = threading.Thread(target=lambda: first.append(deliver(engine, settings)))
    sender.start()
    deadline = time.monotonic() + 30
    while len(http_peer.received()) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    # The first sender is on its third notice, 3 s after it started: a claim taken then on the
    # whole queue would have run out, and this second sender would take the third and fourth too.
    second = deliver(engine, settings)
    sender.join(timeout=30)
    titles = [request.json["title"] for request in http_peer.received()]
    assert len(titles) == len(set(titles)) == 4, titles
    assert first[0].delivered + second.delivered == 4 and second.delivered >= 1


def _blackhole() -> socket.socket:
    """A port that accepts connections into its backlog and never answers: a peer gone silent."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    return listener


def test_a_rerun_after_a_crash_between_two_sends_sends_only_what_is_missing(ledger_url, tmp_path, http_peer):  # noqa: F811
    from models.storage.db import open_ledger

    engine = open_ledger(ledger_url)
    seed(engine)
    config = write_config(tmp_path, retries=1, claim_seconds=0)
    env = {**os.environ, "DUBAN_CONFIG": str(config), "DUBAN_DATABASE_URL": ledger_url}
    duban = [sys.executable, "-m", "cli.main"]
    queued = subprocess.run(
        [*duban, "digest", "--as-of", "2021-03-22", "--no-send"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert queued.returncode == 0, queued.stderr
    with read_session(engine) as session:
        order = [n.recipient for n in session.exec(select(Notice).order_by(Notice.id))]
    silent = _blackhole()
    # The first notice goes to the live peer, the second to the silent one, the rest to the live peer.
    for position, recipient in enumerate(order):
        url = f"json://127.0.0.1:{silent.getsockname()[1]}/x" if position == 1 else http_peer.json_url()
        if recipient.startswith("unit:"):
            set_channels(engine, recipient[5:], [url])
    assert order[-1] == "office"  # the office digest goes to the outbox: configured in config.toml
    sender = subprocess.Popen(
        [*duban, "send"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while len(http_peer.received()) < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # the sender is now blocked on the silent peer
    os.killpg(sender.pid, signal.SIGKILL)
    sender.wait()
    silent.close()
    with read_session(engine) as session:
        sent = [n.recipient for n in session.exec(select(Notice).where(Notice.sent_at.is_not(None)))]
    assert sent == [order[0]]
    # The silent unit's channel now answers: the rerun sends the notices still missing, once each.
    set_channels(engine, order[1][5:], [http_peer.json_url()])
    rerun = subprocess.run([*duban, "send"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    titles = [request.json["title"] for request in http_peer.received()]
    assert len(titles) == len(set(titles)) == len(order) - 1  # every unit once; the office to the outbox
    with read_session(engine) as session:
        assert all(n.sent_at is not None for n in session.exec(select(Notice)))
        assert len(session.exec(select(Delivery).where(Delivery.ok.is_(True))).all()) == len(order)
    assert list((tmp_path / "outbox" / "digest" / "2021-W12").glob("office.md"))
    engine.dispose()


def test_the_digest_job_reports_where_everything_went(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    result = jobs.digest(engine, settings, Actor.system(), as_of=D(2021, 3, 22))
    assert result.failed == 0 and len([p for p in result.paths if p.endswith(".md")]) == 4
    assert any("周报 4 份，新排队 4 份" in line for line in result.lines)
