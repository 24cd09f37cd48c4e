"""The overview (/): traffic lights by plan, section and unit, completion by week, late units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard.cache import ViewCache
from dashboard.charts import bar_chart, running_total_chart
from dashboard.context import CtxDep, OfficeCtx
from dashboard.labels import LABELS
from dashboard.params import AsOf, as_of_query
from models.reads.lookback import NO_LEAD
from models.reads.overview import compute_overview, ledger_mark
from models.reads.task_query import TaskFilter, TaskQuery, plan_choices
from workflows.use_cases.actor import Actor
from workflows.use_cases.ledger import read_session
from workflows.use_cases.plans import rename_plan

router = APIRouter(include_in_schema=False)
SHOWN = 20  # rows per table unless "显示全部": the bench ledger has 2,000 plans and units


def _capped(rows: list, full: bool) -> list:
    """All rows, or the worst SHOWN of them: a long table is read for who is behind."""
    if full or len(rows) <= SHOWN:
        return rows
    return sorted(rows, key=lambda row: row.counts.worst_first())[:SHOWN]


@router.get("/")
def overview_page(
    ctx: CtxDep, request: Request, as_of: AsOf, plan: str = "", full: bool = False
) -> HTMLResponse:
    due_soon = ctx.settings.ledger.due_soon_days
    with read_session(ctx.engine) as session:
        mark = ledger_mark(session)

        def figures() -> tuple:
            overview = compute_overview(session, as_of=as_of, due_soon_days=due_soon, plan=plan or None)
            # The longest overdue tasks: the list to chase first (one LIMIT 10 query).
            late = TaskQuery(
                session, TaskFilter(plan=plan or None, overdue=True), as_of=as_of, due_soon_days=due_soon
            ).page(per_page=10)
            # The worst SHOWN of each table, sorted once per state of the ledger, not per request.
            worst = [_capped(rows, False) for rows in (overview.plans, overview.sections, overview.units)]
            return overview, late, plan_choices(session), worst

        cache: ViewCache = request.app.state.view_cache
        kept = cache.get(("overview", as_of, plan, due_soon, mark), figures)
        overview, late, choices, worst = kept
        plans, sections, units = (overview.plans, overview.sections, overview.units) if full else worst
        # The names of the plans shown only: deriving all 2,000 names cost 100 ms a request.
        ctx.name_plans(
            session, {p.key for p in plans} | {s.plan for s in sections} | {t.plan for t in late.rows}
        )
    # The HTML too, for everyone asking for this overview at this state (Ctx.render_shared): the
    # query string (plan, full, the links' as-of) and the as-of date name it, the figures by the
    # kept values themselves; the office's rename forms by the office flag, their token a hole.
    return ctx.render_shared(
        "overview.html",
        (request.url.query, as_of),
        (kept,),
        ov=overview,
        plans=plans,
        sections=sections,
        units=units,
        shown=SHOWN,
        capped=not full and max(len(overview.plans), len(overview.sections), len(overview.units)) > SHOWN,
        late=late,
        chart=bar_chart([(month.short, month.done) for month in overview.months]),
        total_chart=running_total_chart([(month.short, month.done) for month in overview.months]),
        months=overview.months,
        no_lead=NO_LEAD,
        plan=plan,
        plan_choices=choices,
        asq=as_of_query(request),
        labels=LABELS,
    )


@router.post("/plans/{key}/name")
def rename(ctx: OfficeCtx, key: str, short_name: Annotated[str, Form()] = "") -> Response:
    """The office names a plan as people call it (empty: back to the name derived from the title).
    An unknown plan or a bad name is the app's error page (dashboard.errors), as for every form."""
    assert ctx.user is not None
    rename_plan(ctx.engine, Actor.of_user(ctx.user), key, short_name)
    return RedirectResponse("/", status_code=303)
