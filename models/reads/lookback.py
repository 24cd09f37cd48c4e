"""The year-end look-back (回头看): how far a plan, or a year's plans, got by a given date.

Everything here is a handful of grouped queries over the scope (a plan, or every plan of a year),
whatever its size: completion by plan, by section and by lead unit, the unfinished items with the
reason they are late, the ongoing items with their latest progress, and the units' own summaries.

How a task is counted (one rule for every view, so the figures add up everywhere):
- Withdrawn tasks (gone from the re-imported plan) are not counted at all.
- Cancelled tasks are not part of the total either: a cancelled point was decided not to be done,
  so it neither helps nor hurts the rate. They are shown beside the total (`cancelled`).
- Every other task falls in exactly one category (models.rules.lookback): done, overdue (open and
  past its effective due date: a deferred task counts by its new date, a recurring one by the
  period its unit has not reported for), ongoing (a 持续推进 / 长期坚持 / 每季度 point not overdue),
  in_progress, not_started.
  So done + overdue + ongoing + in_progress + not_started == total, and
  rate = done / (total - ongoing) (a percentage, one decimal; none when nothing is left): an open
  持续推进 point has no date by which it could be done, so it is counted apart (`ongoing`) and kept
  out of the rate, which would otherwise read as failure. A 持续推进 point marked done counts as done.
- By unit: the lead units (牵头单位). A task with two lead units counts for each; a task with
  none is counted under NO_LEAD, so every task appears at least once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Date, Select, and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.errors import BadInput, NotFound
from models.reads.dues import effective_due_column
from models.reads.long_lists import Items, LongList
from models.reads.names import plan_name
from models.reads.summaries import SummaryRow, list_summaries
from models.rules import bounds
from models.rules.deadlines_sql import standing_sql
from models.rules.lights_sql import open_sql
from models.rules.lookback import Category
from models.rules.lookback_sql import category_sql
from models.rules.reports_sql import report_sql
from models.storage.db import without_jit
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit
from models.vocabulary import _

T = TypeVar("T")
NAMED_DONE = 10  # done items of each section a report names (Lookback.done_named)

NO_LEAD = _("(no lead unit named)")
CARRY_OVER_ACTION = "carry_over"


@dataclass
class Counts:
    done: int = 0
    overdue: int = 0
    ongoing: int = 0
    in_progress: int = 0
    not_started: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.done + self.overdue + self.ongoing + self.in_progress + self.not_started

    @property
    def unfinished(self) -> int:
        return self.total - self.done

    @property
    def dated(self) -> int:
        """The tasks the rate is taken over: all but the open ongoing ones (cancelled excluded)."""
        return self.total - self.ongoing

    @property
    def rate(self) -> float | None:
        """Done as a percentage of `dated`, one decimal; None when that is 0."""
        return round(100 * self.done / self.dated, 1) if self.dated else None

    def add(self, category: str, count: int) -> None:
        setattr(self, Category(category).value, getattr(self, Category(category).value) + int(count))

    def merge(self, other: Counts) -> None:
        for name in Category:
            self.add(name.value, getattr(other, name.value))


@dataclass
class PlanCompletion:
    key: str
    title: str
    year: int | None
    kind: str
    issuer: str
    source: str
    counts: Counts = field(default_factory=Counts)
    name: str = ""  # the short name people read (models.reads.names)


@dataclass
class SectionCompletion:
    plan: str  # plan key
    label: str  # the top-level path label: "一", "（一）", "1", or a source plan's key
    title: str  # the section heading where the ledger (or, later, the report) can tell it; else ""
    kind: str  # tasks / requirements / safeguards
    counts: Counts = field(default_factory=Counts)
    position: int = 0  # first position of the section in its plan, for ordering


@dataclass
class UnitCompletion:
    unit: str  # a lead unit, or NO_LEAD
    counts: Counts = field(default_factory=Counts)


@dataclass
class UnfinishedItem:
    task_id: int
    code: str
    plan: str
    plan_title: str
    path: list[str]
    title: str
    lead: list[str]
    support: list[str]
    due_date: dt.date | None
    deadline_text: str
    deadline_type: str
    status: str
    progress: int
    category: str  # overdue / ongoing / in_progress / not_started
    last_update: dt.date | None
    reason: str  # the latest deferral reason or progress note
    reason_kind: str  # "defer", "progress" or "" (none given)
    carried_to: str | None = None  # the code of the task continuing it in a rectification plan


@dataclass
class OngoingItem:
    task_id: int
    code: str
    plan: str
    path: list[str]
    title: str
    lead: list[str]
    deadline_text: str
    deadline_type: str
    status: str
    progress: int
    note: str  # the latest progress note
    last_update: dt.date | None


@dataclass
class DoneItem:
    task_id: int
    code: str
    plan: str
    path: list[str]
    title: str
    lead: list[str]
    deadline_text: str
    note: str  # the latest progress note
    done_on: dt.date | None  # the day of its latest journal row (when it was marked done)


@dataclass
class Lookback:
    as_of: dt.date
    year: int  # the year of the plan (or the year asked for); summaries are filed under it
    plan: str | None  # the plan key when one plan was asked for
    plans: list[PlanCompletion]
    sections: list[SectionCompletion]
    units: list[UnitCompletion]
    # The long lists: lists, or LongLists read as they are gone through (stream_lookback; in a
    # helper process, SavedItems).
    unfinished: Sequence[UnfinishedItem] | LongList[UnfinishedItem]
    ongoing: Sequence[OngoingItem] | LongList[OngoingItem]
    summaries: list[SummaryRow]
    totals: Counts
    done: Sequence[DoneItem] | LongList[DoneItem] = field(
        default_factory=list
    )  # what was achieved, for the documents
    # The first NAMED_DONE done items of each section (plan key, top-level label), in plan order
    # like `done`: what a report names of them (it counts the rest from the sections' counts).
    # A long list too (ten per section of a ledger's tens of thousands at a million tasks, held in
    # memory that doubled the look-back's peak). None when not read: go through `done`.
    done_named: Sequence[DoneItem] | LongList[DoneItem] | None = None

    @property
    def scope(self) -> str:
        """What the look-back covers, for file names: the plan key or the year."""
        return self.plan if self.plan else str(self.year)

    @property
    def title(self) -> str:
        """The report's subject in Chinese: the plan's title, or the year."""
        if self.plan:
            return self.plans[0].title or self.plan
        return _("Work tasks of {year}").format(year=self.year)


def compute_lookback(
    session: Session, *, as_of: dt.date, plan: str | None = None, year: int | None = None
) -> Lookback:
    """The look-back of one plan (by key) or of every plan of a year, as of a date, with its long
    lists read into memory (for pages and documents that keep it after the session closes; the
    look-back report streams them instead: stream_lookback).

    Exactly one of plan / year. A missing plan, or a year without plans, is NotFound.
    """
    found = stream_lookback(session, as_of=as_of, plan=plan, year=year)
    found.unfinished, found.ongoing, found.done = (
        list(found.unfinished),
        list(found.ongoing),
        list(found.done),
    )
    if found.done_named is not None:
        found.done_named = list(found.done_named)
    return found


def stream_lookback(
    session: Session, *, as_of: dt.date, plan: str | None = None, year: int | None = None
) -> Lookback:
    """The look-back with its aggregates computed and its long lists (unfinished, ongoing, done)
    as Items: read from the database each time they are gone through, while `session` is open."""
    plans = _scope(session, plan, year)
    plan_ids = [p.id for p in plans]
    scope = _tasks_of(plan_ids)
    due = effective_due_column(session, as_of)
    category = category_sql(due, as_of)
    base = (
        select(
            col(Task.id).label("id"),
            col(Task.plan_id).label("plan_id"),
            top_label(session).label("label"),
            col(Task.section).label("section"),
            col(Task.position).label("position"),
            category.label("category"),
        )
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(scope)
        .subquery()
    )
    by_id = {p.id: p for p in plans}
    completions = {
        p.id: PlanCompletion(
            p.key,
            p.title,
            p.year,
            p.kind,
            p.issuer,
            p.source,
            name=plan_name(p.short_name, p.title, year=p.year, issuer=p.issuer, key=p.key),
        )
        for p in plans
    }
    totals = Counts()
    # The plans' counts are their sections' added up: counted in the sections' grouped query, not
    # in one of their own over every task again (a second of SQLite at 100,000 tasks).
    # On PostgreSQL, JIT compiling the two grouped reads (the category CASE over every recurring
    # period, per task) took longer than running them: 0.5 s of the 1.5 s at 100,000 tasks.
    with without_jit(session):
        sections = _sections(session, base, by_id, scope, completions, totals)
        units = _units(session, base)
    chosen_year = year if year is not None else (plans[0].year or as_of.year)
    summaries = list_summaries(session, year=chosen_year, plan_ids=plan_ids if plan else None)
    # Text written before models.rules.bounds refused control characters would break the DOCX and XLSX
    # writers (and the scheduled look-back with them): the report leaves those characters out. The
    # long lists leave them out item by item as they are read (Items).
    small = bounds.scrubbed(
        Lookback(
            as_of=as_of,
            year=chosen_year,
            plan=plan,
            plans=[completions[p.id] for p in plans],
            sections=sections,
            units=units,
            unfinished=[],
            ongoing=[],
            summaries=summaries,
            totals=totals,
        )
    )
    small.unfinished = _unfinished(session, scope, category, due)
    small.ongoing = _ongoing(session, scope)
    small.done = _done(session, scope)
    small.done_named = _done_named(session, scope)
    return small


def _scope(session: Session, plan: str | None, year: int | None) -> list[Any]:
    if (plan is None) == (year is None):
        raise BadInput(code="lookback.scope", field=("plan", "year"))
    if year is not None:
        bounds.check_int(year, _("year"), low=bounds.MIN_YEAR, high=bounds.MAX_YEAR)
    if plan is not None:
        record = session.exec(select(Plan).where(Plan.key == plan)).first()
        if record is None:
            raise NotFound(code="plan.not_found", plan=plan)
        return [record]
    # Annual reports (年度报告) are reviews, not plans: they have no tasks to look back on.
    found = list(
        session.exec(select(Plan).where(Plan.year == year, Plan.kind != "report").order_by(col(Plan.key)))
    )
    if not found:
        raise NotFound(code="plan.none_for_year", field="year", year=year)
    return found


def scope_keys(session: Session, *, plan: str | None = None, year: int | None = None) -> list[str]:
    """The keys of the plans a look-back of `plan` or `year` covers (NotFound as compute_lookback).
    Its unfinished items are exactly their open tasks not withdrawn: what carry-over reads itself."""
    return [found.key for found in _scope(session, plan, year)]


def scope_size(session: Session, *, plan: str | None = None, year: int | None = None) -> int:
    """How many tasks a look-back of `plan` or `year` goes through (withdrawn ones left out; NotFound
    as compute_lookback): one count on the task table's plan index, before anything is computed."""
    scope = _tasks_of([found.id for found in _scope(session, plan, year)])
    return int(session.execute(select(func.count()).select_from(Task).where(scope)).scalar_one())


