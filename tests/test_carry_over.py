"""Carry-over of unfinished items into next year's rectification list, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from lookback_ledger import AS_OF, OTHER, PLAN, build
from sqlalchemy import func
from sqlmodel import select

from models.errors import Conflict, NotFound
from models.plan import ParsedPlan
from models.reads.lookback import compute_lookback
from models.storage.db import read_session, write_session
from models.storage.tables import Assignment, Journal, Plan, Task, Unit
from models.writes.carry_over import carry_over
from models.writes.ledger import get_task, import_plan


@pytest.fixture
def codes(engine):
    return build(engine)


def lookback(engine, **kwargs):
    with read_session(engine) as session:
        return compute_lookback(session, as_of=AS_OF, **kwargs)


def carry(engine, source, **kwargs):
    with write_session(engine) as session:
        return carry_over(session, source, actor="office", as_of=AS_OF, **kwargs)


def units_of(session, task_id) -> list[tuple[str, str]]:
    query = (
        select(Unit.name, Assignment.role)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.task_id == task_id)
        .order_by(Unit.name)
    )
    return list(session.exec(query))


def test_unfinished_items_go_to_next_years_rectification_plan_linked_to_their_source(engine, codes):
    report = carry(engine, lookback(engine, plan=PLAN))
    assert [(p.key, p.title, p.year) for p in report.plans] == [("2022-zhenggai", "2022年度整改清单", 2022)]
    assert [source for source, _ in report.plans[0].created] == [codes[x] for x in "defghi"]
    assert report.created == 6 and report.skipped == 0
    with read_session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.key == "2022-zhenggai")).one()
        assert (plan.kind, plan.year) == ("rectification", 2022)
        copies = session.exec(select(Task).where(Task.plan_id == plan.id).order_by(Task.position)).all()
        assert len(copies) == 6
        for (source_code, new_code), copy in zip(report.plans[0].created, copies, strict=True):
            source = get_task(session, source_code)
            assert copy.code == new_code == f"T{copy.id}"
            assert copy.origin_id == source.id
            assert copy.path == [PLAN, source_code] and copy.path_key == f"{PLAN}/{source_code}"
            assert (copy.title, copy.section) == (source.title, source.section)
            assert (copy.status, copy.progress, copy.progress_note) == ("not_started", 0, "")
            # Same lead and supporting units.
            assert units_of(session, copy.id) == units_of(session, source.id)
            # A journal row on both sides.
            for task_id, field, new in (
                (copy.id, "origin", source_code),
                (source.id, "carried_to", new_code),
            ):
                rows = session.exec(
                    select(Journal).where(Journal.task_id == task_id, Journal.action == "carry_over")
                ).all()
                assert [(r.field, r.new, r.day) for r in rows] == [(field, new, AS_OF)]
        e = session.exec(select(Task).where(Task.origin_id == get_task(session, codes["e"]).id)).one()
        assert units_of(session, e.id) == [("办公室", "support"), ("法规处", "lead")]
        # A passed date is not carried: the office sets a new one. The old one is quoted.
        assert (e.deadline_type, e.due_date, e.deadline_text) == ("none", None, "")
        assert "原完成时限：上半年（2021-11-15）" in e.body and f"原任务：{codes['e']}" in e.body
        # An ongoing point stays ongoing.
        i = session.exec(select(Task).where(Task.origin_id == get_task(session, codes["i"]).id)).one()
        assert (i.deadline_type, i.deadline_text) == ("ongoing", "持续推进")


def test_running_it_twice_creates_nothing_new(engine, codes):
    carry(engine, lookback(engine, plan=PLAN))
    with read_session(engine) as session:
        before = session.exec(select(func.count()).select_from(Task)).one()
        journal = session.exec(select(func.count()).select_from(Journal)).one()
    again = carry(engine, lookback(engine, plan=PLAN))
    assert again.created == 0 and again.skipped == 6
    also_by_key = carry(engine, [PLAN])
    assert also_by_key.created == 0 and also_by_key.skipped == 6
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == before
        assert session.exec(select(func.count()).select_from(Journal)).one() == journal
    # The look-back now says where each unfinished item went.
    items = lookback(engine, plan=PLAN).unfinished
    assert all(item.carried_to and item.carried_to.startswith("T") for item in items)


def test_a_year_goes_into_one_list_and_new_unfinished_items_are_added_later(engine, codes):
    first = carry(engine, [PLAN])
    assert first.created == 6
    # The whole year: 2021-other's open item joins the same list, PLAN's are skipped.
    report = carry(engine, lookback(engine, year=2021))
    assert [(p.key, len(p.created), p.skipped) for p in report.plans] == [("2022-zhenggai", 1, 6)]
    assert report.plans[0].created[0][0] == codes["y"]
    with read_session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.key == "2022-zhenggai")).one()
        positions = session.exec(select(Task.position).where(Task.plan_id == plan.id)).all()
        assert sorted(positions) == list(range(7))  # appended after the first six
    # The rectification list is a plan of 2022 like any other: its own look-back shows it,
    # sectioned by the plan each item came from (with that plan's title).
    next_year = lookback(engine, year=2022)
    assert next_year.totals.total == 7 and next_year.totals.not_started == 6 and next_year.totals.ongoing == 1
    assert [(s.label, s.title) for s in next_year.sections] == [
        (PLAN, "2021年测试工作要点"),
        (OTHER, "2021年其他方案"),
    ]


def test_dry_run_writes_nothing(engine, codes):
    report = carry(engine, lookback(engine, plan=PLAN), dry_run=True)
    assert report.dry_run and report.created == 6
    with read_session(engine) as session:
        assert session.exec(select(Plan).where(Plan.key == "2022-zhenggai")).first() is None
        assert (
            session.exec(select(func.count()).select_from(Task).where(Task.origin_id.is_not(None))).one() == 0
        )


def test_an_item_finished_since_the_lookback_is_not_carried(engine, codes):
    result = lookback(engine, plan=PLAN)
    from models.writes.ledger import update_task

    with write_session(engine) as session:
        update_task(session, codes["h"], actor="office", status="done", day=dt.date(2021, 12, 2))
    report = carry(engine, result)
    assert codes["h"] not in [source for source, _ in report.plans[0].created]
    assert report.created == 5


def test_refuses_to_fill_an_ordinary_plan_of_that_name(engine, codes):
    with write_session(engine) as session:
        import_plan(session, ParsedPlan(title="不是整改清单", year=2022), key="2022-zhenggai", actor="office")
    with pytest.raises(Conflict, match="不是整改清单"):
        carry(engine, [PLAN])
    with pytest.raises(NotFound, match="没有计划 nope"):
        carry(engine, ["nope"])
