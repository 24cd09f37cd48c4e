"""领导批示, replies and 催办记录 through their use cases, on SQLite and PostgreSQL: who may write what,
the notices each sends (once), what a refusal leaves behind (nothing), and the weekly digest's part.

The seeded ledger (tests/workflow_ledger.py): 修订政府信息公开指南 led by 办公室 with 法规处 supporting;
发布年度报告 led by 办公室 alone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select
from workflow_ledger import seed, settings_for

from models.errors import BadInput, NotFound, PermissionDenied
from models.reads.instructions import chases_of, instructions_of
from models.storage.db import read_session, write_session
from models.storage.tables import Chase, Instruction, Journal, Notice, NoticeKind, Task
from models.writes.users import add_user
from workflows.deliver import deliver
from workflows.digest import compose_digests
from workflows.notice_bodies import body
from workflows.use_cases.actor import Actor, cli_actor
from workflows.use_cases.instructions import record_chase, reply_instruction, write_instruction

TODAY = dt.date(2021, 4, 20)
GUIDE = "修订政府信息公开指南"  # 办公室 leads, 法规处 supports
REPORT = "发布年度报告"  # 办公室 alone


@pytest.fixture
def ledger(engine, tmp_path, ledger_url):
    seed(engine)
    with write_session(engine) as session:
        add_user(session, "王局长", role="leader", password="correct horse battery")
        add_user(session, "office", role="office", password="correct horse battery")
        add_user(session, "办公室文员", role="unit", unit="办公室", password="correct horse battery")
        add_user(session, "法规处文员", role="unit", unit="法规处", password="correct horse battery")
    return engine, settings_for(tmp_path, ledger_url)


def actor(engine, name: str) -> Actor:
    with read_session(engine) as session:
        return cli_actor(session, name)


def code_of(engine, title: str) -> str:
    with read_session(engine) as session:
        return session.exec(select(Task.code).where(Task.title == title)).one()


def notices(engine) -> list[tuple[str, str, str]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(Notice).where(Notice.kind == NoticeKind.INSTRUCTION.value).order_by(Notice.id)
        )
        return [(n.period, n.recipient, n.subject) for n in rows]


def count(engine, table) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_a_leaders_instruction_notifies_each_unit_of_the_task_once(ledger):
    engine, settings = ledger
    code = code_of(engine, GUIDE)
    written = write_instruction(
        engine, settings, actor(engine, "王局长"), code, text="请于月底前完成修订并报我阅。", today=TODAY
    )
    assert written.notified == ["unit:办公室", "unit:法规处"]
    assert written.day == TODAY  # a leader's 批示 counts for today, whatever day is asked
    found = notices(engine)
    assert [(p, r) for p, r, _ in found] == [
        (f"{code}/I{written.id}", "unit:办公室"),
        (f"{code}/I{written.id}", "unit:法规处"),
    ]
    assert all("王局长" in subject and code in subject for _, _, subject in found)

    first = deliver(engine, settings)
    again = deliver(engine, settings)
    assert (first.delivered, again.delivered) == (2, 0)  # sent once, never again
    outbox = sorted(
        p.read_text(encoding="utf-8") for p in settings.resolve(settings.notify.outbox).rglob("*.md")
    )
    assert len(outbox) == 2 and all("请于月底前完成修订并报我阅。" in text for text in outbox)

    # A second 批示 is news of its own: two more notices, the first two untouched.
    write_instruction(engine, settings, actor(engine, "王局长"), code, text="进度偏慢，请加快。", today=TODAY)
    assert len(notices(engine)) == 4
    with read_session(engine) as session:
        task_id = session.exec(select(Task.id).where(Task.code == code)).one()
        threads = instructions_of(session, task_id)
        journal = session.exec(
            select(Journal.action, Journal.actor).where(Journal.action == "instruct")
        ).all()
    assert [t.text for t in threads] == ["进度偏慢，请加快。", "请于月底前完成修订并报我阅。"]  # newest first
    assert journal == [("instruct", "王局长"), ("instruct", "王局长")]


def test_a_unit_cannot_write_an_instruction_and_nothing_is_written(ledger):
    engine, settings = ledger
    code = code_of(engine, GUIDE)
    for name in ("办公室文员", "office"):
        with pytest.raises(PermissionDenied, match="领导"):
            write_instruction(engine, settings, actor(engine, name), code, text="自己批示自己", today=TODAY)
    assert count(engine, Instruction) == 0 and notices(engine) == []


def test_an_empty_instruction_is_refused(ledger):
    engine, settings = ledger
    with pytest.raises(BadInput, match="批示内容为空"):
        write_instruction(
            engine, settings, actor(engine, "王局长"), code_of(engine, GUIDE), text="  \n ", today=TODAY
        )
    assert count(engine, Instruction) == 0 and count(engine, Notice) == 0


def test_a_unit_replies_on_its_own_task_only_and_the_leader_is_told_once(ledger):
    engine, settings = ledger
    guide, report = code_of(engine, GUIDE), code_of(engine, REPORT)
    leader = actor(engine, "王局长")
    first = write_instruction(engine, settings, leader, report, text="年报请提前发布。", today=TODAY)
    with pytest.raises(PermissionDenied, match=report):
        reply_instruction(engine, settings, actor(engine, "法规处文员"), report, text="收到", today=TODAY)
    with pytest.raises(PermissionDenied):
        reply_instruction(engine, settings, leader, report, text="领导不回复自己", today=TODAY)
    assert count(engine, Instruction) == 1

    answer = reply_instruction(
        engine, settings, actor(engine, "办公室文员"), report, text="已安排，4月25日发布。", today=TODAY
    )
    assert answer.notified == ["leader:王局长"]
    assert notices(engine)[-1][:2] == (f"{report}/R{answer.id}", "leader:王局长")
    with read_session(engine) as session:
        task_id = session.exec(select(Task.id).where(Task.code == report)).one()
        (thread,) = instructions_of(session, task_id)
    assert thread.id == first.id
    assert [(r.unit, r.author, r.text) for r in thread.replies] == [
        ("办公室", "办公室文员", "已安排，4月25日发布。")
    ]

    # A supporting unit answers on its task too; a 批示 of another task cannot be answered here.
    on_guide = write_instruction(engine, settings, leader, guide, text="请法规处配合。", today=TODAY)
    reply_instruction(
        engine,
        settings,
        actor(engine, "法规处文员"),
        guide,
        text="配合",
        today=TODAY,
        instruction_id=on_guide.id,
    )
    with pytest.raises(NotFound):
        reply_instruction(
            engine,
            settings,
            actor(engine, "法规处文员"),
            guide,
            text="错挂",
            today=TODAY,
            instruction_id=first.id,
        )
    # A task without any 批示 has nothing to answer.
    with pytest.raises(NotFound, match="没有可回复的批示"):
        reply_instruction(
            engine,
            settings,
            actor(engine, "办公室文员"),
            code_of(engine, "加强队伍建设"),
            text="?",
            today=TODAY,
        )
    assert count(engine, Instruction) == 4


def test_the_office_records_a_chase_and_a_leader_or_unit_cannot(ledger):
    engine, _ = ledger
    code = code_of(engine, GUIDE)
    for name in ("王局长", "办公室文员"):
        with pytest.raises(PermissionDenied):
            record_chase(
                engine, actor(engine, name), code, method="phone", contact="王科长", note="催", today=TODAY
            )
    done = record_chase(
        engine,
        actor(engine, "office"),
        code,
        method="phone",
        contact="王科长",
        note="答应4月底前报送修订稿",
        today=TODAY,
        day=dt.date(2021, 4, 19),
    )
    assert (done.unit, done.day) == ("办公室", dt.date(2021, 4, 19))  # the lead unit when none is named
    record_chase(
        engine,
        actor(engine, "office"),
        code,
        method="wechat",
        contact="李处长",
        note="已提醒",
        unit="法规处",
        today=TODAY,
    )
    with read_session(engine) as session:
        task_id = session.exec(select(Task.id).where(Task.code == code)).one()
        rows = chases_of(session, task_id)
        journal = session.exec(
            select(Journal.note).where(Journal.action == "chase").order_by(Journal.id)
        ).all()
    assert [(c.day, c.method, c.unit, c.contact, c.recorded_by) for c in rows] == [
        (TODAY, "wechat", "法规处", "李处长", "office"),
        (dt.date(2021, 4, 19), "phone", "办公室", "王科长", "office"),
    ]
    assert journal == ["王科长：答应4月底前报送修订稿", "李处长：已提醒"]
    assert count(engine, Notice) == 0  # a chase is a record of a call, not a message


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"method": "fax"}, BadInput, "催办方式"),
        ({"contact": " "}, BadInput, "联系人为空"),
        ({"note": ""}, BadInput, "沟通内容为空"),
        ({"day": dt.date(2021, 4, 21)}, BadInput, "晚于今天"),
        ({"unit": "信息中心"}, BadInput, "不是任务"),
        ({"unit": "不存在的处"}, NotFound, "不存在的处"),
    ],
)
def test_a_bad_chase_is_refused_and_nothing_is_written(ledger, changes, error, match):
    engine, _ = ledger
    values = {"method": "phone", "contact": "王科长", "note": "催", "day": None, "unit": None} | changes
    with pytest.raises(error, match=match):
        record_chase(engine, actor(engine, "office"), code_of(engine, GUIDE), today=TODAY, **values)
    assert count(engine, Chase) == 0
    with read_session(engine) as session:
        assert session.exec(select(func.count()).where(Journal.action == "chase")).one() == 0


def test_the_units_weekly_digest_lists_the_weeks_instructions(ledger):
    engine, settings = ledger
    code = code_of(engine, REPORT)
    admin = Actor.operator("admin")  # may name the day of the 批示, as the digest's week needs
    write_instruction(engine, settings, admin, code, text="上周的批示", today=TODAY, day=dt.date(2021, 4, 12))
    write_instruction(
        engine, settings, admin, code, text="本周的批示：年报务必按时公开", today=TODAY, day=TODAY
    )
    report = compose_digests(engine, settings, as_of=TODAY, dry_run=True)
    (office_unit,) = [d for d in report.drafts if d.recipient == "unit:办公室"]
    assert "本周领导批示（1）" in body(office_unit, "text")
    assert "本周的批示：年报务必按时公开" in body(office_unit, "text") and "上周的批示" not in body(
        office_unit, "text"
    )
    # 法规处 has no task with a 批示: its digest has no such part.
    others = [d for d in report.drafts if d.recipient == "unit:法规处"]
    assert all("领导批示" not in body(d, "text") for d in others)
