"""签收 on a real ledger (SQLite and PostgreSQL): the import and the assign use case hand tasks over,
the lead unit acknowledges its own tasks only, and one 签收催办 goes to the units still owing it
three Chinese working days later (over 国庆 2021: 10-01..07 off, 09-26 and 10-09 worked)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select
from workflow_ledger import UNITS, D, plan, settings_for

from models.rules.permissions import Role
from models.storage.db import read_session, write_session
from models.storage.tables import Assignment, Escalation, Journal, Notice, Task, Unit
from models.storage.tables import Role as UnitRole
from models.writes.ledger import import_plan
from models.writes.units import load_registry
from workflows.escalate import raise_due
from workflows.notice_bodies import body
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid
from workflows.use_cases.reporting import acknowledge
from workflows.use_cases.tasks import assign_unit

HANDED_OVER = D(2021, 9, 30)  # a Thursday; 国庆 follows


def seed(engine, day: dt.date | None = HANDED_OVER) -> None:
    with write_session(engine) as session:
        load_registry(session, UNITS)
        import_plan(session, plan(), key="2021-gongkai", actor="office", day=day)


def unit(engine, name: str) -> Actor:
    with read_session(engine) as session:
        unit_id = session.exec(select(Unit.id).where(Unit.name == name)).one()
    return Actor(name, Role.UNIT, unit_id=unit_id)


def code(engine, title: str) -> str:
    with read_session(engine) as session:
        return session.exec(select(Task.code).where(Task.title == title)).one()


def ack_chases(engine) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """task title -> (occurrence, raised_on) of its 签收催办."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Task.title, Escalation.occurrence, Escalation.raised_on)
            .join(Task)
            .where(Escalation.level == "ack")
            .order_by(Escalation.id)
        ).all()
    found: dict[str, list] = {}
    for title, occurrence, raised_on in rows:
        found.setdefault(title, []).append((occurrence, raised_on))
    return found


def test_the_import_hands_tasks_over_on_its_business_day(engine):
    seed(engine)
    with read_session(engine) as session:
        days = set(session.exec(select(Assignment.assigned_on)).all())
        acks = set(session.exec(select(Assignment.acknowledged_at)).all())
    assert days == {HANDED_OVER} and acks == {None}


def test_a_lead_unit_acknowledges_and_one_chase_goes_after_three_working_days_over_the_holiday(
    engine, tmp_path
):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    guide = code(engine, "修订政府信息公开指南")  # 办公室 leads, 法规处 supports
    done = acknowledge(engine, unit(engine, "办公室"), guide, today=D(2021, 10, 8))
    assert (done.units, done.already, done.day) == (["办公室"], [], D(2021, 10, 8))
    again = acknowledge(engine, unit(engine, "办公室"), guide, today=D(2021, 10, 9))
    assert (again.units, again.already) == ([], ["办公室"])

    notices_on: dict[dt.date, set[str]] = {}
    day = D(2021, 10, 1)
    while day <= D(2021, 10, 20):
        with read_session(engine) as session:
            before = set(session.exec(select(Notice.id)).all())
        raise_due(engine, settings, as_of=day)
        with read_session(engine) as session:
            new = session.exec(select(Notice).where(Notice.id.not_in(before))).all()  # type: ignore[union-attr]
        notices_on[day] = {n.recipient: body(n, "text") for n in new}  # type: ignore[assignment]
        day += dt.timedelta(days=1)

    found = ack_chases(engine)
    # Every task but the acknowledged one, once, on the third working day after 09-30: 10-08, 10-09
    # (a Saturday worked), 10-11.
    assert found == {
        title: [(HANDED_OVER, D(2021, 10, 11))]
        for title in (
            "更新权责清单",
            "报送政务公开工作进展",
            "持续做好政策解读",
            "发布年度报告",
            "加强队伍建设",
        )
    }
    sent = notices_on[D(2021, 10, 11)]
    assert set(sent) == {"unit:办公室", "unit:法规处", "unit:信息中心"}
    assert "发布年度报告" in sent["unit:办公室"] and "修订政府信息公开指南" not in sent["unit:办公室"]
    # 法规处 only supports the guide: it owes no 签收 for it.
    assert "修订政府信息公开指南" not in sent["unit:法规处"] and "更新权责清单" in sent["unit:法规处"]
    with read_session(engine) as session:
        journal = session.exec(select(Journal).where(Journal.action == "acknowledge")).all()
    assert [(j.actor, j.field, j.day) for j in journal] == [("办公室", "unit:办公室", D(2021, 10, 8))]


def test_a_unit_acknowledges_only_its_own_tasks_and_only_as_lead(engine):
    seed(engine)
    guide = code(engine, "修订政府信息公开指南")
    with pytest.raises(Invalid):
        acknowledge(engine, unit(engine, "法规处"), guide, today=D(2021, 10, 8))  # supports it
    with pytest.raises(Denied):
        acknowledge(engine, unit(engine, "信息中心"), guide, today=D(2021, 10, 8))  # not its task
    with pytest.raises(Denied):
        acknowledge(engine, Actor("张副局长", Role.LEADER), guide, today=D(2021, 10, 8))
    with pytest.raises(Denied):  # a unit user cannot act for another unit
        acknowledge(engine, unit(engine, "办公室"), guide, today=D(2021, 10, 8), unit="法规处")
    with read_session(engine) as session:
        assert session.exec(select(Assignment).where(Assignment.acknowledged_at.is_not(None))).all() == []  # type: ignore[union-attr]
        assert session.exec(select(Journal).where(Journal.action == "acknowledge")).all() == []


def test_the_assign_use_case_hands_over_and_the_new_lead_is_chased_on_its_own_day(engine, tmp_path):
    seed(engine, day=None)  # tasks from before the lifecycle: counted as acknowledged, never chased
    settings = settings_for(tmp_path, str(engine.url))
    report = code(engine, "发布年度报告")  # 办公室 leads
    assign_unit(
        engine, Actor.operator("office"), report, unit="法规处", role=UnitRole.LEAD, today=D(2021, 10, 12)
    )
    for day in (D(2021, 10, 14), D(2021, 10, 15), D(2021, 10, 18)):
        raise_due(engine, settings, as_of=day)
    # 10-12 (Tue) + 3 working days = 10-15; only the new lead owes the 签收.
    assert ack_chases(engine) == {"发布年度报告": [(D(2021, 10, 12), D(2021, 10, 15))]}
    with read_session(engine) as session:
        notice = session.exec(
            select(Notice).where(Notice.period.startswith("2021-10-15/"))  # type: ignore[attr-defined]
        ).all()
    assert [n.recipient for n in notice] == ["unit:法规处"]


def test_the_office_acknowledges_for_every_lead_unit_owing_it(engine):
    seed(engine)
    guide = code(engine, "修订政府信息公开指南")
    done = acknowledge(engine, Actor.operator("office"), guide, today=D(2021, 10, 8), day=D(2021, 10, 6))
    assert done.units == ["办公室"] and done.day == D(2021, 10, 6)  # the office may name the day
