"""The ledger as the dashboard lists it: filtered, sorted, one page at a time, and exported.

The filters are those of `duban tasks` (models.queries.list_tasks); a page is one count and one
LIMIT/OFFSET query plus one query for the page's units, so a 100,000-task ledger never builds
100,000 rows for a screen of 100. A test keeps the filters in step with list_tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from models import bounds
from models import units as registry
from models.errors import BadInput, NotFound
from models.excel import STATUS_LABELS, build_workbook, export_rows
from models.lights import CLOSED
from models.queries import TASK_ROW_COLUMNS, TaskRow, overdue_clause, task_rows, units_of
from models.tables import Assignment, Plan, Task, TaskStatus, Unit

# Status in the order work moves through it, so "sort by status" reads as a pipeline.
STATUS_ORDER = ("not_started", "in_progress", "deferred", "done", "cancelled")
SORTS = ("due", "plan", "status", "code")
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class TaskFilter:
    plan: str | None = None  # plan key
    unit: str | None = None  # a unit's name or alias: the tasks it leads or supports
    status: str | None = None
    overdue: bool = False
    due_within: int | None = None  # open tasks due from the as-of date to this many days after it

    def describe(self, as_of: dt.date) -> str:
        """The filters in Chinese, for the workbook's help sheet and the page heading."""
        parts = [
            f"计划 {self.plan}" if self.plan else "",
            f"单位 {self.unit}" if self.unit else "",
            f"状态 {STATUS_LABELS.get(self.status, self.status)}" if self.status else "",
            f"截至 {as_of.isoformat()} 已逾期" if self.overdue else "",
            f"{self.due_within} 天内到期" if self.due_within is not None else "",
        ]
        return "；".join(part for part in parts if part)


@dataclass
class TaskPage:
    rows: list[TaskRow]
    total: int  # tasks matching the filters, on every page
    page: int  # 1-based, within 1..pages
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def live_tasks() -> Any:
    """Tasks not withdrawn, written so SQLite reads the table rather than the open-tasks index.

    `withdrawn IS 0` (or `= 0`) makes SQLite's planner walk ix_task_open_due and fetch every row
    through it: on 100,000 tasks a sorted page took 130-400 ms that way and 25-55 ms with the
    table scan that `IS NOT 1` leads to. PostgreSQL plans both forms alike.
    """
    return col(Task.withdrawn).is_not(True)


def _conditions(session: Session, filters: TaskFilter, as_of: dt.date) -> list[Any]:
    conditions: list[Any] = [live_tasks()]
    if filters.plan:
        plan_id = session.exec(select(Plan.id).where(Plan.key == filters.plan)).first()
        if plan_id is None:
            raise NotFound(f"no plan {filters.plan!r}")
        conditions.append(col(Task.plan_id) == plan_id)
    if filters.unit:
        unit = registry.get(session, filters.unit)
        conditions.append(col(Task.id).in_(select(Assignment.task_id).where(Assignment.unit_id == unit.id)))
    if filters.status:
        if filters.status not in {s.value for s in TaskStatus}:
            raise BadInput(
                f"unknown status {filters.status!r}: one of {', '.join(s.value for s in TaskStatus)}"
            )
        conditions.append(col(Task.status) == filters.status)
    if filters.overdue:
        conditions.append(overdue_clause(as_of))
    if filters.due_within is not None:
        if filters.due_within < 0:
            raise BadInput("due within takes a number of days, 0 or more")
        bounds.check_int(filters.due_within, "到期天数（due_within）", low=0, high=bounds.MAX_DAYS_AHEAD)
        end = as_of + dt.timedelta(days=filters.due_within)
        conditions += [
            col(Task.due_date) >= as_of,
            col(Task.due_date) <= end,
            col(Task.status).not_in(CLOSED),
        ]
    return conditions


def _order(sort: str) -> list[Any]:
    due_last = [col(Task.due_date).is_(None), col(Task.due_date)]
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
    raise BadInput(f"unknown sort {sort!r}: one of {', '.join(SORTS)}")


def page_tasks(
    session: Session,
    filters: TaskFilter,
    *,
    as_of: dt.date,
    due_soon_days: int,
    sort: str = "due",
    page: int = 1,
    per_page: int = 100,
) -> TaskPage:
    """One page of the filtered ledger; a page past the end gives the last page."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise BadInput(f"per page must be between 1 and {MAX_PER_PAGE}, not {per_page}")
    if page < 1:
        raise BadInput(f"page must be 1 or more, not {page}")
    order = _order(sort)
    conditions = _conditions(session, filters, as_of)
    total = session.execute(select(func.count()).select_from(Task).where(*conditions)).scalar_one()
    result = TaskPage([], total, page, per_page)
    result.page = min(page, result.pages)
    query = (
        select(*TASK_ROW_COLUMNS)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(*conditions)
        .order_by(*order)
        .limit(per_page)
        .offset((result.page - 1) * per_page)
    )
    found = session.execute(query).all()
    units = units_of(session, [row[0] for row in found])
    result.rows = task_rows(found, units, as_of=as_of, due_soon_days=due_soon_days)
    return result


def filtered_workbook(
    session: Session, filters: TaskFilter, *, as_of: dt.date, due_soon_days: int, sort: str | None = None
) -> Workbook:
    """The 台账 workbook of `duban export` for the filtered view: in the ledger page's `sort` order
    when given (the rows as the user sees them), else in each plan's own order."""
    rows = export_rows(
        session,
        as_of=as_of,
        due_soon_days=due_soon_days,
        plan=filters.plan,
        unit=filters.unit,
        status=filters.status,
        overdue=filters.overdue,
    )
    if filters.due_within is not None or sort is not None:
        # export_rows has no due-within filter and one order: the page's own query gives both.
        query = select(Task.code).join(Plan, col(Plan.id) == Task.plan_id)
        query = query.where(*_conditions(session, filters, as_of))
        if sort is not None:
            query = query.order_by(*_order(sort))
        rank = {code: index for index, code in enumerate(session.exec(query))}
        rows = [row for row in rows if row.task.code in rank]
        if sort is not None:
            rows.sort(key=lambda row: rank[row.task.code])
    return build_workbook(rows, as_of=as_of, due_soon_days=due_soon_days, filters=filters.describe(as_of))


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