def _tasks_of(plan_ids: list[Any]) -> Any:
    """The tasks a look-back of these plans goes through: withdrawn ones are left out."""
    return and_(col(Task.plan_id).in_(plan_ids), col(Task.withdrawn).is_(False))


def top_label(session: Session) -> Any:
    """The first label of path_key ("一/（三）/2" -> "一") in SQL, so sections group in the database."""
    key = col(Task.path_key)
    if session.get_bind().dialect.name == "postgresql":
        return func.split_part(key, "/", 1)
    return func.substr(key, 1, func.instr(key + "/", "/") - 1)


def _category_counts(
    session: Session,
    base: Any,
    *keys: Any,
    also: Sequence[Any] = (),
    joined: Callable[[Select], Select] | None = None,
) -> Iterator[tuple[tuple[Any, ...], str, int, tuple[Any, ...]]]:
    """The look-back's tasks counted per category within each group of `keys`, as (key values,
    category, count, the `also` aggregates), in one grouped query over the base subquery; `joined`
    adds the joins a key needs. Grouped over the subquery, not over the CASE itself: PostgreSQL
    would see the as-of date bound twice (in SELECT and GROUP BY) as two different expressions."""
    query = select(*keys, base.c.category, func.count(), *also).select_from(base)
    if joined is not None:
        query = joined(query)
    width = len(keys)
    for row in session.execute(query.group_by(*keys, base.c.category)):
        yield tuple(row[:width]), row[width], row[width + 1], tuple(row[width + 2 :])


