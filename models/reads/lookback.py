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
from typing import Any

from sqlalchemy import Date, Select, and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.errors import BadInput, NotFound
from models.reads.dues import effective_due_column
from models.reads.long_lists import Items
from models.reads.lookback_views import (  # the views, read here; kept importable from here
    NAMED_DONE,
    NO_LEAD,
    Counts,
    DoneItem,
    Lookback,
    OngoingItem,
    PlanCompletion,
    SectionCompletion,
    UnfinishedItem,
    UnitCompletion,
    carried_count,
    unfinished_ids,
)
from models.reads.names import path_parts, plan_name
from models.reads.summaries import list_summaries
from models.rules import bounds
from models.rules.deadlines_sql import standing_sql
from models.rules.lights_sql import open_sql
from models.rules.lookback_sql import category_sql
from models.rules.reports_sql import report_sql
from models.storage.db import without_jit
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit
from models.vocabulary import _

CARRY_OVER_ACTION = "carry_over"

__all__ = [
    "CARRY_OVER_ACTION",
    "NAMED_DONE",
    "NO_LEAD",
    "Counts",
    "DoneItem",
    "Lookback",
    "OngoingItem",
    "PlanCompletion",
    "SectionCompletion",
    "UnfinishedItem",
    "UnitCompletion",
    "carried_count",
    "compute_lookback",
    "scope_keys",
    "scope_size",
    "stream_lookback",
    "top_label",
    "unfinished_ids",
]


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


# The long lists the reports go through (the done items they name come from done_named, whose
# length the sections' counts give): their lengths, and the carried tally, counted with the
# aggregates, before the lists are read.
COUNTED_LISTS = ("unfinished", "ongoing")


def stream_lookback(
    session: Session,
    *,
    as_of: dt.date,
    plan: str | None = None,
    year: int | None = None,
    lists_made: Callable[[dict[str, Items[Any]]], None] | None = None,
) -> Lookback:
    """The look-back with its aggregates computed and its long lists (unfinished, ongoing, done,
    done_named) as Items: read from the database each time they are gone through, while `session`
    is open. `lists_made` is called with the lists (by field name) before the aggregates are
    counted: the report starts reading them beside the counting (on PostgreSQL)."""
    plans = _scope(session, plan, year)
    plan_ids = [p.id for p in plans]
    scope = _tasks_of(plan_ids)
    due = effective_due_column(session, as_of)
    category = category_sql(due, as_of)
    lists: dict[str, Items[Any]] = {
        "unfinished": _unfinished(session, scope, category, due),
        "ongoing": _ongoing(session, scope),
        "done": _done(session, scope),
        "done_named": _done_named(session, scope),
    }
    if lists_made is not None:
        lists_made(lists)
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
        for name in COUNTED_LISTS:
            lists[name].count()
    lists["done_named"].known(named_count(sections))
    chosen_year = year if year is not None else (plans[0].year or as_of.year)
    summaries = list_summaries(session, year=chosen_year, plan_ids=plan_ids if plan else None)
    # Text written before models.rules.bounds refused control characters would break the DOCX and XLSX
    # writers (and the scheduled look-back with them): the report leaves those characters out. The
    # long lists leave them out a chunk at a time as they are read (Items).
    small = Lookback(
        as_of=as_of,
        year=chosen_year,
        plan=plan,
        plans=[completions[p.id] for p in plans],
        sections=sections,
        units=units,
        summaries=summaries,
        totals=totals,
        **lists,
    )
    # The lists are none of the containers either looks into: only the small views are looked at.
    return bounds.scrubbed(small) if bounds.holds_forbidden(small) else small


def _scope(session: Session, plan: str | None, year: int | None, what: Any = Plan) -> list[Any]:
    """The plans a look-back of `plan` or `year` covers, in key order: `what` of each (the Plan, or
    a column of it: scope_size reads only the ids)."""
    if (plan is None) == (year is None):
        raise BadInput(code="lookback.scope", field=("plan", "year"))
    if year is not None:
        bounds.check_int(year, _("year"), low=bounds.MIN_YEAR, high=bounds.MAX_YEAR)
    if plan is not None:
        record = session.exec(select(what).where(Plan.key == plan)).first()
        if record is None:
            raise NotFound(code="plan.not_found", plan=plan)
        return [record]
    # Annual reports (年度报告) are reviews, not plans: they have no tasks to look back on.
    found = list(
        session.exec(select(what).where(Plan.year == year, Plan.kind != "report").order_by(col(Plan.key)))
    )
    if not found:
        raise NotFound(code="plan.none_for_year", field="year", year=year)
    return found


