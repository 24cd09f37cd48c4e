"""The dashboard's overview: traffic-light counts by plan, section and unit, and completion by week.

A handful of grouped queries whatever the ledger's size (no query per task or per plan): the light
of every task is computed in SQL, grouped by (plan, top-level path label, light), and again through
the assignments by unit; completion over time is the journal's status -> done rows counted per day.
The light is models.rules.lights' SQL twin over the effective due date; a test compares it with the
task query's lights day by day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, and_, func
from sqlmodel import Session, col, select

from models.errors import NotFound
from models.reads.dues import effective_due_column
from models.reads.lookback import NO_LEAD, top_label  # the look-back's section rule, so the two agree
from models.reads.task_query import live_tasks
from models.rules.lights import Light
from models.rules.lights_sql import light_sql
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit
from models.vocabulary.i18n import N_, _

LIGHTS = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY, Light.DONE)
MIN_WEEKS = 12  # early in the year the chart still shows a quarter, not one or two bars

# The chart's month names (msgids; shown through `_()`).
MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


@dataclass
class LightCounts:
    red: int = 0
    yellow: int = 0
    green: int = 0
    grey: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green + self.grey + self.done

    def add(self, light: str, count: int) -> None:
        name = Light(light).value
        setattr(self, name, getattr(self, name) + int(count))

    def worst_first(self) -> tuple[int, int, int]:
        """Sort key: most overdue, then most due soon, then most open."""
        return (-self.red, -self.yellow, -(self.total - self.done))


@dataclass
class PlanLights:
    key: str
    title: str
    year: int | None
    counts: LightCounts = field(default_factory=LightCounts)


@dataclass
class SectionLights:
    plan: str  # plan key
    plan_title: str
    label: str  # the top-level path label: "一", "（一）", "1"
    position: int  # first position in the plan, for document order
    counts: LightCounts = field(default_factory=LightCounts)


@dataclass
class UnitLights:
    unit: str
    counts: LightCounts = field(default_factory=LightCounts)


@dataclass
class Week:
    monday: dt.date
    done: int

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class Month:
    first: dt.date  # the month's first day
    done: int

    @property
    def label(self) -> str:
        return f"{self.first.year}-{self.first.month:02d}"

    @property
    def short(self) -> str:
        """The month's short name on the chart: 3月 (Mar in English)."""
        return _(MONTHS[self.first.month - 1])


@dataclass
class Overview:
    as_of: dt.date
    plan: str | None
    totals: LightCounts
    plans: list[PlanLights]  # year, key order
    sections: list[SectionLights]  # plan order, then document order
    units: list[UnitLights]  # worst first
    weeks: list[Week]  # oldest first, ending with the as-of date's week
    months: list[Month] = field(default_factory=list)  # the chart: oldest first, to the as-of month

    @property
    def top_overdue_units(self) -> list[UnitLights]:
        return [u for u in self.units if u.counts.red][:10]


# Built once: building its three subqueries cost a request more than running them (0.8 of 1.4 ms),
# and Core runs it without the ORM's result handling.
_MARK = select(
    select(func.coalesce(func.max(Journal.id), 0)).scalar_subquery(),
    select(func.coalesce(func.max(Unit.id), 0)).scalar_subquery(),
    select(func.coalesce(func.max(Plan.id), 0)).scalar_subquery(),
)


def ledger_mark(session: Session) -> tuple[int, int, int]:
    """A value that moves whenever a figure of the overview may have changed: every change to a
    task or its units writes a journal row (append-only, so its highest id only grows), and a new
    unit or plan gets a new id. Three index lookups: cheap enough to ask on every request."""
    row = session.connection().execute(_MARK).one()
    return (int(row[0]), int(row[1]), int(row[2]))


def compute_overview(
    session: Session, *, as_of: dt.date, due_soon_days: int, plan: str | None = None
) -> Overview:
    """Traffic lights and weekly completion for every plan, or for one plan (by key)."""
    plans = _plans(session, plan)
    plan_id = next(iter(plans)) if plan is not None else None
    light = light_sql(effective_due_column(session, as_of), as_of, due_soon_days)
    scope = [live_tasks()]  # a table scan: this query reads path_key and position of every task
    if plan_id is not None:
        scope.append(col(Task.plan_id) == plan_id)
    base = (
        select(
            col(Task.plan_id).label("plan_id"),
            top_label(session).label("label"),
            col(Task.position).label("position"),
            light.label("light"),
        )
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(*scope)
        .subquery()
    )
    totals = LightCounts()
    by_plan = {pid: PlanLights(key, title or key, year) for pid, (key, title, year) in plans.items()}
    sections: dict[tuple[int, str], SectionLights] = {}
    # Grouped over the subquery, not over the CASE: PostgreSQL would see the as-of date bound twice
    # (in SELECT and GROUP BY) as two different expressions.
    query = select(
        base.c.plan_id, base.c.label, base.c.light, func.count(), func.min(base.c.position)
    ).group_by(base.c.plan_id, base.c.label, base.c.light)
    for pid, label, light_name, count, position in session.execute(query):
        totals.add(light_name, count)
        by_plan[pid].counts.add(light_name, count)
        section = sections.get((pid, label))
        if section is None:
            owner = by_plan[pid]
            section = sections[(pid, label)] = SectionLights(owner.key, owner.title, label, position)
        section.position = min(section.position, position)
        section.counts.add(light_name, count)
    order = {pid: index for index, pid in enumerate(plans)}
    plan_ids = {key: pid for pid, (key, _, _) in plans.items()}
    return Overview(
        as_of=as_of,
        plan=plan,
        totals=totals,
        plans=[p for p in by_plan.values() if p.counts.total],
        sections=sorted(sections.values(), key=lambda s: (order[plan_ids[s.plan]], s.position)),
        units=_units(session, light, plan_id),
        weeks=weekly_done(session, as_of=as_of, plan_id=plan_id),
        months=monthly_done(session, as_of=as_of, plan_id=plan_id),
    )


