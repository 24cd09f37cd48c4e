"""Escalation over a simulated year on a real ledger (SQLite and PostgreSQL): every level once."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select
from workflow_ledger import D, seed, seed_without_lead, settings_for

from models.storage.db import read_session, write_session
from models.storage.tables import Escalation, Notice, Task
from models.writes.ledger import defer_task, update_task
from workflows.escalate import raise_due
from workflows.notice_bodies import body


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def raised(engine) -> dict[str, list[tuple[str, dt.date, dt.date, bool]]]:
    """task title -> (level, occurrence, raised_on, skipped) in order."""
    with read_session(engine) as session:
        rows = session.exec(select(Escalation, Task.title).join(Task).order_by(Escalation.id)).all()
    found: dict[str, list] = {}
    for escalation, title in rows:
        found.setdefault(title, []).append(
            (escalation.level, escalation.occurrence, escalation.raised_on, escalation.skipped)
        )
    return found


def code_of(engine, title: str) -> str:
    with read_session(engine) as session:
        return session.exec(select(Task.code).where(Task.title == title)).one()


def test_a_simulated_year_raises_each_level_exactly_once(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    events = {
        D(2021, 2, 1): lambda s: update_task(
            s, code_of(engine, "发布年度报告"), actor="办公室", status="done", day=D(2021, 2, 1)
        ),
        D(2021, 5, 10): lambda s: update_task(
            s,
            code_of(engine, "报送政务公开工作进展"),
            actor="信息中心",
            progress=40,
            note="一季度已报送",
            day=D(2021, 5, 10),
        ),
        D(2021, 6, 5): lambda s: defer_task(
            s,
            code_of(engine, "更新权责清单"),
            to=D(2021, 7, 31),
            reason="等待上级清单",
            actor="office",
            day=D(2021, 6, 5),
        ),
    }
    for day in days(D(2021, 1, 1), D(2021, 12, 31)):
        if day in events:
            with write_session(engine) as session:
                events[day](session)
        raise_due(engine, settings, as_of=day)
        if day in (D(2021, 4, 14), D(2021, 8, 30)):
            # A second run the same day raises nothing more.
            assert raise_due(engine, settings, as_of=day).raised == {}

    found = raised(engine)
    assert found["修订政府信息公开指南"] == [
        ("reminder", D(2021, 3, 15), D(2021, 3, 8), False),
        ("overdue", D(2021, 3, 15), D(2021, 3, 15), False),
        ("supervise", D(2021, 3, 15), D(2021, 3, 29), False),
        ("notify", D(2021, 3, 15), D(2021, 4, 14), False),
    ]
    # Deferred on 06-05 to 07-31: the old date's ladder stops at 催办, the new date's starts afresh.
    assert found["更新权责清单"] == [
        ("reminder", D(2021, 5, 31), D(2021, 5, 24), False),
        ("overdue", D(2021, 5, 31), D(2021, 5, 31), False),
        ("reminder", D(2021, 7, 31), D(2021, 7, 24), False),
        ("overdue", D(2021, 7, 31), D(2021, 7, 31), False),
        ("supervise", D(2021, 7, 31), D(2021, 8, 14), False),
        ("notify", D(2021, 7, 31), D(2021, 8, 30), False),
    ]
    # Quarterly: Q1 climbs the whole ladder; the 05-10 report fulfils Q2; Q3 climbs; Q4 reaches 催办.
    quarterly = found["报送政务公开工作进展"]
    assert [(level, occ) for level, occ, _, _ in quarterly] == [
        ("reminder", D(2021, 3, 31)),
        ("overdue", D(2021, 3, 31)),
        ("supervise", D(2021, 3, 31)),
        ("notify", D(2021, 3, 31)),
        ("reminder", D(2021, 9, 30)),
        ("overdue", D(2021, 9, 30)),
        ("supervise", D(2021, 9, 30)),
        ("notify", D(2021, 9, 30)),
        ("reminder", D(2021, 12, 31)),
        ("overdue", D(2021, 12, 31)),
    ]
    # Ongoing: one check-in on the first of every month, never a due-date level.
    ongoing = found["持续做好政策解读"]
    assert [(level, raised_on) for level, _, raised_on, _ in ongoing] == [
        ("checkin", D(2021, month, 1)) for month in range(1, 13)
    ]
    assert "发布年度报告" not in found  # done before its reminder
    assert "加强队伍建设" not in found  # no deadline at all
    assert not any(skipped for rows in found.values() for *_, skipped in rows)

    with read_session(engine) as session:
        notices = session.exec(select(Notice).where(Notice.period.startswith("2021-03-29"))).all()
    # 督办 goes to the lead unit and its leader in charge (张副局长 for 办公室).
    assert sorted(n.recipient for n in notices) == ["leader:张副局长", "unit:办公室"]
    assert all("督办" in n.subject for n in notices)


def test_a_first_run_on_an_old_ledger_sends_only_the_highest_level(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    report = raise_due(engine, settings, as_of=D(2021, 4, 20))
    found = raised(engine)["修订政府信息公开指南"]
    assert [(level, skipped) for level, *_, skipped in found] == [
        ("reminder", True),
        ("overdue", True),
        ("supervise", True),
        ("notify", False),
    ]
    assert report.skipped >= 3
    # Nothing is raised again the next day, and skipped levels never come back.
    assert raise_due(engine, settings, as_of=D(2021, 4, 21)).raised == {}


def test_a_leaderless_unit_has_the_office_stand_in_for_the_leader(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    raise_due(engine, settings, as_of=D(2021, 6, 14))  # 更新权责清单 (法规处, no leader) reaches 督办
    with read_session(engine) as session:
        recipients = {n.recipient for n in session.exec(select(Notice)).all() if "督办" in n.subject}
    assert "office" in recipients


def test_a_level_with_nobody_to_tell_goes_to_the_office(engine, tmp_path):
    seed(engine)
    seed_without_lead(engine)
    settings = settings_for(tmp_path, str(engine.url))
    raise_due(engine, settings, as_of=D(2021, 3, 15))  # 催办 (lead, support) of a point naming no unit
    with read_session(engine) as session:
        notices = {n.recipient: body(n, "text") for n in session.exec(select(Notice)).all()}
    assert "无牵头单位的事项" in notices["office"]
    assert "无牵头单位的事项" not in notices["unit:办公室"]


def test_dry_run_writes_nothing(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    report = raise_due(engine, settings, as_of=D(2021, 4, 20), dry_run=True)
    assert report.raised and report.preview
    with read_session(engine) as session:
        assert session.exec(select(Escalation)).all() == []
        assert session.exec(select(Notice)).all() == []