def scope_keys(session: Session, *, plan: str | None = None, year: int | None = None) -> list[str]:
    """The keys of the plans a look-back of `plan` or `year` covers (NotFound as compute_lookback).
    Its unfinished items are exactly their open tasks not withdrawn: what carry-over reads itself."""
    return _scope(session, plan, year, col(Plan.key))


def scope_size(
    session: Session, *, plan: str | None = None, year: int | None = None, up_to: int | None = None
) -> int:
    """How many tasks a look-back of `plan` or `year` goes through (withdrawn ones left out; NotFound
    as compute_lookback), counted up to `up_to` when given (enough to decide by, without counting a
    million tasks): one count on the task table's plan index, before anything is computed."""
    scope = _tasks_of(_scope(session, plan, year, col(Plan.id)))
    tasks = select(Task.id).where(scope)
    if up_to is not None:
        tasks = tasks.limit(up_to)
    return int(session.execute(select(func.count()).select_from(tasks.subquery())).scalar_one())


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


def _listed(
    session: Session,
    rows: Select,
    make: Callable[[Any, tuple[list[str], list[str]]], tuple[Any, ...]],
    kind: type[Any],
    tallies: dict[str, Any] | None = None,
) -> Items[Any]:
    """A long list of `rows` with their journal facts added (_with_facts); its length (and
    `tallies`) counted over `rows` alone, the same rows without the facts' joins."""
    return Items(session, _with_facts(rows), make, kind, rows=rows, tallies=tallies)


def _ordered(query: Select) -> Select:
    return query.join(Plan, col(Plan.id) == Task.plan_id).order_by(
        Plan.year, Plan.key, Task.position, Task.id
    )


def _unfinished(session: Session, scope: Any, category: Any, due: Any) -> Items[UnfinishedItem]:
    """The open tasks, each with its effective due date (a recurring one's current occurrence)."""
    newest, carried = _carried()
    rows = (
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

    def make(row: Any, units: tuple[list[str], list[str]]) -> tuple[Any, ...]:
        (task_id, code, plan_key, plan_title, path_key, title, due_date, deadline_text, deadline_type,
         status, progress, note, cat, carried_code, last_day, action, reason) = row  # fmt: skip
        lead, support = units
        if reason:
            note, kind = reason, "defer" if action == "defer" else "progress"
        else:
            kind = "progress" if note else ""
        # UnfinishedItem's fields in their order (Items makes the item only where one is asked for).
        return (task_id, code, plan_key, plan_title or plan_key, list(path_parts(path_key)), title, lead, support,
                due_date, deadline_text, deadline_type, status, progress, cat, last_day, note, kind,
                carried_code)  # fmt: skip

    # "carried" is lookback_views.carried_count's tally: the items with a carried_to.
    return _listed(session, rows, make, UnfinishedItem, tallies={"carried": carried.code})


def _ongoing(session: Session, scope: Any) -> Items[OngoingItem]:
    rows = _ordered(
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

    def make(row: Any, units: tuple[list[str], list[str]]) -> tuple[Any, ...]:
        (task_id, code, plan_key, path_key, title, deadline_text, deadline_type, status, progress,
         note, last_day, _action, _reason) = row  # fmt: skip
        # OngoingItem's fields in their order.
        return (task_id, code, plan_key, list(path_parts(path_key)), title, units[0], deadline_text, deadline_type,
                status, progress, note, last_day)  # fmt: skip

    return _listed(session, rows, make, OngoingItem)


def _done(session: Session, scope: Any) -> Items[DoneItem]:
    rows = _ordered(
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

    def make(row: Any, units: tuple[list[str], list[str]]) -> tuple[Any, ...]:
        task_id, code, plan_key, path_key, title, deadline_text, note, last_day, _, _ = row
        # DoneItem's fields in their order.
        path = list(path_parts(path_key))
        return (task_id, code, plan_key, path, title, units[0], deadline_text, note, last_day)

    return _listed(session, rows, make, DoneItem)


def named_count(sections: Iterable[SectionCompletion]) -> int:
    """How many items _done_named reads: the first NAMED_DONE done tasks of each section, so each
    section's done count up to NAMED_DONE (the same sections: a plan and its top-level label)."""
    return sum(min(section.counts.done, NAMED_DONE) for section in sections)


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


def plan_ids_for(session: Session, keys: Iterable[str]) -> list[int]:
    """Plan ids for plan keys; any unknown key is NotFound (named)."""
    wanted = list(dict.fromkeys(keys))
    found = dict(session.execute(select(Plan.key, Plan.id).where(col(Plan.key).in_(wanted))).all())
    missing = [key for key in wanted if key not in found]
    if missing:
        raise NotFound(code="plan.not_found", plan=missing[0])
    return [found[key] for key in wanted]