def _sections(
    session: Session,
    base: Any,
    plans: dict[Any, Any],
    scope: Any,
    completions: dict[Any, PlanCompletion],
    totals: Counts,
) -> list[SectionCompletion]:
    """The sections' completion; each count also added to its plan's (`completions`) and `totals`."""
    rows = _category_counts(
        session,
        base,
        base.c.plan_id,
        base.c.label,
        also=(func.min(base.c.position), func.max(base.c.section)),
    )
    found: dict[tuple[int, str], SectionCompletion] = {}
    for (plan_id, label), cat, count, (position, kind) in rows:
        section = found.get((plan_id, label))
        if section is None:
            section = found[(plan_id, label)] = SectionCompletion(
                plans[plan_id].key, label, "", kind, position=position
            )
        section.position = min(section.position, position)
        section.counts.add(cat, count)
        completions[plan_id].counts.add(cat, count)
        totals.add(cat, count)
    titles = _section_titles(session, scope, {label for _, label in found})
    for (plan_id, label), section in found.items():
        section.title = titles.get((plan_id, label), titles.get((None, label), ""))
    order = {p.key: index for index, p in enumerate(plans.values())}
    return sorted(found.values(), key=lambda s: (order[s.plan], s.position))


def _section_titles(session: Session, scope: Any, labels: set[str]) -> dict[tuple[int | None, str], str]:
    """Headings the ledger knows: a top-level point that is itself a task gives its title; in a
    rectification plan the sections are the source plans, whose titles are in the plan table.
    Headings of points with children are not stored; the report may find them in the documents."""
    titles: dict[tuple[int | None, str], str] = {}
    query = select(Task.plan_id, Task.path_key, Task.title).where(scope, col(Task.path_key).not_like("%/%"))
    for plan_id, key, title in session.execute(query):
        titles[(plan_id, key)] = title
    wanted = sorted(labels)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for key, title in session.execute(select(Plan.key, Plan.title).where(col(Plan.key).in_(chunk))):
            titles[(None, key)] = title or key
    return titles


