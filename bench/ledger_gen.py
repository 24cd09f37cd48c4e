"""A synthetic ledger for the benchmarks: units, plans of 50 tasks, tasks and their assignments.

Run: `python bench/ledger_gen.py --tasks 100000 --db sqlite:///var/bench-100k.sqlite3`
(a postgresql:// URL works too; the database must be empty).

Rows go in as core INSERT … executemany, one transaction per chunk of 200 plans (10,000 tasks):
~8,000 tasks/s on SQLite, a million tasks in ~3.5 min. models.writes.ledger.import_plan is the path the
benchmark measures, not the way to fill it: it resolves unit names and writes a journal row per
task. Ids are given explicitly so assignments need no RETURNING round trip;
on PostgreSQL the id sequences are moved past them afterwards, so later ORM inserts (import_plan)
do not collide. The same seed gives the same ledger, row for row.

The shape is meant to look like a real 台账: due dates spread over one year, about 60% of tasks
open, a few withdrawn, recurring / ongoing / undated points, and a skewed unit load (a few offices
lead many tasks, most units few), one lead and 0-3 supporting units per task.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from models.plan import Deadline, DeadlineType, ParsedPlan, ParsedTask, Recurrence  # noqa: E402
from models.storage.db import open_ledger  # noqa: E402
from models.storage.tables import Role, TaskStatus  # noqa: E402
from models.writes.ledger import path_key  # noqa: E402

YEAR = 2025
TASKS_PER_PLAN = 50
PLANS_PER_CHUNK = 200  # 10,000 tasks per transaction: short enough for SQLite readers, few commits
STAMP = dt.datetime(YEAR, 1, 15, 1, 0, tzinfo=dt.UTC)  # fixed, so a seed gives identical rows

# 40 areas x 50 departments = 2,000 distinct names; all Simplified, so models.reads.units.normal()
# leaves them as they are and import_plan finds them instead of creating provisional units.
AREA_ROOTS = [
    "东城",
    "西城",
    "南湖",
    "北山",
    "江北",
    "河西",
    "新华",
    "长安",
    "青山",
    "城关",
    "金水",
    "高新",
    "经开",
    "龙湖",
    "白云",
    "双桥",
    "桃源",
    "永安",
    "平山",
    "清河",
]
# 市 + 20 区 + 19 县 = 40 areas
AREAS = ["市"] + [f"{root}区" for root in AREA_ROOTS] + [f"{root}县" for root in AREA_ROOTS[:19]]
DEPARTMENTS = [
    "政府办公室",
    "发展改革委",
    "教育局",
    "科技局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源社会保障局",
    "自然资源局",
    "生态环境局",
    "住房城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化旅游局",
    "卫生健康委",
    "应急管理局",
    "审计局",
    "国资委",
    "市场监管局",
    "体育局",
    "统计局",
    "医保局",
    "林业局",
    "城市管理局",
    "信访局",
    "政务服务管理局",
    "数据局",
    "档案局",
    "机关事务管理局",
    "金融工作局",
    "粮食和储备局",
    "人防办",
    "外事办",
    "民族宗教局",
    "退役军人事务局",
    "供销社",
    "气象局",
    "税务局",
    "邮政管理局",
    "消防救援支队",
    "公积金中心",
    "融媒体中心",
    "保密局",
    "地震局",
    "乡村振兴局",
    "残联",
]
WORK = [
    "推进政务公开标准化规范化建设",
    "加强政策解读和回应关切",
    "做好政府信息依申请公开",
    "完善政府网站集约化管理",
    "推进基层政务公开",
    "落实重大行政决策公开",
    "加强政务新媒体管理",
    "做好建议提案办理结果公开",
    "推进财政预决算公开",
    "深化“放管服”改革信息公开",
    "加强行政执法公示",
    "做好重点领域信息公开",
    "推进政务服务事项公开",
    "完善政策文件库",
    "做好年度报告编制发布",
    "开展政务公开培训",
    "推进数据开放共享",
    "加强个人信息保护",
    "做好突发事件信息发布",
    "完善考核评估",
]
QUARTER_NAMES = "一二三四"
CN_DIGITS = "〇一二三四五六七八九"


def unit_names(count: int) -> list[str]:
    """`count` distinct unit names: area x department, then numbered repeats past 2,000."""
    pairs = [f"{area}{dept}" for area in AREAS for dept in DEPARTMENTS]
    return [pairs[i % len(pairs)] + (str(i // len(pairs)) if i >= len(pairs) else "") for i in range(count)]


def _cn(value: int) -> str:
    """1..99 as 一 … 九十九 (section and point labels); larger values stay Arabic."""
    if value < 10:
        return CN_DIGITS[value]
    if value >= 100:
        return str(value)
    tens, ones = divmod(value, 10)
    return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[ones] if ones else ''}"


def task_path(position: int) -> list[str]:
    """一 > （三） > 7: 20 sub-points per point, 20 points per section, so every position is unique."""
    section, rest = divmod(position, 400)
    point, sub = divmod(rest, 20)
    return [_cn(section + 1), f"（{_cn(point + 1)}）", str(sub + 1)]


def _month_end(month: int) -> dt.date:
    return dt.date(YEAR, 12, 31) if month == 12 else dt.date(YEAR, month + 1, 1) - dt.timedelta(days=1)


@dataclass
class Drawn:
    """One synthetic task, before it becomes a row (generate) or a ParsedTask (parsed_plan)."""

    path: list[str]
    title: str
    body: str
    deadline: tuple[str, dt.date | None, str, str | None]  # type, date, original phrase, recurrence
    status: str
    progress: int
    withdrawn: bool
    open_ended: bool
    lead: int  # index into the unit list
    support: list[int] = field(default_factory=list)


class Picker:
    """Draws units with a Zipf-like skew: the first units (e.g. 市政府办公室) get most of the work."""

    def __init__(self, rng: random.Random, units: int) -> None:
        self.rng = rng
        self.units = units
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(units)))

    def one(self) -> int:
        return bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])

    def distinct(self, count: int, exclude: int) -> list[int]:
        chosen: list[int] = []
        count = min(count, self.units - 1)
        while len(chosen) < count:
            unit = self.one()
            if unit != exclude and unit not in chosen:
                chosen.append(unit)
        return chosen


def _deadline(rng: random.Random) -> tuple[str, dt.date | None, str, str | None]:
    draw = rng.random()
    if draw < 0.35:  # a day: 11月30日前
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))
        return DeadlineType.DATE.value, day, f"{day.month}月{day.day}日前", None
    if draw < 0.70:  # the end of a month, quarter or the year
        month = rng.randint(1, 12)
        phrase = f"{month}月底前"
        if month % 3 == 0 and rng.random() < 0.4:
            phrase = f"第{QUARTER_NAMES[month // 3 - 1]}季度"
        if month == 12 and rng.random() < 0.5:
            phrase = "年内"
        return DeadlineType.PERIOD_END.value, _month_end(month), phrase, None
    if draw < 0.80:
        recurrence, phrase = rng.choice(
            [
                (Recurrence.MONTHLY, "每月"),
                (Recurrence.QUARTERLY, "每季度"),
                (Recurrence.HALF_YEARLY, "每半年"),
            ]
        )
        return DeadlineType.RECURRING.value, None, phrase, recurrence.value
    if draw < 0.92:
        return DeadlineType.ONGOING.value, None, rng.choice(["持续推进", "长期坚持", "常态化开展"]), None
    return DeadlineType.NONE.value, None, "", None


# ~60% open (not started, in progress, deferred), 35% done, 5% cancelled.
STATUSES = [
    s.value
    for s in (
        TaskStatus.NOT_STARTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.DEFERRED,
        TaskStatus.DONE,
        TaskStatus.CANCELLED,
    )
]
STATUS_WEIGHTS = list(itertools.accumulate([22, 33, 5, 35, 5]))
PROGRESS = {
    "not_started": (0, 0),
    "in_progress": (10, 90),
    "deferred": (0, 60),
    "done": (100, 100),
    "cancelled": (0, 50),
}


def draw_task(rng: random.Random, position: int, picker: Picker, names: list[str]) -> Drawn:
    status = rng.choices(STATUSES, cum_weights=STATUS_WEIGHTS)[0]
    low, high = PROGRESS[status]
    work = rng.choice(WORK)
    lead = picker.one()
    support = picker.distinct(rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0], lead)
    deadline = _deadline(rng)
    helpers = "、".join(names[i] for i in support)
    body = (
        f"{work}，完善工作机制，明确责任分工，及时公开办理结果。由{names[lead]}牵头"
        + (f"，{helpers}配合" if helpers else "")
        + (f"，{deadline[2]}完成。" if deadline[2] else "。")
    )
    return Drawn(
        path=task_path(position),
        title=f"{work}（第{position + 1}项）",
        body=body,
        deadline=deadline,
        status=status,
        progress=rng.randint(low, high),
        withdrawn=rng.random() < 0.01,
        open_ended=rng.random() < 0.15,
        lead=lead,
        support=support,
    )


def _plan_row(plan_id: int) -> dict[str, Any]:
    return {
        "id": plan_id,
        "key": f"bench-{YEAR}-{plan_id:06d}",
        "kind": "plan",
        "title": f"某市{YEAR}年政务公开工作要点（第{plan_id}号）",
        "issuer": "某市人民政府办公室",
        "doc_number": f"某政办发〔{YEAR}〕{plan_id}号",
        "year": YEAR,
        "source": f"bench-{plan_id:06d}.txt",
        "source_sha256": "",
        "content_sha256": "",
        "imported_at": STAMP,
    }


def _task_row(task_id: int, plan_id: int, position: int, drawn: Drawn) -> dict[str, Any]:
    kind, due, phrase, recurrence = drawn.deadline
    return {
        "id": task_id,
        "code": f"T{task_id}",
        "plan_id": plan_id,
        "path": drawn.path,
        "path_key": path_key(drawn.path),
        "position": position,
        "section": "tasks",
        "title": drawn.title,
        "body": drawn.body,
        "deadline_type": kind,
        "due_date": due,
        "deadline_text": phrase,
        "recurrence": recurrence,
        "units_open_ended": drawn.open_ended,
        "status": drawn.status,
        "progress": drawn.progress,
        "progress_note": "按计划推进" if drawn.status != "not_started" else "",
        "withdrawn": drawn.withdrawn,
        "version": 1,
        "updated_at": STAMP,
    }


def generate(engine: Engine, tasks: int, units: int = 2000, seed: int = 1) -> None:
    """Fill an empty, migrated ledger (models.storage.db.open_ledger) with `tasks` tasks over `units` units."""
    tables = SQLModel.metadata.tables
    with engine.connect() as connection:
        for name in ("unit", "plan", "task"):
            if connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one():
                raise ValueError(f"the ledger is not empty (table {name} has rows): generate into a new one")
    rng = random.Random(seed)
    names = unit_names(units)
    picker = Picker(rng, units)
    writer = engine.execution_options(duban_write=True)  # BEGIN IMMEDIATE on SQLite
    with writer.begin() as connection:
        connection.execute(
            insert(tables["unit"]),
            [
                {
                    "id": i + 1,
                    "name": name,
                    "kind": "市直部门" if name.startswith("市") else "县区",
                    "leader": f"{'张王李赵刘陈杨黄'[i % 8]}副{'市' if name.startswith('市') else '区'}长",
                    "channels": [],
                    "provisional": False,
                }
                for i, name in enumerate(names)
            ],
        )
    plans = -(-tasks // TASKS_PER_PLAN)
    task_id = assignment_id = 0
    for first in range(0, plans, PLANS_PER_CHUNK):
        plan_rows, task_rows, assignment_rows = [], [], []
        for plan_id in range(first + 1, min(first + PLANS_PER_CHUNK, plans) + 1):
            plan_rows.append(_plan_row(plan_id))
            for position in range(min(TASKS_PER_PLAN, tasks - (plan_id - 1) * TASKS_PER_PLAN)):
                drawn = draw_task(rng, position, picker, names)
                task_id += 1
                task_rows.append(_task_row(task_id, plan_id, position, drawn))
                roles = [(drawn.lead, Role.LEAD.value)] + [
                    (unit, Role.SUPPORT.value) for unit in drawn.support
                ]
                for unit, role in roles:
                    assignment_id += 1
                    assignment_rows.append(
                        {"id": assignment_id, "task_id": task_id, "unit_id": unit + 1, "role": role}
                    )
        # One transaction per chunk: a crash loses one chunk, and SQLite readers wait at most one.
        with writer.begin() as connection:
            connection.execute(insert(tables["plan"]), plan_rows)
            connection.execute(insert(tables["task"]), task_rows)
            connection.execute(insert(tables["assignment"]), assignment_rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for name in ("unit", "plan", "task", "assignment"):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}")
                )
        # Autovacuum would analyze the fresh tables a little later anyway; doing it now keeps the
        # first benchmark runs from planning on empty statistics.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def parsed_plan(tasks: int, units: int = 2000, seed: int = 2) -> ParsedPlan:
    """A reviewed plan of `tasks` points naming existing units: what `duban import` would receive."""
    rng = random.Random(seed)
    names = unit_names(units)
    picker = Picker(rng, units)
    parsed = []
    for position in range(tasks):
        drawn = draw_task(rng, position, picker, names)
        kind, due, phrase, recurrence = drawn.deadline
        parsed.append(
            ParsedTask(
                path=drawn.path,
                title=drawn.title,
                body=drawn.body,
                lead_units=[names[drawn.lead]],
                support_units=[names[i] for i in drawn.support],
                units_open_ended=drawn.open_ended,
                deadline=Deadline(
                    type=DeadlineType(kind),
                    date=due,
                    text=phrase,
                    recurrence=Recurrence(recurrence) if recurrence else None,
                ),
                line=position + 3,
            )
        )
    return ParsedPlan(
        title=f"某市{YEAR}年政务公开重点任务分工方案", issuer="某市人民政府办公室", year=YEAR, tasks=parsed
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--db", required=True, help="sqlite:///path or postgresql://… (an empty ledger)")
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engine = open_ledger(args.db)
    start = time.perf_counter()
    generate(engine, args.tasks, units=args.units, seed=args.seed)
    elapsed = time.perf_counter() - start
    engine.dispose()
    print(f"{args.tasks} tasks, {args.units} units in {elapsed:.1f} s ({args.tasks / elapsed:,.0f} tasks/s)")


if __name__ == "__main__":
    main()
