"""The inboxes on a real ledger (SQLite and PostgreSQL), as of 2021-10-26 with monthly reports due by
the 25th: a unit's 待签收 / 待报送 / 被退回 / 延期结果, the office's 待审批延期 / 待审核办结 / 未签收 /
未报送, a leader's 需关注 and 批示 replies. Requests and instructions are written to their tables as
the requests and instructions use cases leave them."""

from __future__ import annotations

import pytest
from sqlmodel import select
from test_acknowledge import code, seed, unit
from test_reporting import monthly
from workflow_ledger import D

from models.rules.permissions import Role
from models.storage.db import read_session, write_session
from models.storage.tables import Instruction, Task, TaskRequest, Unit
from models.writes.ledger import defer_task
from workflows.escalate import raise_due
from workflows.use_cases.actor import Actor
from workflows.use_cases.inbox import inbox_of
from workflows.use_cases.reporting import acknowledge, submit_report

AS_OF = D(2021, 10, 26)


def request(session, title: str, unit_name: str, kind: str, state: str, **values) -> TaskRequest:
    task = session.exec(select(Task).where(Task.title == title)).one()
    unit_id = session.exec(select(Unit.id).where(Unit.name == unit_name)).one()
    row = TaskRequest(
        task_id=task.id, unit_id=unit_id, kind=kind, state=state, requested_on=D(2021, 10, 1), **values
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def ledger(engine, tmp_path):
    seed(engine, day=D(2021, 9, 1))
    settings = monthly(tmp_path, engine)
    office = unit(engine, "办公室")
    guide = code(engine, "修订政府信息公开指南")
    acknowledge(engine, office, guide, today=D(2021, 9, 2))
    submit_report(
        engine, settings.lifecycle, office, guide, progress=40, text="已起草", today=D(2021, 10, 20)
    )
    with write_session(engine) as session:
        request(
            session,
            "发布年度报告",
            "办公室",
            "completion",
            "rejected",
            reason="已发布",
            decided_on=D(2021, 10, 15),
            decision_note="缺少发布链接",
        )
        request(
            session,
            "加强队伍建设",
            "办公室",
            "completion",
            "rejected",
            reason="已培训",
            decided_on=D(2021, 10, 2),
        )
        request(session, "加强队伍建设", "办公室", "completion", "pending", reason="已补充培训记录")
        request(
            session,
            "修订政府信息公开指南",
            "办公室",
            "extension",
            "approved",
            new_due_date=D(2021, 12, 31),
            decided_on=D(2021, 10, 10),
            decision_note="同意",
        )
        request(
            session,
            "修订政府信息公开指南",
            "办公室",
            "extension",
            "rejected",
            new_due_date=D(2021, 6, 30),
            decided_on=D(2021, 8, 1),
        )
        request(
            session,
            "更新权责清单",
            "法规处",
            "extension",
            "pending",
            new_due_date=D(2021, 11, 30),
            reason="等待上级清单",
            late=True,
        )
        guide_task = session.exec(select(Task).where(Task.title == "修订政府信息公开指南")).one()
        asked = Instruction(task_id=guide_task.id, author="张副局长", text="请加快进度", day=D(2021, 10, 20))
        session.add(asked)
        session.flush()
        office_id = session.exec(select(Unit.id).where(Unit.name == "办公室")).one()
        session.add(
            Instruction(
                task_id=guide_task.id,
                parent_id=asked.id,
                author="办公室",
                unit_id=office_id,
                text="已部署",
                day=D(2021, 10, 21),
            )
        )
    raise_due(engine, settings, as_of=AS_OF)  # a first run: the highest level of each late task
    return engine, settings


def titles(inbox, key: str) -> list[str]:
    return sorted(item.title for item in inbox.sections[key])


def test_a_units_inbox(ledger):
    engine, settings = ledger
    mine = inbox_of(engine, settings, unit(engine, "办公室"), as_of=AS_OF)
    assert list(mine.sections) == ["to_acknowledge", "to_report", "returned", "extension_results"]
    assert titles(mine, "to_acknowledge") == ["加强队伍建设", "发布年度报告"]
    assert all(item.late and item.day == D(2021, 9, 6) for item in mine.sections["to_acknowledge"])
    assert titles(mine, "to_report") == ["加强队伍建设", "发布年度报告"]  # the guide is reported for 2021-10
    returned = mine.sections["returned"]  # the later completion of 加强队伍建设 is pending again
    assert [(i.title, i.detail, i.day) for i in returned] == [
        ("发布年度报告", "缺少发布链接", D(2021, 10, 15))
    ]
    results = mine.sections["extension_results"]  # the one decided in August is old news
    assert [(i.title, i.state, i.detail) for i in results] == [
        ("修订政府信息公开指南", "approved", "2021-12-31 同意")
    ]
    # A supporting unit reports its part: the guide is in 法规处's 待报送, not in its 待签收.
    other = inbox_of(engine, settings, unit(engine, "法规处"), as_of=AS_OF)
    assert titles(other, "to_report") == ["修订政府信息公开指南", "持续做好政策解读", "更新权责清单"]
    assert titles(other, "to_acknowledge") == ["持续做好政策解读", "更新权责清单"]
    assert other.sections["returned"] == [] and other.sections["extension_results"] == []


def test_the_offices_inbox(ledger):
    engine, settings = ledger
    office = inbox_of(engine, settings, Actor.operator("office"), as_of=AS_OF)
    assert list(office.sections) == [
        "extensions_pending",
        "completions_pending",
        "unacknowledged",
        "unreported",
    ]
    pending = office.sections["extensions_pending"]
    assert [(i.title, i.unit, i.detail, i.late) for i in pending] == [
        ("更新权责清单", "法规处", "2021-11-30 等待上级清单", True)
    ]
    assert titles(office, "completions_pending") == ["加强队伍建设"]
    everyone_but_the_guide = sorted(
        ["加强队伍建设", "发布年度报告", "持续做好政策解读", "报送政务公开工作进展", "更新权责清单"]
    )
    assert titles(office, "unacknowledged") == everyone_but_the_guide
    assert titles(office, "unreported") == everyone_but_the_guide
    assert {i.day for i in office.sections["unreported"]} == {D(2021, 10, 25)}


def test_a_leaders_inbox(ledger):
    engine, settings = ledger
    zhang = inbox_of(engine, settings, Actor("张副局长", Role.LEADER), as_of=AS_OF)  # 办公室's leader
    assert list(zhang.sections) == ["attention", "instruction_replies"]
    assert [(i.title, i.state) for i in zhang.sections["attention"]] == [
        ("修订政府信息公开指南", "notify"),
        ("发布年度报告", "notify"),
    ]
    replies = zhang.sections["instruction_replies"]
    assert [(i.title, i.unit, i.about, i.detail) for i in replies] == [
        ("修订政府信息公开指南", "办公室", "请加快进度", "已部署")
    ]
    li = inbox_of(engine, settings, Actor("李副局长", Role.LEADER), as_of=AS_OF)  # 信息中心's leader
    assert titles(li, "attention") == ["报送政务公开工作进展"] and li.sections["instruction_replies"] == []
    # A leader in charge of no unit sees every task at those levels.
    head = inbox_of(engine, settings, Actor("王局长", Role.LEADER), as_of=AS_OF)
    assert titles(head, "attention") == sorted(
        [
            "修订政府信息公开指南",
            "发布年度报告",
            "报送政务公开工作进展",
            "更新权责清单",
        ]
    )
    # An approved extension (a new date) takes the task off the list until the ladder reaches it again.
    with write_session(engine) as session:
        defer_task(
            session,
            code(engine, "修订政府信息公开指南"),
            to=D(2021, 12, 31),
            reason="批准延期",
            actor="office",
        )
    zhang = inbox_of(engine, settings, Actor("张副局长", Role.LEADER), as_of=AS_OF)
    assert titles(zhang, "attention") == ["发布年度报告"]


def test_a_closed_task_leaves_every_inbox(ledger):
    engine, settings = ledger
    with write_session(engine) as session:
        task = session.exec(select(Task).where(Task.title == "发布年度报告")).one()
        task.status = "done"
        session.add(task)
    mine = inbox_of(engine, settings, unit(engine, "办公室"), as_of=AS_OF)
    for key in ("to_acknowledge", "to_report", "returned"):
        assert "发布年度报告" not in titles(mine, key)
    with read_session(engine) as session:
        assert session.exec(
            select(TaskRequest).where(TaskRequest.state == "rejected")
        ).all()  # kept, not shown


def test_a_long_section_lists_its_first_rows_and_counts_them_all(ledger, monkeypatch):
    from models.reads import inbox as inbox_module

    engine, settings = ledger
    monkeypatch.setattr(inbox_module, "LIMIT", 2)
    office = inbox_of(engine, settings, Actor.operator("office"), as_of=AS_OF)
    assert len(office.sections["unacknowledged"]) == 2 and office.totals["unacknowledged"] == 5
    assert len(office.sections["unreported"]) == 2 and office.totals["unreported"] == 5
    assert office.totals["completions_pending"] == 1
