"""Every view agrees on what is overdue, on every day of the year.

A ledger (a real SQLite file, and a PostgreSQL schema for a sample of days; written through the ledger's own import and write functions) holds
dated, period-end, recurring (weekly to yearly, reported or not, of this year, last year and no
year), ongoing, standing, deferred, done, cancelled and undated points, some with no lead unit. For
each day of 2021 the ledger list (`duban tasks --overdue`, the ledger page, the API), the overview's
red count, the unit digests, the escalation ladder and the look-back must name the same tasks; and
the SQL twin of the effective due date must give, task by task, the Python rule's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import _postgres_schema
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.plan import Deadline, ParsedPlan, ParsedTask, SectionKind
from models.reads.digest import collect_digests
from models.reads.dues import last_reports
from models.reads.escalations import task_facts
from models.reads.lookback import compute_lookback
from models.reads.overview import compute_overview
from models.reads.task_query import TaskFilter, TaskQuery
from models.rules.calendar import WorkCalendar
from models.rules.deadlines import TaskFacts, effective_due
from models.rules.ladder import CHECKIN, due_levels
from models.settings import DEFAULT_LADDER
from models.storage.db import open_ledger, read_session, write_session
from models.storage.tables import Plan, Task
from models.writes.ledger import defer_task, import_plan, schedule_task, update_task
from models.writes.units import UnitSpec, load_registry

D = dt.date
YEAR = 2021


def point(
    path: str, title: str, deadline: Deadline, lead: str | None = "办公室", support: str = ""
) -> ParsedTask:
    return ParsedTask(
        path=path.split("/"),
        title=title,
        lead_units=[lead] if lead else [],
        support_units=[support] if support else [],
        deadline=deadline,
    )


def dated(day: D, kind: str = "date") -> Deadline:
    return Deadline(type=kind, date=day, text=f"{day.month}月{day.day}日前")


def every(recurrence: str, day: D | None = None) -> Deadline:
    return Deadline(type="recurring", text="定期", recurrence=recurrence, date=day)


PLANS = {
    "this-year": ParsedPlan(
        title="2021年工作要点",
        year=YEAR,
        tasks=[
            point("一/1", "按期未办", dated(D(2021, 3, 15))),
            point("一/2", "月底前办结", dated(D(2021, 5, 31), "period_end"), "法规处"),
            point("一/3", "每季度报送", every("quarterly"), "信息中心"),
            point("一/4", "每月报送", every("monthly"), "法规处", "办公室"),
            point("一/5", "每半年报送", every("half-yearly")),
            point("一/6", "每周报送", every("weekly"), "信息中心"),
            point("二/1", "持续推进", Deadline(type="ongoing", text="持续推进"), "法规处"),
            point("二/2", "延期办理", dated(D(2021, 4, 30))),
            point("二/3", "未定时限", Deadline()),
            point("二/4", "已取消", dated(D(2021, 6, 30))),
            point("二/5", "每年6月底前", every("yearly", D(2021, 6, 30)), "法规处"),
            point("二/6", "每年报送", every("yearly"), "信息中心"),
            point("二/7", "改为长期坚持", dated(D(2021, 2, 1))),
            point("二/8", "无牵头单位", dated(D(2021, 8, 31)), lead=None, support="法规处"),
            point("二/9", "无责任单位", dated(D(2021, 2, 28)), lead=None),
            point("二/10", "年底前完成", dated(D(2021, 12, 31), "period_end"), "信息中心"),
            # A dated point of a 保障措施 section is in the ledger like any other: every view counts it.
            point("三/1", "保障措施按期落实", dated(D(2021, 7, 31)), "法规处").model_copy(
                update={"section": SectionKind.SAFEGUARDS}
            ),
        ],
    ),
    "last-year": ParsedPlan(
        title="2020年工作要点",
        year=YEAR - 1,
        tasks=[
            point("一/1", "去年每季度报送", every("quarterly"), "信息中心"),
            point("一/2", "去年未办结", dated(D(2020, 11, 30)), "法规处"),
        ],
    ),
    "no-year": ParsedPlan(
        title="工作安排",
        year=None,
        tasks=[point("一/1", "无年份每季度", every("quarterly"), "法规处")],
    ),
}


def code_of(session: Session, key: str, path: str) -> str:
    query = select(Task.code).join(Plan, col(Plan.id) == Task.plan_id)
    return session.exec(query.where(Plan.key == key, Task.path_key == path)).one()


def build(engine: Engine) -> None:
    with write_session(engine) as session:
        load_registry(session, [UnitSpec(name=name) for name in ("办公室", "法规处", "信息中心")])
        for key, plan in PLANS.items():
            import_plan(session, plan, key=key, actor="office", day=D(2021, 1, 4))
    steps = [
        ("this-year", "一/2", {"status": "done"}, D(2021, 5, 20)),
        ("this-year", "一/3", {"progress": 30, "note": "二季度已报送"}, D(2021, 5, 10)),
        ("this-year", "一/5", {"note": "上半年已报送"}, D(2021, 3, 1)),
        ("this-year", "一/6", {"status": "in_progress", "note": "本周已报送"}, D(2021, 6, 15)),
        ("this-year", "二/1", {"progress": 50, "note": "持续推进中"}, D(2021, 7, 1)),
        ("this-year", "二/4", {"status": "cancelled", "note": "不再办理"}, D(2021, 3, 1)),
        ("no-year", "一/1", {"note": "已报送"}, D(2021, 4, 2)),
        ("last-year", "一/2", {"status": "in_progress", "progress": 60}, D(2021, 2, 1)),
    ]
    for key, path, change, day in steps:
        with write_session(engine) as session:
            update_task(session, code_of(session, key, path), actor="unit", day=day, **change)
    with write_session(engine) as session:
        defer_task(
            session,
            code_of(session, "this-year", "二/2"),
            to=D(2021, 10, 15),
            reason="等待上级文件",
            actor="office",
            day=D(2021, 4, 25),
        )
        schedule_task(
            session, code_of(session, "this-year", "二/7"), to=None, actor="office", day=D(2021, 1, 20)
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def year_ledger(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("agreement") / "ledger.sqlite3"
        urls: Iterator[str] = iter([f"sqlite:///{path}"])
    else:
        urls = _postgres_schema()
    url = next(urls)
    engine = open_ledger(url)
    build(engine)
    yield engine
    engine.dispose()
    next(urls, None)  # drops the PostgreSQL schema


def days_of(engine: Engine) -> list[D]:
    """Every day of the year on SQLite; on PostgreSQL (a round trip per query, a minute a month)
    the 1st and 15th of each month and the day after every date of the ledger."""
    every_day = [D(YEAR, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    if engine.dialect.name == "sqlite":
        return every_day
    edges = {D(YEAR, month, day) for month in range(1, 13) for day in (1, 15)}
    edges |= {D(2021, 3, 16), D(2021, 4, 1), D(2021, 7, 1), D(2021, 10, 1), D(2021, 10, 16), D(2021, 9, 1)}
    return sorted(edges)


def ledger_list(session: Session, day: D) -> set[str]:
    query = TaskQuery(session, TaskFilter(overdue=True), as_of=day, due_soon_days=14)
    rows = query.rows()
    assert query.count() == len(rows) == query.page(per_page=500).total
    return {row.code for row in rows}


def digest(session: Session, day: D) -> set[str]:
    found = collect_digests(session, as_of=day, due_within=14, stale_days=30)
    return {task.code for unit in [*found.units, found.no_lead] for task in unit.overdue}


def ladder(session: Session, day: D, codes: dict[int, str]) -> set[str]:
    """The tasks the ladder escalates for an occurrence already past (any rung; a monthly check-in
    of an ongoing point asks for progress, it is not lateness)."""
    calendar = WorkCalendar()
    return {
        codes[due.task_id]
        for facts in task_facts(session, DEFAULT_LADDER, day)
        for due in due_levels(facts, day, DEFAULT_LADDER, calendar)
        if due.occurrence < day and due.level != CHECKIN
    }


def lookback(session: Session, day: D) -> set[str]:
    found: set[str] = set()
    for key in PLANS:
        result = compute_lookback(session, as_of=day, plan=key)
        late = [item for item in result.unfinished if item.category == "overdue"]
        # Each with the due date it is late by (a recurring point's unreported period's end).
        assert all(item.due_date is not None and item.due_date < day for item in late)
        found |= {item.code for item in late}
        assert result.totals.overdue == len([i for i in result.unfinished if i.category == "overdue"])
    return found


def all_facts(session: Session) -> dict[str, TaskFacts]:
    reports = last_reports(session)
    query = select(
        Task.id, Task.code, Task.status, Task.deadline_type, Task.due_date, Task.recurrence, Plan.year
    ).join(Plan, col(Plan.id) == Task.plan_id)
    return {
        code: TaskFacts(task_id, status, kind, due, every_, year, reports.get(task_id))
        for task_id, code, status, kind, due, every_, year in session.execute(query)
    }


def test_every_view_agrees_on_what_is_overdue_on_every_day_of_the_year(year_ledger: Engine) -> None:
    seen: set[str] = set()
    with read_session(year_ledger) as session:
        codes = dict(session.execute(select(Task.id, Task.code)).all())
        facts = all_facts(session)
        for day in days_of(year_ledger):
            listed = ledger_list(session, day)
            # The SQL twin of the effective due date is the Python rule, task by task.
            rows = TaskQuery(session, as_of=day, due_soon_days=14).rows()
            assert {row.code: row.due_date for row in rows} == {
                code: effective_due(fact, day) for code, fact in facts.items()
            }, day
            assert compute_overview(session, as_of=day, due_soon_days=14).totals.red == len(listed), day
            assert digest(session, day) == listed, day
            assert ladder(session, day, codes) == listed, day
            assert lookback(session, day) == listed, day
            seen |= listed
        by_title = {row.title: row.code for row in TaskQuery(session, as_of=day, due_soon_days=14).rows()}
    # The year exercised every kind of lateness, and never the points that cannot be late.
    late = {
        "按期未办",
        "每季度报送",
        "每月报送",
        "每周报送",
        "延期办理",
        "每年6月底前",
        "无牵头单位",
        "无责任单位",
    }
    late |= {"去年每季度报送", "去年未办结", "无年份每季度"}
    assert {by_title[title] for title in late} <= seen
    never = {
        "月底前办结",
        "每半年报送",
        "持续推进",
        "未定时限",
        "已取消",
        "每年报送",
        "改为长期坚持",
        "年底前完成",
    }
    assert not {by_title[title] for title in never} & seen


def test_on_the_day_of_the_issue_recurring_points_are_overdue_in_the_list_and_the_digest_alike(
    year_ledger: Engine,
) -> None:
    day = D(2021, 4, 20)
    with read_session(year_ledger) as session:
        listed = ledger_list(session, day)
        titles = {row.code: row.title for row in TaskQuery(session, as_of=day, due_soon_days=14).rows()}
        assert digest(session, day) == listed
    # The monthly point never reports: its January is overdue. (The quarterly point's report of 10
    # May, already in the ledger, fulfils its first quarter: every view reads the ledger as it is.)
    assert {titles[code] for code in listed} == {
        "按期未办",
        "每月报送",
        "无责任单位",
        "去年每季度报送",
        "去年未办结",
    }
