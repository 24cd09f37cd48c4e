"""/api/overview, /api/plans and /api/units: the figures of the overview page as JSON."""

from __future__ import annotations

from fastapi import APIRouter

from dashboard.api.schemas import ErrorOut, OverviewOut, PlanOut, UnitOut
from dashboard.cache import ViewCache
from dashboard.context import CtxDep
from dashboard.params import AsOf
from models.reads.overview import compute_overview, ledger_mark
from models.reads.queries import list_plans, unit_counts
from workflows.use_cases.ledger import read_session

router = APIRouter(tags=["overview"])


@router.get("/overview", response_model=OverviewOut, responses={404: {"model": ErrorOut}})
def overview(ctx: CtxDep, as_of: AsOf, plan: str | None = None) -> OverviewOut:
    """Traffic lights by plan, section and unit, and tasks done per week up to as_of."""
    due_soon = ctx.settings.ledger.due_soon_days
    cache: ViewCache = ctx.request.app.state.view_cache
    with read_session(ctx.engine) as session:
        key = ("api-overview", as_of, plan, due_soon, ledger_mark(session))
        return cache.get(
            key,
            lambda: OverviewOut.model_validate(
                compute_overview(session, as_of=as_of, due_soon_days=due_soon, plan=plan)
            ),
        )


@router.get("/plans", response_model=list[PlanOut])
def plans(ctx: CtxDep, as_of: AsOf) -> list[PlanOut]:
    """Every plan with its task, done and overdue counts (as `duban plans`)."""
    with read_session(ctx.engine) as session:
        return [PlanOut.model_validate(row) for row in list_plans(session, as_of=as_of)]


@router.get("/units", response_model=list[UnitOut])
def units(ctx: CtxDep, as_of: AsOf) -> list[UnitOut]:
    """Units with tasks (lead or support): total, open, overdue, done, most overdue first."""
    with read_session(ctx.engine) as session:
        return [UnitOut.model_validate(row) for row in unit_counts(session, as_of=as_of)]
