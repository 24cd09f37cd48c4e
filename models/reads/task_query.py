"""The one task query: the ledger filtered, sorted, counted, paged, listed whole or exported.

`duban tasks` and `duban export --xlsx`, the ledger and overview pages, /api/tasks and both
workbooks (the page's and the CLI's) read the ledger through TaskQuery, so a filter means the same
everywhere. Due dates are effective ones (models.rules.deadlines: a recurring task's current
occurrence), so "overdue" and the light agree with the digest, the ladder and the look-back.

A page is one count and one LIMIT/OFFSET query plus one query for the page's units, so a
100,000-task ledger never builds 100,000 rows for a screen of 100. Rows are plain dataclasses read
from columns, never ORM objects.

In due-date order (the default) the effective due date is an expression (a recurring task's
occurrence is computed from its reports), which no index can hold; sorting every task by it cost a
page 450 ms at 100,000 tasks. So a page (or a listing cut at a limit) reads two ordered ranges:
the dated tasks, as the merge of the fixed-date ones walked on the due_date index and the
recurring ones (computed and sorted, about a tenth of a ledger), each cut at the page's end; then
the undated tasks in plan order, read only by the pages that reach them. Same rows, same order as
`ORDER BY due NULLS LAST, plan, position, id` (tests/test_task_query_order.py compares the two).
The recurring tasks' due dates remain the page's main cost (about 60-80 ms at 100,000 tasks,
10,000 of them recurring). A caller that serves many pages of one state of the ledger (the
dashboard) gives TaskQuery a `keep` function: the count and the recurring range, as bare sort keys,
are computed once per key it stands for and merged with the fixed-date range (a few index lookups)
on every page. A listing of every task keeps the one sort: it reads them all anyway.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Row, Select, case, false, func, literal, union_all
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from models.errors import BadInput, NotFound
from models.reads import units as registry
from models.reads.dues import effective_due_column
from models.reads.names import plan_name
from models.reads.task_rows import TaskRow
from models.rules import bounds
from models.rules.deadlines_sql import fixed_due_sql, recurring_sql
from models.rules.lights import light
from models.rules.lights_sql import due_within_sql, overdue_sql
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit
from models.vocabulary.i18n import _

# Status in the order work moves through it, so "sort by status" reads as a pipeline.
STATUS_ORDER = ("not_started", "in_progress", "deferred", "done", "cancelled")
SORTS = ("due", "plan", "status", "code")
MAX_PER_PAGE = 500
CHUNK = 500  # IN lists within every database's limits
# keep(what, compute): compute()'s value, or the one kept under `what` for this query's filters,
# as-of date and state of the ledger (the dashboard's ViewCache). `what` is "count" or "recurring".
Keep = Callable[[str, Callable[[], Any]], Any]
DUE = 7  # the due date's place among TaskQuery._columns()


@dataclass(frozen=True)
class TaskFilter:
    plan: str | None = None  # plan key
    unit: str | None = None  # a unit's name or alias: the tasks it leads or supports
    status: str | None = None
    overdue: bool = False
    due_within: int | None = None  # open tasks due from the as-of date to this many days after it
    include_withdrawn: bool = False  # tasks gone from their re-imported plan, too


@dataclass
class TaskPage:
    rows: list[TaskRow]
    total: int  # tasks matching the filters, on every page
    page: int  # 1-based, within 1..pages
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class ExportRow:
    """A row of the 台账 workbook: the task's row and what the units fill in from."""

    task: TaskRow
    plan_title: str
    note: str
    evidence: str


def live_tasks() -> Any:
    """Tasks not withdrawn, written so SQLite reads the table rather than the open-tasks index.

    `withdrawn IS 0` (or `= 0`) makes SQLite's planner walk ix_task_open_due and fetch every row
    through it: on 100,000 tasks a sorted page took 130-400 ms that way and 25-55 ms with the
    table scan that `IS NOT 1` leads to. PostgreSQL plans both forms alike.
    """
    return col(Task.withdrawn).is_not(True)