def _units(session: Session, base: Any) -> list[UnitCompletion]:
    lead = and_(Assignment.task_id == base.c.id, Assignment.role == Role.LEAD.value)
    rows = _category_counts(
        session,
        base,
        Unit.name,
        joined=lambda query: query.join(Assignment, lead, isouter=True).join(
            Unit, col(Unit.id) == Assignment.unit_id, isouter=True
        ),
    )
    found: dict[str, UnitCompletion] = {}
    for (name,), cat, count, _closed in rows:
        name = name or NO_LEAD
        found.setdefault(name, UnitCompletion(name)).counts.add(cat, count)
    # Most unfinished first: the look-back is read to see who is behind.
    return sorted(
        found.values(),
        key=lambda u: (u.unit == NO_LEAD, -u.counts.overdue, -u.counts.unfinished, u.unit),
    )


def _carried() -> tuple[Any, Any]:
    """(subquery origin task id -> the newest task continuing it, alias of that task)."""
    child = aliased(Task)
    newest = (
        select(col(child.origin_id).label("origin_id"), func.max(child.id).label("child_id"))
        .where(col(child.origin_id).is_not(None))
        .group_by(child.origin_id)
        .subquery()
    )
    return newest, aliased(Task)


def _printable(item: T, row: Sequence[Any], *names: list[str]) -> T:
    """`item` as made from `row` and its units' `names`, its texts made printable: text written
    before models.rules.bounds refused control characters would break the DOCX and XLSX writers,
    so the report leaves those characters out. The row's texts are looked at once, as one string
    (a field at a time was a million calls at 100,000 tasks); the rare item holding such a
    character is made again with every text of it cleaned (bounds.scrubbed)."""
    texts = [value for value in row if type(value) is str]
    for group in names:
        texts += group
    return item if bounds.forbidden_character("".join(texts)) is None else bounds.scrubbed(item)


