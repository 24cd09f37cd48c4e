"""The ledger (/tasks): filtered, sorted, paged; and the same view as an XLSX workbook."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dashboard.cache import ViewCache
from dashboard.context import CtxDep
from dashboard.labels import LABELS
from dashboard.params import AsOf, FormFilter, Sort, link
from models.files.excel import describe_filters, filtered_workbook
from models.reads.overview import ledger_mark
from models.reads.pace import paces as task_paces
from models.reads.requests import pending_by_code
from models.reads.task_query import TaskPage, TaskQuery, plan_choices, unit_choices
from models.rules.pace import Pace
from models.vocabulary.i18n import _
from workflows.use_cases.ledger import read_session

if TYPE_CHECKING:  # a type only
    from sqlmodel import Session

router = APIRouter(include_in_schema=False)
PER_PAGE = 100
# ledger_macros.html's choice_field offers a drop-down up to this many entries, a text field past
# it: one more than that is all a filter menu reads (not the 2,000 units of a big registry).
MENU_BOUND = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/tasks")
def ledger_page(
    ctx: CtxDep, request: Request, as_of: AsOf, filters: FormFilter, sort: Sort = "due", page: int = 1
) -> HTMLResponse:
    cache: ViewCache = request.app.state.view_cache
    due_soon = ctx.settings.ledger.due_soon_days
    with read_session(ctx.engine) as session:
        mark = ledger_mark(session)

        # The count scans every matching task and the recurring tasks' current due dates are
        # computed from their reports (70 ms at 100,000 tasks); like the overview's figures both
        # are kept per state of the ledger (dashboard/cache.py), so a page costs a few index reads.
        def keep(what: str, compute: Callable[[], Any]) -> Any:
            return cache.get(("ledger", what, filters, as_of, mark), compute)

        query = TaskQuery(
            session,
            filters,
            as_of=as_of,
            due_soon_days=due_soon,
            sort=sort,
            keep=keep,
        )

        def rows() -> tuple[TaskPage, dict[str, Pace]]:
            found = query.page(page, PER_PAGE)
            return found, task_paces(session, found.rows, as_of=as_of, limits=ctx.settings.lifecycle)

        # The page's rows and their 序时进度 too (fifty people opening the first page at nine read
        # the same hundred rows); the pending requests and the plans' names are read every time.
        kept = cache.get(("ledger page", filters, as_of, sort, page, PER_PAGE, due_soon, mark), rows)
        found, paces = kept
        pending = pending_by_code(session, [row.code for row in found.rows])
        ctx.name_plans(session, {row.plan for row in found.rows})
        menus = cache.get(("ledger menus", mark), lambda: _menus(session))
        plans, units = menus
    # The HTML too, for everyone asking for this page at this state: the query string (filters,
    # sort, page, the links' parameters), the as-of date (today by default) and the requests read
    # above name it; the rows and menus by the kept values themselves.
    return ctx.render_shared(
        "tasks.html",
        (request.url.query, as_of, tuple(sorted((code, tuple(kinds)) for code, kinds in pending.items()))),
        (kept, menus),
        found=found,
        pending=pending,
        filters=filters,
        described=describe_filters(filters, as_of),
        as_of=as_of,
        sort=sort,
        plans=plans,
        units=units,
        paces=paces,
        labels=LABELS,
        link=lambda **changes: link(request, "/tasks", **changes),
        # The export keeps the sort: the workbook lists the rows in the order the page shows them.
        export=link(request, "/tasks.xlsx", page=None, as_of=as_of.isoformat()),
    )


def _menus(session: Session) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    plans = plan_choices(session, limit=MENU_BOUND + 1)
    units = [(name, name) for name in unit_choices(session, limit=MENU_BOUND + 1)]
    return plans, units


@router.get("/tasks.xlsx")
def ledger_workbook(ctx: CtxDep, as_of: AsOf, filters: FormFilter, sort: Sort = "due") -> Response:
    with read_session(ctx.engine) as session:
        workbook = filtered_workbook(
            session, filters, as_of=as_of, due_soon_days=ctx.settings.ledger.due_soon_days, sort=sort
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    name = _("ledger-{day}.xlsx").format(day=as_of.isoformat())
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(name)}"
        },
    )