def _plans(session: Session, key: str | None) -> dict[int, tuple[str, str, int | None]]:
    """plan id -> (key, title, year), in year and key order."""
    query = select(Plan.id, Plan.key, Plan.title, Plan.year).order_by(col(Plan.year), col(Plan.key))
    if key is not None:
        query = query.where(Plan.key == key)
    found = {pid: (pkey, title, year) for pid, pkey, title, year in session.execute(query)}
    if key is not None and not found:
        raise NotFound(code="plan.not_found", plan=key)
    return found


def _units(session: Session, light: Any, plan_id: int | None) -> list[UnitLights]:
    """Per unit, over the tasks it leads or supports: the same tasks the ledger's unit filter shows,
    so a count on the overview and the list it links to agree. Grouped by unit id (the names are
    joined afterwards: grouping by a text column costs a third more on 200,000 assignments)."""
    scope = [col(Task.withdrawn).is_(False)]  # here the open-tasks index covers every column read
    if plan_id is not None:
        scope.append(col(Task.plan_id) == plan_id)
    rows = (
        select(col(Assignment.unit_id).label("unit_id"), light.label("light"))
        .select_from(Task)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .join(Assignment, col(Assignment.task_id) == Task.id)
        .where(*scope)
        .subquery()
    )
    query = select(rows.c.unit_id, rows.c.light, func.count()).group_by(rows.c.unit_id, rows.c.light)
    by_id: dict[int, LightCounts] = {}
    for unit_id, light_name, count in session.execute(query):
        by_id.setdefault(unit_id, LightCounts()).add(light_name, count)
    names = dict(session.execute(select(Unit.id, Unit.name)).all())  # the registry is small
    found = [UnitLights(names[unit_id], counts) for unit_id, counts in by_id.items()]
    # The points no unit leads: no unit's row shows them, yet they are often most of what is late.
    led = select(Assignment.task_id).where(Assignment.role == Role.LEAD.value)
    orphan = (
        select(light.label("light"))
        .select_from(Task)
        .join(Plan, col(Plan.id) == Task.plan_id)  # the due-date rule reads the plan's year
        .where(*scope, col(Task.id).not_in(led))
        .subquery()
    )
    no_lead = LightCounts()
    for light_name, count in session.execute(select(orphan.c.light, func.count()).group_by(orphan.c.light)):
        no_lead.add(light_name, count)
    if no_lead.total:
        found.append(UnitLights(NO_LEAD, no_lead))
    return sorted(found, key=lambda u: (*u.counts.worst_first(), u.unit))


def chart_start(as_of: dt.date) -> dt.date:
    """The Monday the completion chart starts on: the year's first week, or MIN_WEEKS back."""
    this_monday = as_of - dt.timedelta(days=as_of.weekday())
    first = dt.date(as_of.year, 1, 1)
    year_monday = first - dt.timedelta(days=first.weekday())
    return min(year_monday, this_monday - dt.timedelta(weeks=MIN_WEEKS - 1))


def weekly_done(session: Session, *, as_of: dt.date, plan_id: int | None = None) -> list[Week]:
    """Tasks marked done per week, from the journal's status -> done rows, up to the as-of date.

    A row counts on its business day (Journal.day, the as-of date of the change), else on the
    date of its clock time. Counted per day in SQL (a few hundred rows at most), bucketed here.
    """
    start = chart_start(as_of)
    counts: dict[dt.date, int] = {}
    for done_on, count in _done_per_day(session, start, as_of, plan_id):
        monday = done_on - dt.timedelta(days=done_on.weekday())
        counts[monday] = counts.get(monday, 0) + count
    weeks = []
    monday = start
    while monday <= as_of:
        weeks.append(Week(monday, counts.get(monday, 0)))
        monday += dt.timedelta(weeks=1)
    return weeks


def _done_per_day(
    session: Session, start: dt.date, as_of: dt.date, plan_id: int | None
) -> list[tuple[dt.date, int]]:
    day = func.coalesce(col(Journal.day), func.date(col(Journal.at)), type_=Date)
    where = [
        col(Journal.field) == "status",
        col(Journal.new) == TaskStatus.DONE.value,
        day >= start,
        day <= as_of,
    ]
    query = select(day.label("day"), func.count()).where(*where)
    if plan_id is not None:
        query = query.join(Task, and_(col(Task.id) == Journal.task_id, col(Task.plan_id) == plan_id))
    found = []
    for done_on, count in session.execute(query.group_by(day)):
        if isinstance(done_on, str):  # SQLite's date() is text; the column type does not reach it
            done_on = dt.date.fromisoformat(done_on)
        found.append((done_on, int(count)))
    return found


def monthly_done(session: Session, *, as_of: dt.date, plan_id: int | None = None) -> list[Month]:
    """Tasks marked done per calendar month, from January of the as-of year (at least six months
    back) to the as-of month: what a 半年/全年 report counts in, unlike ISO weeks (W53, W06)."""
    first = dt.date(as_of.year, 1, 1)
    back = as_of.month - 6
    if back < 1:  # early in the year: the last six months, across the new year
        first = dt.date(as_of.year - 1, back + 12, 1)
    counts: dict[dt.date, int] = {}
    for done_on, count in _done_per_day(session, first, as_of, plan_id):
        key = done_on.replace(day=1)
        counts[key] = counts.get(key, 0) + count
    months, month = [], first
    while month <= as_of:
        months.append(Month(month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months
