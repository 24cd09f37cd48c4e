"""The one task query: the ledger filtered, sorted, counted, paged, listed whole or exported.

`duban tasks` and `duban export --xlsx`, the ledger and overview pages, /api/tasks and both
workbooks (the page's and the CLI's) read the ledger through TaskQuery, so a filter means the same
everywhere. Due dates are effective ones (models.rules.deadlines: a recurring task's current
occurrence), so "overdue" and the light agree with the digest, the ladder and the look-back.

A page is one count and one LIMIT/OFFSET query plus one query for the page's units, so a
100,000-task ledger never builds 100,000 rows for a screen of 100. Rows are plain dataclasses read
from columns, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, case, func
from sqlmodel import Session, col, select

from models.errors import BadInput, NotFound
from models.reads.dues import effective_due_column
from models.reads.names import plan_name
from models.rules import bounds
from models.rules.lights import Light, due_within_sql, light, overdue_sql
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit
from models.vocabulary.i18n import _
from models.writes import units as registry

# Status in the order work moves through it, so "sort by status" reads as a pipeline.
STATUS_ORDER = ("not_started", "in_progress", "deferred", "done", "cancelled")
SORTS = ("due", "plan", "status", "code")
MAX_PER_PAGE = 500
CHUNK = 500  # IN lists within every database's limits


@dataclass(frozen=True)
class TaskFilter:
    plan: str | None = None  # plan key
    unit: str | None = None  # a unit's name or alias: the tasks it leads or supports
    status: str | None = None
    overdue: bool = False
    due_within: int | None = None  # open tasks due from the as-of date to this many days after it
    include_withdrawn: bool = False  # tasks gone from their re-imported plan, too


@dataclass
class TaskRow:
    code: str
    plan: str
    path: list[str]
    title: str
    status: str
    progress: int
    due_date: dt.date | None  # the effective due date: a recurring task's current occurrence
    deadline_text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    light: Light = Light.GREY
    version: int = 1


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
    ) -> None:
        self.session = session
        self.filters = filters or TaskFilter()
        self.as_of = as_of
        self.due_soon_days = due_soon_days
        self.due = effective_due_column(session, as_of)
        self.order = self._order(sort)
        self.conditions = self._conditions()

    def _conditions(self) -> list[Any]:
        filters, session = self.filters, self.session
        conditions: list[Any] = [] if filters.include_withdrawn else [live_tasks()]
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
        if filters.overdue:
            conditions.append(overdue_sql(self.due, self.as_of))
        if filters.due_within is not None:
            if filters.due_within < 0:
                raise BadInput(code="filter.due_within.negative", field="due_within")
            bounds.check_int(filters.due_within, "到期天数（due_within）", low=0, high=bounds.MAX_DAYS_AHEAD)
            conditions.append(due_within_sql(self.due, self.as_of, filters.due_within))
        return conditions

    def _order(self, sort: str) -> list[Any]:
        due_last = [self.due.nulls_last()]  # undated last; one evaluation of the expression
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

    def count(self) -> int:
        return self.session.execute(self._select(func.count()).select_from(Task)).scalar_one()

    def rows(self, limit: int | None = None) -> list[TaskRow]:
        """Every matching task (or the first `limit`), in order."""
        query = self._select(*self._columns()).order_by(*self.order)
        if limit:
            query = query.limit(limit)
        found = self.session.execute(query).all()
        # Unlimited, the units come in one query over the same selection, however long the list.
        return self._rows(found, None if limit else self._select(Task.id))

    def page(self, page: int = 1, per_page: int = 100) -> TaskPage:
        """One page; a page past the end gives the last page."""
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise BadInput(
                _("per page must be between 1 and {limit}, not {per_page}").format(
                    limit=MAX_PER_PAGE, per_page=per_page
                )
            )
        if page < 1:
            raise BadInput(_("page must be 1 or more, not {page}").format(page=page))
        result = TaskPage([], self.count(), page, per_page)
        result.page = min(page, result.pages)
        query = (
            self._select(*self._columns())
            .order_by(*self.order)
            .limit(per_page)
            .offset((result.page - 1) * per_page)
        )
        result.rows = self._rows(self.session.execute(query).all())
        return result

    def export_rows(self) -> list[ExportRow]:
        """The rows of the 台账 workbook, with each plan's title, latest note and latest evidence."""
        tasks = self.rows()
        extra = _task_extras(self.session, [t.code for t in tasks])
        return [ExportRow(t, *extra[t.code]) for t in tasks]

    def _columns(self) -> tuple[Any, ...]:
        # Columns, not ORM entities (building a model object per row costs more than the query
        # itself); the path as its "/"-joined key, cheaper to split than JSON to decode.
        return (
            Task.id,
            Task.code,
            Plan.key,
            Task.path_key,
            Task.title,
            Task.status,
            Task.progress,
            self.due.label("due"),
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


def units_of(session: Session, task_ids: Select | list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """task id -> (lead names, support names); `task_ids` is a list or a query of task ids, so a
    long listing needs one query for its units, not one per row or per chunk."""
    result: dict[int, tuple[list[str], list[str]]] = {}
    if isinstance(task_ids, list):
        chunks: list[Any] = [task_ids[i : i + CHUNK] for i in range(0, len(task_ids), CHUNK)]
    else:
        chunks = [task_ids]
    lead_role = Role.LEAD.value
    for chunk in chunks:
        query = (
            select(Assignment.task_id, Assignment.role, Unit.name)
            .join(Unit, col(Unit.id) == Assignment.unit_id)
            .where(col(Assignment.task_id).in_(chunk))
            .order_by(Assignment.id)
        )
        for task_id, role, name in session.execute(query):
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


def plan_choices(session: Session) -> list[tuple[str, str]]:
    """(key, title) of every plan, for a filter's drop-down."""
    query = select(Plan.key, Plan.title).order_by(col(Plan.year), col(Plan.key))
    return [(key, title or key) for key, title in session.execute(query)]


def unit_choices(session: Session) -> list[str]:
    """Units with tasks, by name, for a filter's drop-down."""
    query = (
        select(Unit.name).where(col(Unit.id).in_(select(Assignment.unit_id).distinct())).order_by(Unit.name)
    )
    return list(session.exec(query))
