"""A small ledger with a known mix, for the look-back tests: every figure is counted by hand here.

Plan `2021-test` (year 2021), judged as of AS_OF = 2021-12-01:

  code  path    deadline                 lead (support)     what happens                       category
  a     一/1    2021-06-30               办公室 (法规处)      done                               done
  b     一/2    2021-09-30 (9月底前)     办公室              done                               done
  c     一/3    2021-11-30               法规处              done                               done
  d     二/4    2021-10-31               办公室              in progress, note 已起草初稿        overdue
  e     二/5    2021-06-30               法规处 (办公室)      deferred to 2021-11-15 (past)      overdue
  f     二/6    2021-12-31               办公室              in progress, no note               in_progress
  g     三/7    2021-12-20               信息中心            deferred to 2022-01-31             in_progress
  h     三/8    2021-12-31               信息中心            nothing                            not_started
  i     三/9    持续推进 (ongoing)        办公室              in progress, note 每月更新专栏      ongoing
  j     四      (none)                   -                  cancelled                          cancelled
  w     三/10   2021-12-31               信息中心            withdrawn by a re-import           (not counted)

Plan `2021-other` (year 2021): x 1 (宣传中心, done), y 2 (宣传中心, no date, nothing) -> done, not_started.
Plan `2020-old` (year 2020): one task, never in a 2021 look-back. Plan `2021-report`: an annual
report (no tasks), never in a look-back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import select

from models.plan import Deadline, DeadlineType, ParsedPlan, ParsedTask, PlanKind, SectionKind
from models.storage.db import read_session, write_session
from models.storage.tables import Task
from models.writes.ledger import defer_task, import_plan, update_task

AS_OF = dt.date(2021, 12, 1)
PLAN = "2021-test"
OTHER = "2021-other"
OLD = "2020-old"
REPORT = "2021-report"
TITLE = "2021年测试工作要点"


def _task(path, title, *, lead=(), support=(), date=None, text="", kind=DeadlineType.DATE, section=None):
    deadline = Deadline(type=kind, date=date, text=text) if (date or text) else Deadline()
    return ParsedTask(
        path=list(path),
        title=title,
        body=f"{title}的具体要求。",
        lead_units=list(lead),
        support_units=list(support),
        deadline=deadline,
        section=section or SectionKind.TASKS,
    )


def make_plan(*, with_withdrawn: bool = True) -> ParsedPlan:
    d = dt.date
    tasks = [
        _task(
            ["一", "1"], "任务甲", lead=["办公室"], support=["法规处"], date=d(2021, 6, 30), text="6月30日前"
        ),
        _task(
            ["一", "2"],
            "任务乙",
            lead=["办公室"],
            date=d(2021, 9, 30),
            text="9月底前",
            kind=DeadlineType.PERIOD_END,
        ),
        _task(["一", "3"], "任务丙", lead=["法规处"], date=d(2021, 11, 30), text="11月30日前"),
        _task(["二", "4"], "任务丁", lead=["办公室"], date=d(2021, 10, 31), text="10月底前"),
        _task(["二", "5"], "任务戊", lead=["法规处"], support=["办公室"], date=d(2021, 6, 30), text="上半年"),
        _task(["二", "6"], "任务己", lead=["办公室"], date=d(2021, 12, 31), text="年底前"),
        _task(["三", "7"], "任务庚", lead=["信息中心"], date=d(2021, 12, 20), text="12月20日前"),
        _task(["三", "8"], "任务辛", lead=["信息中心"], date=d(2021, 12, 31), text="年底前"),
        _task(["三", "9"], "任务壬", lead=["办公室"], text="持续推进", kind=DeadlineType.ONGOING),
        _task(["四"], "加强组织保障", section=SectionKind.SAFEGUARDS),
    ]
    if with_withdrawn:
        tasks.insert(9, _task(["三", "10"], "任务癸", lead=["信息中心"], date=d(2021, 12, 31), text="年底前"))
    return ParsedPlan(title=TITLE, issuer="测试市政务公开办", year=2021, tasks=tasks)


def build(engine: Engine) -> dict[str, str]:
    """Import the plans, set the statuses; returns letter -> task code."""
    other = ParsedPlan(
        title="2021年其他方案",
        year=2021,
        tasks=[
            _task(["1"], "其他一", lead=["宣传中心"], date=dt.date(2021, 5, 31), text="5月底前"),
            _task(["2"], "其他二", lead=["宣传中心"]),
        ],
    )
    old = ParsedPlan(title="2020年旧方案", year=2020, tasks=[_task(["1"], "旧任务", lead=["办公室"])])
    report = ParsedPlan(kind=PlanKind.REPORT, title="2021年年度报告", year=2021)
    with write_session(engine) as session:
        import_plan(session, make_plan(with_withdrawn=True), key=PLAN, actor="office")
        import_plan(session, other, key=OTHER, actor="office")
        import_plan(session, old, key=OLD, actor="office")
        import_plan(session, report, key=REPORT, actor="office")
    with write_session(engine) as session:  # the point 三/10 is gone from the plan: withdrawn
        import_plan(session, make_plan(with_withdrawn=False), key=PLAN, actor="office")
    codes = task_codes(engine)
    day = dt.date
    with write_session(engine) as session:
        for letter in "abc":
            update_task(session, codes[letter], actor="office", status="done", day=day(2021, 11, 1))
        update_task(
            session,
            codes["d"],
            actor="办公室",
            status="in_progress",
            note="已起草初稿",
            day=day(2021, 11, 20),
        )
        defer_task(
            session,
            codes["e"],
            to=day(2021, 11, 15),
            reason="等待省局统一部署",
            actor="法规处",
            day=day(2021, 7, 1),
        )
        update_task(
            session, codes["f"], actor="办公室", status="in_progress", progress=30, day=day(2021, 11, 25)
        )
        defer_task(
            session,
            codes["g"],
            to=day(2022, 1, 31),
            reason="经费未到位",
            actor="信息中心",
            day=day(2021, 11, 28),
        )
        update_task(
            session,
            codes["i"],
            actor="办公室",
            status="in_progress",
            note="每月更新专栏",
            day=day(2021, 11, 30),
        )
        update_task(
            session, codes["j"], actor="office", status="cancelled", note="并入其他任务", day=day(2021, 8, 1)
        )
        update_task(session, codes["x"], actor="宣传中心", status="done", day=day(2021, 5, 20))
    return codes


def task_codes(engine: Engine) -> dict[str, str]:
    letters = {
        (PLAN, "一/1"): "a",
        (PLAN, "一/2"): "b",
        (PLAN, "一/3"): "c",
        (PLAN, "二/4"): "d",
        (PLAN, "二/5"): "e",
        (PLAN, "二/6"): "f",
        (PLAN, "三/7"): "g",
        (PLAN, "三/8"): "h",
        (PLAN, "三/9"): "i",
        (PLAN, "四"): "j",
        (PLAN, "三/10"): "w",
        (OTHER, "1"): "x",
        (OTHER, "2"): "y",
        (OLD, "1"): "old",
    }
    from models.storage.tables import Plan

    with read_session(engine) as session:
        rows = session.exec(
            select(Plan.key, Task.path_key, Task.code).join(Plan, Plan.id == Task.plan_id)
        ).all()
    return {letters[(key, path)]: code for key, path, code in rows if (key, path) in letters}