def _latest_journal(*conditions: Any) -> Any:
    """The id of a task's latest journal row meeting `conditions`, as a correlated subquery (the
    journal is append-only: the latest row is the highest id)."""
    return (
        select(func.max(Journal.id))
        .where(col(Journal.task_id) == Task.id, *conditions)
        .correlate(Task)
        .scalar_subquery()
    )


def _with_facts(query: Select) -> Select:
    """`query` with the task's journal facts added as its last three columns: the day of its latest
    journal row (its task's last update when it has none), and the action and note of its latest
    report with a note.

    The business day (`day`, the --as-of of the command) is preferred to the time stamp's date, so
    back-dated entries land where they were meant to. Carry-over rows are bookkeeping, not progress:
    they are left out. A report's note says why a task stands where it does. The day is made in
    SQL: two time stamps per row read as datetimes were a tenth of the lists' first read."""
    latest, reason = aliased(Journal), aliased(Journal)
    last_day = func.coalesce(latest.day, func.date(latest.at), func.date(Task.updated_at), type_=Date)
    return (
        query.add_columns(last_day, reason.action, reason.note)
        .join(latest, latest.id == _latest_journal(Journal.action != CARRY_OVER_ACTION), isouter=True)
        .join(reason, reason.id == _latest_journal(report_sql(), Journal.note != ""), isouter=True)
    )


def _ordered(query: Select) -> Select:
    return query.join(Plan, col(Plan.id) == Task.plan_id).order_by(
        Plan.year, Plan.key, Task.position, Task.id
    )


def _unfinished(session: Session, scope: Any, category: Any, due: Any) -> Items[UnfinishedItem]:
    """The open tasks, each with its effective due date (a recurring one's current occurrence)."""
    newest, carried = _carried()
    query = _with_facts(
        _ordered(
            select(
                Task.id,
                Task.code,
                Plan.key,
                Plan.title,
                Task.path_key,
                Task.title,
                due,
                Task.deadline_text,
                Task.deadline_type,
                Task.status,
                Task.progress,
                Task.progress_note,
                category,
                carried.code,
            )
        )
        .join(newest, newest.c.origin_id == Task.id, isouter=True)
        .join(carried, carried.id == newest.c.child_id, isouter=True)
        .where(scope, open_sql())
    )

    def make(row: Any, units: tuple[list[str], list[str]]) -> UnfinishedItem:
        (task_id, code, plan_key, plan_title, path_key, title, due_date, deadline_text, deadline_type,
         status, progress, note, cat, carried_code, last_day, action, reason) = row  # fmt: skip
        lead, support = units
        if reason:
            note, kind = reason, "defer" if action == "defer" else "progress"
        else:
            kind = "progress" if note else ""
        item = UnfinishedItem(
            task_id=task_id,
            code=code,
            plan=plan_key,
            plan_title=plan_title or plan_key,
            path=path_key.split("/"),
            title=title,
            lead=lead,
            support=support,
            due_date=due_date,
            deadline_text=deadline_text,
            deadline_type=deadline_type,
            status=status,
            progress=progress,
            category=cat,
            last_update=last_day,
            reason=note,
            reason_kind=kind,
            carried_to=carried_code,
        )
        return _printable(item, row, lead, support)

    return Items(session, query, make, UnfinishedItem)