class TaskQuery:
    """The ledger under `filters` as of a date, in `sort` order ("plan": each plan's own order)."""

    def __init__(
        self,
        session: Session,
        filters: TaskFilter | None = None,
        *,
        as_of: dt.date,
        due_soon_days: int,
        sort: str = "due",
        keep: Keep | None = None,
    ) -> None:
        self.session = session
        self.keep = keep
        self.filters = filters or TaskFilter()
        self.as_of = as_of
        self.due_soon_days = due_soon_days
        self.sort = sort
        if sort not in SORTS:
            raise BadInput(
                _("unknown sort {sort!r}: one of {choices}").format(sort=sort, choices=", ".join(SORTS))
            )
        self.common = self._common()
        self.live: list[Any] = [] if self.filters.include_withdrawn else [live_tasks()]

    # Built when first used: the effective due date's expression (a CASE per recurrence and plan
    # year) costs a query and about 7 ms to build, which a page whose recurring range is kept
    # (keep) and which has no due-date filter never needs.
    @cached_property
    def due(self) -> Any:
        """The effective due date as a SQL expression (models.reads.dues)."""
        return effective_due_column(self.session, self.as_of)

    @cached_property
    def order(self) -> list[Any]:
        return self._order(self.sort)

    @cached_property
    def conditions(self) -> list[Any]:
        """Every filter's condition, over Task joined to its Plan."""
        return [*self.live, *self.common, *self._due_conditions(self.due)]

    def _common(self) -> list[Any]:
        """The conditions on the task's own columns: every filter but the due date's."""
        filters, session = self.filters, self.session
        conditions: list[Any] = []
        if filters.plan:
            plan_id = session.exec(select(Plan.id).where(Plan.key == filters.plan)).first()
            if plan_id is None:
                raise NotFound(code="plan.not_found", plan=filters.plan)
            conditions.append(col(Task.plan_id) == plan_id)
        if filters.unit:
            unit = registry.get(session, filters.unit)
            conditions.append(
                col(Task.id).in_(select(Assignment.task_id).where(Assignment.unit_id == unit.id))
            )
        if filters.status:
            if filters.status not in {s.value for s in TaskStatus}:
                raise BadInput(
                    code="task.status.unknown",
                    field="status",
                    value=filters.status,
                    choices=[s.value for s in TaskStatus],
                )
            conditions.append(col(Task.status) == filters.status)
        if filters.due_within is not None:
            if filters.due_within < 0:
                raise BadInput(code="filter.due_within.negative", field="due_within")
            bounds.check_int(
                filters.due_within, _("days until due (due_within)"), low=0, high=bounds.MAX_DAYS_AHEAD
            )
        return conditions

    def _due_conditions(self, due: Any) -> list[Any]:
        """The due-date filters over `due`: the effective due date, or the due_date column where
        the two are the same (fixed_due_sql)."""
        conditions: list[Any] = []
        if self.filters.overdue:
            conditions.append(overdue_sql(due, self.as_of))
        if self.filters.due_within is not None:
            conditions.append(due_within_sql(due, self.as_of, self.filters.due_within))
        return conditions

    @property
    def _due_filtered(self) -> bool:
        return self.filters.overdue or self.filters.due_within is not None

    def _order(self, sort: str, due: Any = None) -> list[Any]:
        # undated last; one evaluation of the expression
        due_last = [(self.due if due is None else due).nulls_last()]
        if sort == "due":
            return [*due_last, Plan.key, Task.position, Task.id]
        if sort == "plan":
            return [Plan.key, Task.position, Task.id]
        if sort == "status":
            rank = case(
                *((col(Task.status) == s, i) for i, s in enumerate(STATUS_ORDER)), else_=len(STATUS_ORDER)
            )
            return [rank, *due_last, Task.id]
        if sort == "code":
            return [Task.id]  # codes are T + id: id order is numeric code order (T2 before T10)
        raise BadInput(
            _("unknown sort {sort!r}: one of {choices}").format(sort=sort, choices=", ".join(SORTS))
        )

    def _select(self, *columns: Any) -> Select:
        return select(*columns).join(Plan, col(Plan.id) == Task.plan_id).where(*self.conditions)

    def selection(self, *columns: Any) -> Select:
        """These columns of every matching task, unordered: the statement rows() and count() build
        on (public for models.reads.quick_sql, which compiles a listing's statements once)."""
        return self._select(*columns)

    def listing(self, *extra: Callable[[Any], Any]) -> Select:
        """The statement of rows() without a limit, with `extra` columns after TaskRow's, each made
        from the effective due date (`extra(due)`).

        The effective due date is computed once, in a CTE of its own that the rows join: named in
        place by each of its uses (the column, the light, a due-date filter, the order) it was
        written out up to six times, each copy its CASE per recurrence and plan year (24 KB of
        SQL on the demo ledger), and SQLite took ~80 ms to prepare the statement (one copy: 3 ms)
        on every `duban tasks`, whose SQL is otherwise compiled once (models.reads.quick_sql).
        MATERIALIZED keeps SQLite from flattening it back into the copies."""
        dues = (
            select(col(Task.id).label("task_id"), self.due.label("due"))
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(*self.live, *self.common)
            .cte("dues")
            .prefix_with("MATERIALIZED")
        )
        due = dues.c.due
        return (
            select(*self._columns(due), *(column(due) for column in extra))
            .join(Plan, col(Plan.id) == Task.plan_id)
            .join(dues, dues.c.task_id == Task.id)
            .where(*self._due_conditions(due))
            .order_by(*self._order(self.sort, due))
        )

    def count(self) -> int:
        """Tasks matching the filters. Without a due-date filter, on the task table alone (the plan
        filter is on plan_id) with `withdrawn = false` rather than live_tasks()'s form, so both
        databases count on the open-tasks index without reading a row. With one, a single scan:
        walking an index to fetch most rows one by one is slower (measured at 100,000 tasks:
        60 ms scanned, 140 + 400 ms for fixed-date and recurring tasks counted on the indexes)."""
        if self._due_filtered:
            return self.session.execute(self._select(func.count()).select_from(Task)).scalar_one()
        live = [] if self.filters.include_withdrawn else [col(Task.withdrawn) == false()]
        counted = select(func.count()).select_from(Task).where(*live, *self.common)
        return self.session.execute(counted).scalar_one()

    def rows(self, limit: int | None = None) -> list[TaskRow]:
        """Every matching task (or the first `limit`), in order."""
        if self.sort == "due" and limit:
            found = self._by_due(limit)
        else:  # the whole list: one sort of every matching task is the quickest way to it
            query = self._select(*self._columns()).order_by(*self.order)
            if limit:
                query = query.limit(limit)
            found = self.session.execute(query).all()
        # Unlimited, the units come in one query over the same selection, however long the list.
        return self._rows(found, None if limit else self._select(Task.id))

    def page(self, page: int = 1, per_page: int = 100, *, total: int | None = None) -> TaskPage:
        """One page; a page past the end gives the last page. `total`: the count, when the caller
        keeps it (the ledger page, per state of the ledger)."""
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise BadInput(
                _("per page must be between 1 and {limit}, not {per_page}").format(
                    limit=MAX_PER_PAGE, per_page=per_page
                )
            )
        if page < 1:
            raise BadInput(_("page must be 1 or more, not {page}").format(page=page))
        if total is None:
            total = self.count() if self.keep is None else self.keep("count", self.count)
        result = TaskPage([], total, page, per_page)
        result.page = min(page, result.pages)
        offset = (result.page - 1) * per_page
        if self.sort == "due":
            found = self._by_due(per_page, offset)
        else:
            query = self._select(*self._columns()).order_by(*self.order).limit(per_page).offset(offset)
            found = self.session.execute(query).all()
        result.rows = self._rows(found)
        return result

    def _by_due(self, limit: int, offset: int = 0) -> Sequence[Row[Any]]:
        """The rows of `ORDER BY due NULLS LAST, plan key, position, id LIMIT limit OFFSET offset`,
        read in the two ordered ranges of the module's docstring."""
        if self.keep is not None:
            return self._by_due_kept(limit, offset)
        end = offset + limit
        fixed_due = col(Task.due_date)
        fixed = self._branch(fixed_due, fixed_due_sql(), fixed_due.is_not(None)).limit(end)
        # NULLS LAST: the first `end` are the dated ones, if there are that many.
        recurring = self._branch(self.due, recurring_sql(), computed=True).limit(end)
        dated = union_all(*(select(*part.c) for part in (fixed.subquery(), recurring.subquery()))).subquery()
        merged = (
            select(*list(dated.c)[:-1])  # without the position, which only orders
            .where(dated.c.due.is_not(None))
            .order_by(dated.c.due, dated.c.key, dated.c.position, dated.c.id)
            .limit(limit)
            .offset(offset)
        )
        found = list(self.session.execute(merged).all())
        return self._then_undated(found, limit, offset, self._dated_count)

    def _then_undated(
        self, found: list[Any], limit: int, offset: int, dated_count: Callable[[], int]
    ) -> list[Any]:
        """`found` (the page's dated rows), followed by the undated tasks the page reaches."""
        if len(found) == limit or self._due_filtered:
            return found  # a page of dated tasks; or undated ones could not match the filter
        # Past the last dated task: it is on this page, or (an empty result) on an earlier one.
        skip = 0 if found or not offset else max(0, offset - dated_count())
        undated = (
            self._select(*self._columns())
            .where(self.due.is_(None))
            .order_by(Plan.key, Task.position, Task.id)
            .limit(limit - len(found))
            .offset(skip)
        )
        return found + list(self.session.execute(undated).all())

    def _branch(self, due: Any, *where: Any, computed: bool = False) -> Select:
        """Matching tasks of one range, in due-date order, with their position for the merge.
        `computed`: `due` is the effective due date's expression, evaluated once per task in an
        inner query (in the ORDER BY too it would be evaluated twice), undated tasks last."""
        rows = (
            select(*self._columns(due), col(Task.position).label("position"))
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(*self.live, *self.common, *where, *self._due_conditions(due))
        )
        if not computed:
            return rows.order_by(due, Plan.key, Task.position, Task.id)
        inner = rows.subquery()
        return select(*inner.c).order_by(inner.c.due.nulls_last(), inner.c.key, inner.c.position, inner.c.id)

    def _by_due_kept(self, limit: int, offset: int) -> list[Any]:
        """_by_due with the recurring range kept (self.keep): that range's sort keys come from the
        keeper, the fixed-date range's first `end` from the due_date index, and the two are merged
        here on the same keys, the plan key as its rank in the database's own order (its collation,
        not Python's). The page's recurring rows are then read by id."""
        end = offset + limit
        ranks, recurring = self.keep("recurring", self._recurring_keys)  # type: ignore[misc]
        fixed_due = col(Task.due_date)
        fixed = list(
            self.session.execute(
                self._branch(fixed_due, fixed_due_sql(), fixed_due.is_not(None)).limit(end)
            ).all()
        )
        # (due, plan rank, position, id, fixed row or None); ids are unique, so no tie reaches the row.
        merged = heapq.merge(
            ((row.due, ranks[row.key], row.position, row.id, row) for row in fixed),
            ((*key, None) for key in recurring[:end]),
        )
        chosen = [entry for _, entry in zip(range(end), merged, strict=False)][offset:]
        wanted = [entry[3] for entry in chosen if entry[4] is None]
        read: dict[int, Row[Any]] = {}
        if wanted:
            by_id = (  # the ids already meet every filter: no condition to evaluate again
                select(*self._columns(literal(None)))
                .join(Plan, col(Plan.id) == Task.plan_id)
                .where(col(Task.id).in_(wanted))
            )
            read = {row.id: row for row in self.session.execute(by_id).all()}
        found: list[Any] = []
        for due, _rank, _position, task_id, row in chosen:
            if row is None:  # the effective due date is the kept one, the other columns were read
                values = tuple(read[task_id])
                found.append((*values[:DUE], due, *values[DUE + 1 :]))
            else:
                found.append(tuple(row)[:-1])  # without the position, which only orders
        return self._then_undated(found, limit, offset, lambda: self._fixed_count() + len(recurring))

    def _recurring_keys(self) -> tuple[dict[str, int], list[tuple[dt.date, int, int, int]]]:
        """The plan keys' ranks in the database's order, and (due, plan rank, position, id) of every
        matching recurring task with a due date, in order: what _by_due_kept keeps."""
        ranks = {
            key: rank for rank, key in enumerate(self.session.scalars(select(Plan.key).order_by(Plan.key)))
        }
        inner = self._branch(self.due, recurring_sql(), self.due.is_not(None)).order_by(None).subquery()
        ordered = select(inner.c.due, inner.c.key, inner.c.position, inner.c.id).order_by(
            inner.c.due, inner.c.key, inner.c.position, inner.c.id
        )
        keys = [
            (due, ranks[key], position, task_id)
            for due, key, position, task_id in self.session.execute(ordered)
        ]
        return ranks, keys

    def _fixed_count(self) -> int:
        fixed = self._branch(col(Task.due_date), fixed_due_sql(), col(Task.due_date).is_not(None))
        return self.session.execute(
            select(func.count()).select_from(fixed.order_by(None).subquery())
        ).scalar_one()

    def _dated_count(self) -> int:
        fixed = self._branch(col(Task.due_date), fixed_due_sql(), col(Task.due_date).is_not(None))
        recurring = self._branch(self.due, recurring_sql(), self.due.is_not(None))
        counted = (
            select(func.count()).select_from(part.order_by(None).subquery()) for part in (fixed, recurring)
        )
        return sum(self.session.execute(query).scalar_one() for query in counted)

    def export_rows(self) -> list[ExportRow]:
        """The rows of the 台账 workbook, with each plan's title, latest note and latest evidence."""
        tasks = self.rows()
        extra = _task_extras(self.session, [t.code for t in tasks])
        return [ExportRow(t, *extra[t.code]) for t in tasks]

    def _columns(self, due: Any = None) -> tuple[Any, ...]:
        # Columns, not ORM entities (building a model object per row costs more than the query
        # itself); the path as its "/"-joined key, cheaper to split than JSON to decode.
        return (
            col(Task.id).label("id"),
            Task.code,
            col(Plan.key).label("key"),
            Task.path_key,
            Task.title,
            Task.status,
            Task.progress,
            (self.due if due is None else due).label("due"),
            Task.deadline_text,
            Task.version,
        )

    def _rows(self, found: Sequence[Row[Any]], ids: Select | None = None) -> list[TaskRow]:
        units = units_of(self.session, ids if ids is not None else [row[0] for row in found])
        return [
            TaskRow(
                code=code,
                plan=plan_key,
                path=path_key.split("/"),
                title=title,
                status=status,
                progress=progress,
                due_date=due,
                deadline_text=deadline_text,
                lead=units.get(task_id, ([], []))[0],
                support=units.get(task_id, ([], []))[1],
                light=light(status, due, self.as_of, self.due_soon_days),
                version=version,
            )
            for task_id, code, plan_key, path_key, title, status, progress, due, deadline_text, version in found
        ]


