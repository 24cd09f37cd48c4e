"""Periodic reports (报送) on a real ledger (SQLite and PostgreSQL): monthly by the 25th, the lead
unit's report is its progress update, the supporting units' parts are gathered under it, and one
报送催办 per period goes to the lead units that have not reported."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select
from test_acknowledge import code, seed, unit
from workflow_ledger import D, settings_for

from models.reads.names import plan_names
from models.reads.reporting import reports_of, unacknowledged, unreported
from models.rules.calendar import WorkCalendar
from models.rules.permissions import Role
from models.rules.report_cycle import chased_period, period_of
from models.storage.db import read_session, write_session
from models.storage.tables import Escalation, Journal, Notice, Task, TaskReport
from models.writes.ledger import get_task
from models.writes.ledger import update_task as ledger_update
from workflows.escalate import raise_due
from workflows.notice_bodies import body
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid
from workflows.use_cases.reporting import submit_report


def monthly(tmp_path, engine, cycle: str = "monthly"):
    settings = settings_for(tmp_path, str(engine.url))
    lifecycle = settings.lifecycle.model_copy(update={"report_cycle": cycle, "report_day": 25})
    return settings.model_copy(update={"lifecycle": lifecycle})


def test_periods_and_the_period_chased():
    assert period_of(D(2026, 11, 3), "monthly", 25).label == "2026-11"
    assert period_of(D(2026, 11, 3), "quarterly", 25).label == "2026-Q4"
    assert period_of(D(2026, 2, 10), "monthly", 30).due == D(2026, 2, 28)  # clamped to the month
    assert period_of(D(2026, 5, 1), "quarterly", 25).due == D(2026, 6, 25)
    assert chased_period(D(2026, 11, 24), "monthly", 25).label == "2026-10"  # type: ignore[union-attr]
    assert chased_period(D(2026, 11, 25), "monthly", 25).label == "2026-11"  # type: ignore[union-attr]
    assert chased_period(D(2027, 1, 5), "quarterly", 25).label == "2026-Q4"  # type: ignore[union-attr]
    assert chased_period(D(2026, 11, 25), "none", 25) is None


def test_the_lead_report_updates_the_task_and_gathers_the_supporting_units_part(engine, tmp_path):
    seed(engine, day=D(2021, 9, 1))
    lifecycle = monthly(tmp_path, engine).lifecycle
    guide = code(engine, "修订政府信息公开指南")  # 办公室 leads, 法规处 supports
    part = submit_report(
        engine,
        lifecycle,
        unit(engine, "法规处"),
        guide,
        progress=30,
        text="已提出修改意见",
        today=D(2021, 10, 18),
    )
    assert (part.unit, part.role, part.period) == ("法规处", "support", "2021-10")
    with read_session(engine) as session:
        task = get_task(session, guide)
        assert (task.progress, task.version) == (0, 1)  # a part changes nothing on the task
    lead = submit_report(
        engine,
        lifecycle,
        unit(engine, "办公室"),
        guide,
        progress=60,
        text="已汇总各处室意见",
        evidence="OA-118",
        status="in_progress",
        today=D(2021, 10, 20),
    )
    assert (lead.role, lead.period, lead.status, lead.version) == ("lead", "2021-10", "in_progress", 2)
    with read_session(engine) as session:
        task = get_task(session, guide)
        assert (task.progress, task.status, task.progress_note) == (60, "in_progress", "已汇总各处室意见")
        updates = session.exec(
            select(Journal).where(Journal.task_id == task.id, Journal.action == "update")
        ).all()
        assert {(j.field, j.new, j.evidence, j.day) for j in updates} == {
            ("status", "in_progress", "OA-118", D(2021, 10, 20)),
            ("progress", "60", "OA-118", D(2021, 10, 20)),
        }
        gathered = reports_of(session, task.id)  # type: ignore[arg-type]
    assert [p.period for p in gathered] == ["2021-10"]
    assert [(r.unit, r.progress, r.text) for r in gathered[0].lead] == [("办公室", 60, "已汇总各处室意见")]
    assert [(r.unit, r.progress) for r in gathered[0].support] == [("法规处", 30)]


def test_who_may_report_and_what_a_report_needs(engine, tmp_path):
    seed(engine, day=D(2021, 9, 1))
    lifecycle = monthly(tmp_path, engine).lifecycle
    guide = code(engine, "修订政府信息公开指南")
    args = {"progress": 50, "text": "进展", "today": D(2021, 10, 20)}
    with pytest.raises(Denied):
        submit_report(engine, lifecycle, Actor("张副局长", Role.LEADER), guide, **args)  # type: ignore[arg-type]
    with pytest.raises(Denied):
        submit_report(engine, lifecycle, unit(engine, "信息中心"), guide, **args)  # type: ignore[arg-type]
    with pytest.raises(Invalid):  # the status is the lead unit's to set
        submit_report(engine, lifecycle, unit(engine, "法规处"), guide, status="done", **args)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        submit_report(
            engine, lifecycle, unit(engine, "办公室"), guide, progress=50, text="  ", today=D(2021, 10, 20)
        )
    with pytest.raises(Invalid):
        submit_report(
            engine, lifecycle, unit(engine, "办公室"), guide, progress=150, text="x", today=D(2021, 10, 20)
        )
    with read_session(engine) as session:
        assert session.exec(select(TaskReport)).all() == []
        assert get_task(session, guide).version == 1


def close(engine, code_: str, day: dt.date) -> None:
    with write_session(engine) as session:
        ledger_update(session, code_, actor="office", status="done", day=day)


def report_chases(engine) -> dict[str, list[dt.date]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(Task.title, Escalation.occurrence)
            .join(Task)
            .where(Escalation.level == "report")
            .order_by(Escalation.id)
        ).all()
    found: dict[str, list[dt.date]] = {}
    for title, occurrence in rows:
        found.setdefault(title, []).append(occurrence)
    return found


def test_the_report_chase_goes_once_per_period_to_the_lead_units_that_have_not_reported(engine, tmp_path):
    seed(engine, day=D(2021, 9, 1))
    settings = monthly(tmp_path, engine)
    settings = settings.model_copy(
        update={"lifecycle": settings.lifecycle.model_copy(update={"ack_working_days": 0})}
    )
    guide, annual = code(engine, "修订政府信息公开指南"), code(engine, "发布年度报告")
    events = {
        # Signed off (written below the use cases: who may close a task is the requests' business).
        D(2021, 10, 1): lambda: close(engine, annual, D(2021, 10, 1)),
        D(2021, 10, 20): lambda: submit_report(
            engine,
            settings.lifecycle,
            unit(engine, "办公室"),
            guide,
            progress=60,
            text="已汇总",
            today=D(2021, 10, 20),
        ),
    }
    recipients: dict[dt.date, list[str]] = {}
    day = D(2021, 9, 20)
    while day <= D(2021, 11, 30):
        if day in events:
            events[day]()
        with read_session(engine) as session:
            before = set(session.exec(select(Notice.id)).all())
        result = raise_due(engine, settings, as_of=day)
        if result.raised.get("report"):
            with read_session(engine) as session:
                new = session.exec(select(Notice).where(Notice.id.not_in(before))).all()  # type: ignore[union-attr]
            recipients[day] = sorted(
                n.recipient for n in new if "报送" in body(n, "text") or "report" in body(n, "text")
            )
        day += dt.timedelta(days=1)
    found = report_chases(engine)
    months = [D(2021, 9, 25), D(2021, 10, 25), D(2021, 11, 25)]
    assert found == {
        "修订政府信息公开指南": [D(2021, 9, 25), D(2021, 11, 25)],  # reported for October
        "更新权责清单": months,
        "报送政务公开工作进展": months,
        "持续做好政策解读": months,
        "发布年度报告": [D(2021, 9, 25)],  # done on 10-01: nothing more expected
        "加强队伍建设": months,
    }
    assert sorted(recipients) == months  # raised on the due day itself, once
    # The lead units only: 法规处 supports the guide but is chased only for the tasks it leads.
    assert recipients[D(2021, 10, 25)] == ["unit:信息中心", "unit:办公室", "unit:法规处"]
    with read_session(engine) as session:
        notice = session.exec(
            select(Notice).where(
                Notice.recipient == "unit:法规处",
                Notice.period.startswith("2021-10-25/"),  # type: ignore[attr-defined]
            )
        ).one()
    told = body(notice, "text")
    assert "更新权责清单" in told and "修订政府信息公开指南" not in told


def test_no_cycle_takes_reports_by_month_and_chases_none(engine, tmp_path):
    seed(engine, day=D(2021, 9, 1))
    settings = monthly(tmp_path, engine, cycle="none")
    guide = code(engine, "修订政府信息公开指南")
    done = submit_report(
        engine,
        settings.lifecycle,
        unit(engine, "办公室"),
        guide,
        progress=10,
        text="启动",
        today=D(2021, 10, 3),
    )
    assert done.period == "2021-10"
    raise_due(engine, settings, as_of=D(2021, 10, 26))
    assert report_chases(engine) == {}


def test_the_waiting_rows_name_their_plan_as_people_read_it(engine, tmp_path):
    """The rows of the 签收 and report chases carry their plan's name (its short name, or the one
    derived from its title), read for the rows' own plans only."""
    seed(engine, day=D(2021, 9, 1))
    settings = monthly(tmp_path, engine)
    with read_session(engine) as session:
        named = plan_names(session)["2021-gongkai"]
        waiting = unacknowledged(session, as_of=D(2021, 10, 20), working_days=0, calendar=WorkCalendar()).rows
        period = period_of(D(2021, 10, 20), "monthly", settings.lifecycle.report_day)
        missing = unreported(session, period, as_of=D(2021, 10, 26)).rows
    assert named != "2021-gongkai"
    assert waiting and {row.plan for row in waiting} == {named}
    assert missing and {row.plan for row in missing} == {named}