def _ongoing(session: Session, scope: Any) -> Items[OngoingItem]:
    query = _with_facts(
        _ordered(
            select(
                Task.id,
                Task.code,
                Plan.key,
                Task.path_key,
                Task.title,
                Task.deadline_text,
                Task.deadline_type,
                Task.status,
                Task.progress,
                Task.progress_note,
            )
        ).where(scope, standing_sql(), col(Task.status) != TaskStatus.CANCELLED.value)
    )

    def make(row: Any, units: tuple[list[str], list[str]]) -> OngoingItem:
        (task_id, code, plan_key, path_key, title, deadline_text, deadline_type, status, progress,
         note, last_day, _action, _reason) = row  # fmt: skip
        lead = units[0]
        item = OngoingItem(
            task_id=task_id,
            code=code,
            plan=plan_key,
            path=path_key.split("/"),
            title=title,
            lead=lead,
            deadline_text=deadline_text,
            deadline_type=deadline_type,
            status=status,
            progress=progress,
            note=note,
            last_update=last_day,
        )
        return _printable(item, row, lead)

    return Items(session, query, make, OngoingItem)


def _done(session: Session, scope: Any) -> Items[DoneItem]:
    query = _with_facts(
        _ordered(
            select(
                Task.id,
                Task.code,
                Plan.key,
                Task.path_key,
                Task.title,
                Task.deadline_text,
                Task.progress_note,
            )
        ).where(scope, col(Task.status) == TaskStatus.DONE.value)
    )

    def make(row: Any, units: tuple[list[str], list[str]]) -> DoneItem:
        task_id, code, plan_key, path_key, title, deadline_text, note, last_day, _, _ = row
        lead = units[0]
        item = DoneItem(
            task_id=task_id,
            code=code,
            plan=plan_key,
            path=path_key.split("/"),
            title=title,
            lead=lead,
            deadline_text=deadline_text,
            note=note,
            done_on=last_day,
        )
        return _printable(item, row, lead)

    return Items(session, query, make, DoneItem)


def _done_named(session: Session, scope: Any) -> Items[DoneItem]:
    """The first NAMED_DONE done items of each section, ranked in the database (a window over the
    done tasks): a report that names a few of each section's does not read all of them (34,000 at
    100,000 tasks, a second of the DOCX)."""
    label = top_label(session)
    ranked = (
        select(
            col(Task.id).label("id"),
            func.row_number()
            .over(partition_by=(Task.plan_id, label), order_by=(Task.position, Task.id))
            .label("rank"),
        )
        .where(scope, col(Task.status) == TaskStatus.DONE.value)
        .subquery()
    )
    named = col(Task.id).in_(select(ranked.c.id).where(ranked.c.rank <= NAMED_DONE))
    return _done(session, and_(scope, named))


def carried_count(lookback: Lookback) -> int:
    """How many of the unfinished items were carried over to a rectification plan. A streamed
    list counts them once (the Markdown's and the XLSX's overviews and the summary lines each asked,
    each a pass over the list read back from disk)."""
    if isinstance(lookback.unfinished, LongList):
        return lookback.unfinished.counted("carried", _is_carried)
    return sum(1 for item in lookback.unfinished if _is_carried(item))


def _is_carried(item: UnfinishedItem) -> bool:
    return bool(item.carried_to)


def unfinished_ids(lookback: Lookback) -> list[int]:
    """The task ids of a look-back's unfinished items (what carry-over copies)."""
    return [item.task_id for item in lookback.unfinished]


def plan_ids_for(session: Session, keys: Iterable[str]) -> list[int]:
    """Plan ids for plan keys; any unknown key is NotFound (named)."""
    wanted = list(dict.fromkeys(keys))
    found = dict(session.execute(select(Plan.key, Plan.id).where(col(Plan.key).in_(wanted))).all())
    missing = [key for key in wanted if key not in found]
    if missing:
        raise NotFound(code="plan.not_found", plan=missing[0])
    return [found[key] for key in wanted]