def units_sql(task_ids: Select | list[int]) -> Select:
    """(task id, role, unit name) of the tasks' assignments in order: units_of's query (public for
    models.reads.task_sheet_sql)."""
    return (
        select(Assignment.task_id, Assignment.role, Unit.name)
        .join(Unit, col(Unit.id) == Assignment.unit_id)
        .where(col(Assignment.task_id).in_(task_ids))
        .order_by(Assignment.id)
    )


def units_of(
    session: Session | Connection, task_ids: Select | list[int]
) -> dict[int, tuple[list[str], list[str]]]:
    """task id -> (lead names, support names); `task_ids` is a list or a query of task ids, so a
    long listing needs one query for its units, not one per row or per chunk. On a Connection the
    rows come without the ORM's loading (a long list's chunks)."""
    result: dict[int, tuple[list[str], list[str]]] = {}
    if isinstance(task_ids, list):
        chunks: list[Any] = [task_ids[i : i + CHUNK] for i in range(0, len(task_ids), CHUNK)]
    else:
        chunks = [task_ids]
    lead_role = Role.LEAD.value
    for chunk in chunks:
        for task_id, role, name in session.execute(units_sql(chunk)):
            lead, support = result.setdefault(task_id, ([], []))
            (lead if role == lead_role else support).append(name)
    return result


