"""The look-back's figures on a hand-built ledger (tests/lookback_ledger.py), SQLite and PostgreSQL.

Every expected number below is counted by hand from the table in lookback_ledger's docstring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from lookback_ledger import AS_OF, OLD, OTHER, PLAN, REPORT, TITLE, build
from sqlalchemy import event, text

from models.errors import BadInput, NotFound
from models.plan import ParsedPlan, ParsedTask
from models.reads import lookback as lookback_module
from models.reads.lookback import NO_LEAD, Counts, compute_lookback
from models.reads.units_column import UnitNames, split_units
from models.storage.db import read_session, write_session
from models.storage.tables import Unit
from models.writes.ledger import import_plan
from models.writes.summaries import submit_summary


def counts(done=0, overdue=0, ongoing=0, in_progress=0, not_started=0, cancelled=0) -> Counts:
    return Counts(done, overdue, ongoing, in_progress, not_started, cancelled)


def as_tuple(c: Counts) -> tuple:
    return (*dataclasses.astuple(c), c.total, c.rate)


@pytest.fixture
def codes(engine):
    return build(engine)


def lookback(engine, **kwargs):
    with read_session(engine) as session:
        return compute_lookback(session, as_of=kwargs.pop("as_of", AS_OF), **kwargs)


def test_plan_completion_categories_are_disjoint_and_cancelled_is_outside_the_total(engine, codes):
    result = lookback(engine, plan=PLAN)
    assert [p.key for p in result.plans] == [PLAN]
    assert result.title == TITLE and result.year == 2021 and result.scope == PLAN
    # 9 counted (10 points, 1 cancelled, the withdrawn one not at all); the rate leaves the ongoing
    # point out: 3 done of 8 -> 37.5%.
    expected = counts(done=3, overdue=2, ongoing=1, in_progress=2, not_started=1, cancelled=1)
    assert as_tuple(result.plans[0].counts) == as_tuple(expected)
    assert result.plans[0].counts.total == 9 and result.plans[0].counts.dated == 8
    assert result.plans[0].counts.rate == 37.5
    assert as_tuple(result.totals) == as_tuple(expected)


def test_sections_by_top_level_label_with_titles_the_ledger_knows(engine, codes):
    sections = {s.label: s for s in lookback(engine, plan=PLAN).sections}
    assert list(sections) == ["一", "二", "三", "四"]  # document order
    assert as_tuple(sections["一"].counts) == as_tuple(counts(done=3))
    assert sections["一"].counts.rate == 100.0
    assert as_tuple(sections["二"].counts) == as_tuple(counts(overdue=2, in_progress=1))
    assert sections["二"].counts.rate == 0.0
    # 三/10 is withdrawn: not counted.
    assert as_tuple(sections["三"].counts) == as_tuple(counts(ongoing=1, in_progress=1, not_started=1))
    assert sections["三"].counts.rate == 0.0  # 0 of the 2 with a date
    assert as_tuple(sections["四"].counts) == as_tuple(counts(cancelled=1))
    assert sections["四"].counts.rate is None
    # A top-level point that is a task gives its section's title; headings are not stored.
    assert sections["四"].title == "加强组织保障" and sections["四"].kind == "safeguards"
    assert sections["一"].title == "" and sections["一"].kind == "tasks"


def test_units_count_lead_assignments_only(engine, codes):
    units = {u.unit: u.counts for u in lookback(engine, plan=PLAN).units}
    assert set(units) == {"办公室", "法规处", "信息中心", NO_LEAD}
    # 办公室 leads a, b, d, f, i (and only supports a's sibling e: not counted).
    assert as_tuple(units["办公室"]) == as_tuple(counts(done=2, overdue=1, ongoing=1, in_progress=1))
    assert units["办公室"].rate == 50.0  # 2 done of the 4 with a date (the ongoing one apart)
    assert as_tuple(units["法规处"]) == as_tuple(counts(done=1, overdue=1))
    assert as_tuple(units["信息中心"]) == as_tuple(counts(in_progress=1, not_started=1))
    assert as_tuple(units[NO_LEAD]) == as_tuple(counts(cancelled=1))
    # Most overdue first, the task without a lead unit last.
    assert [u.unit for u in lookback(engine, plan=PLAN).units][-1] == NO_LEAD


def test_unfinished_items_with_reason_last_update_and_units(engine, codes):
    items = lookback(engine, plan=PLAN).unfinished
    assert [i.code for i in items] == [codes[x] for x in "defghi"]
    by = {i.code: i for i in items}
    d, e, f, g, h, i = (by[codes[x]] for x in "defghi")
    assert (d.category, d.status, d.reason, d.reason_kind) == (
        "overdue",
        "in_progress",
        "已起草初稿",
        "progress",
    )
    assert d.last_update == dt.date(2021, 11, 20)
    assert d.path == ["二", "4"] and d.plan == PLAN and d.plan_title == TITLE
    assert (e.category, e.status, e.reason, e.reason_kind) == (
        "overdue",
        "deferred",
        "等待省局统一部署",
        "defer",
    )
    assert e.due_date == dt.date(2021, 11, 15) and e.deadline_text == "上半年"
    assert e.lead == ["法规处"] and e.support == ["办公室"]
    assert (f.category, f.reason, f.progress) == ("in_progress", "", 30)
    assert f.last_update == dt.date(2021, 11, 25)
    assert (g.category, g.reason_kind, g.due_date) == ("in_progress", "defer", dt.date(2022, 1, 31))
    assert (h.category, h.status, h.reason) == ("not_started", "not_started", "")
    assert h.last_update is not None  # the import's journal row
    assert (i.category, i.reason, i.last_update) == ("ongoing", "每月更新专栏", dt.date(2021, 11, 30))
    assert all(item.carried_to is None for item in items)


def test_units_of_the_lists_even_a_name_holding_a_control_character(engine, codes):
    """The lists read each task's units in their own query (models.reads.units_column: the units'
    ids, their names read once); a name holding a control character, here U+001F (text older than
    the bounds that refuse it), is read whole and shown without it like any other."""
    with write_session(engine) as session:  # raw SQL: the bounds would refuse the name
        session.execute(text("UPDATE unit SET name = :name WHERE name = '办公室'"), {"name": "办\x1f公室"})
    by = {i.code: i for i in lookback(engine, plan=PLAN).unfinished}
    assert by[codes["e"]].lead == ["法规处"] and by[codes["e"]].support == ["办公室"]
    assert by[codes["i"]].lead == ["办公室"]


def test_a_unit_made_after_the_lists_read_the_names_is_named_when_met(engine):
    """The lists read the units' names before their rows; where the two reads do not share a
    snapshot, a unit made in between is read when a row names it, not a KeyError."""
    with write_session(engine) as session:
        connection = session.connection()
        names = UnitNames(connection)
        made = Unit(name="新设工作专班")
        session.add(made)
        session.flush()
        assert made.id not in names
        assert split_units(f"S{made.id}", names) == ([], ["新设工作专班"])
        assert names[made.id] == "新设工作专班"  # kept: read once
        session.rollback()


def test_done_named_are_each_sections_first_done_items_in_plan_order(engine, codes, monkeypatch):
    """done_named: the first NAMED_DONE done items of each section, ranked in the database, the
    same items a pass over the whole done list would name."""
    monkeypatch.setattr(lookback_module, "NAMED_DONE", 2)
    result = lookback(engine, year=2021)
    expected: dict[tuple[str, str], list] = {}
    for item in result.done:
        few = expected.setdefault((item.plan, item.path[0]), [])
        if len(few) < 2:
            few.append(item)
    named: dict[tuple[str, str], list] = {}
    for item in result.done_named:
        named.setdefault((item.plan, item.path[0]), []).append(item)
    assert named == expected and list(named) == list(expected)
    assert [len(items) for items in expected.values()] == [1, 2]  # OTHER's one, PLAN's 一: 2 of 3
    assert {s.plan: s.counts.done for s in result.sections if s.label == "一"}[PLAN] == 3


def test_ongoing_items_with_their_latest_note(engine, codes):
    ongoing = lookback(engine, plan=PLAN).ongoing
    assert [(o.code, o.note, o.deadline_text, o.lead) for o in ongoing] == [
        (codes["i"], "每月更新专栏", "持续推进", ["办公室"])
    ]


def test_overdue_moves_with_the_as_of_date(engine, codes):
    # On 2021-06-01 nothing open is late yet: d, f in progress and e, g deferred count as in
    # progress; on 2022-02-01 every dated open task is late, the deferred g too (2022-01-31 passed).
    early = lookback(engine, plan=PLAN, as_of=dt.date(2021, 6, 1)).totals
    assert (early.done, early.overdue, early.ongoing, early.in_progress, early.not_started) == (3, 0, 1, 4, 1)
    late = lookback(engine, plan=PLAN, as_of=dt.date(2022, 2, 1)).totals
    assert (late.done, late.overdue, late.ongoing, late.in_progress, late.not_started) == (3, 5, 1, 0, 0)


def test_a_year_covers_its_plans_but_not_reports_or_other_years(engine, codes):
    result = lookback(engine, year=2021)
    assert [p.key for p in result.plans] == [OTHER, PLAN]  # by key; 2021-report and 2020-old left out
    assert result.scope == "2021" and result.plan is None
    other = result.plans[0].counts
    assert as_tuple(other) == as_tuple(counts(done=1, not_started=1))
    # 9 + 2 counted, 1 of them ongoing; 3 + 1 done of 10: 40.0%.
    assert as_tuple(result.totals) == as_tuple(
        counts(done=4, overdue=2, ongoing=1, in_progress=2, not_started=2, cancelled=1)
    )
    assert result.totals.rate == 40.0
    assert {u.unit: u.counts.total for u in result.units}["宣传中心"] == 2
    assert len(result.unfinished) == 7 and result.unfinished[0].code == codes["y"]


def test_summaries_newest_per_unit_for_the_year_and_plan(engine, codes):
    with write_session(engine) as session:
        submit_summary(session, unit="办公室", year=2021, text="初稿", actor="办公室")
        submit_summary(session, unit="办公室", year=2021, text="定稿：全年完成主要任务。", actor="办公室")
        submit_summary(session, unit="法规处", year=2021, text="法规处总结", plan=PLAN, actor="法规处")
        submit_summary(session, unit="宣传中心", year=2021, text="其他方案总结", plan=OTHER, actor="x")
        submit_summary(session, unit="信息中心", year=2020, text="去年的", actor="x")
    plan_view = lookback(engine, plan=PLAN).summaries
    assert [(s.unit, s.plan, s.text) for s in plan_view] == [
        ("办公室", None, "定稿：全年完成主要任务。"),
        ("法规处", PLAN, "法规处总结"),
    ]
    year_view = lookback(engine, year=2021).summaries
    assert {(s.unit, s.plan) for s in year_view} == {("办公室", None), ("法规处", PLAN), ("宣传中心", OTHER)}


def test_missing_plan_or_empty_year_is_not_found(engine, codes):
    with pytest.raises(NotFound, match="没有计划 nope"):
        lookback(engine, plan="nope")
    with pytest.raises(NotFound, match="台账中没有 2019 年度的计划"):
        lookback(engine, year=2019)
    with pytest.raises(BadInput, match="回头看须指定计划或年度"):
        lookback(engine, plan=PLAN, year=2021)
    with pytest.raises(BadInput, match="回头看须指定计划或年度"):
        lookback(engine)
    # 2020 has a plan; 2021's annual report is not one, so it is not in the 2021 look-back.
    assert [p.key for p in lookback(engine, year=2020).plans] == [OLD]
    assert REPORT not in [p.key for p in lookback(engine, year=2021).plans]


def statements(engine, **kwargs) -> int:
    found: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        found.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        lookback(engine, **kwargs)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(found)


def test_the_number_of_queries_does_not_grow_with_the_tasks(engine, codes):
    before = statements(engine, year=2021)
    bigger = ParsedPlan(
        year=2021,
        tasks=[
            ParsedTask(path=[str(n)], title=f"第{n}项", lead_units=[f"单位{n % 7}"], support_units=["办公室"])
            for n in range(1, 121)
        ],
    )
    with write_session(engine) as session:
        import_plan(session, bigger, key="2021-bigger", actor="office")
    result = lookback(engine, year=2021)
    assert result.totals.total == 11 + 120 and len(result.unfinished) == 7 + 120
    assert statements(engine, year=2021) == before