def _task_extras(session: Session, codes: list[str]) -> dict[str, tuple[str, str, str]]:
    """Per task code: the plan's name as people read it, latest note and latest evidence."""
    found: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(codes), CHUNK):
        query = (
            select(
                Task.id,
                Task.code,
                Plan.title,
                Plan.key,
                Task.progress_note,
                Plan.short_name,
                Plan.year,
                Plan.issuer,
            )
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(col(Task.code).in_(codes[start : start + CHUNK]))
        )
        batch = session.exec(query).all()
        evidence = latest_evidence(session, [task_id for task_id, *_ in batch])
        for task_id, code, title, key, note, short, year, issuer in batch:
            name = plan_name(short, title, year=year, issuer=issuer, key=key)
            found[code] = (name, note, evidence.get(task_id, ""))
    return found


def latest_evidence(session: Session, task_ids: list[int]) -> dict[int, str]:
    """The evidence of each task's latest journal row that has some: the ledger keeps no other."""
    if not task_ids:
        return {}
    latest = (
        select(func.max(Journal.id))
        .where(col(Journal.task_id).in_(task_ids), Journal.evidence != "")
        .group_by(Journal.task_id)
    )
    query = select(Journal.task_id, Journal.evidence).where(col(Journal.id).in_(latest))
    return {task_id: evidence for task_id, evidence in session.exec(query) if task_id is not None}


def plan_choices(session: Session, limit: int | None = None) -> list[tuple[str, str]]:
    """(key, title) of every plan (or the first `limit`), for a filter's drop-down."""
    query = select(Plan.key, Plan.title).order_by(col(Plan.year), col(Plan.key)).limit(limit)
    return [(key, title or key) for key, title in session.execute(query)]


def unit_choices(session: Session, limit: int | None = None) -> list[str]:
    """Units with tasks, by name (or the first `limit`), for a filter's drop-down."""
    query = (
        select(Unit.name)
        # EXISTS, not IN (SELECT DISTINCT …): each unit is looked up on ix_assignment_unit, in name
        # order, so a bounded menu reads its first entries instead of every assignment.
        .where(select(Assignment.id).where(Assignment.unit_id == Unit.id).exists())
        .order_by(Unit.name)
        .limit(limit)
    )
    return list(session.exec(query))
