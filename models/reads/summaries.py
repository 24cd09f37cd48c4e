"""Units' own summaries of their year (落实情况总结) as read back: the newest per unit, plan and year
(models.writes.summaries appends them)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.reads.summary_row import SummaryRow
from models.storage.tables import Plan, Unit, UnitSummary


def list_summaries(
    session: Session,
    *,
    year: int | None = None,
    plan_ids: list[int] | None = None,
    include_whole_year: bool = True,
    latest: bool = True,
) -> list[SummaryRow]:
    """Summaries, by year, unit and plan. latest=True keeps the newest per (unit, plan, year);
    plan_ids narrows to those plans (plus the units' whole-year summaries when include_whole_year).

    Newest is the highest id: rows are only ever appended, and ids, unlike timestamps, never tie.
    """
    query = (
        select(UnitSummary, Unit.name, Plan.key, Plan.title)
        .join(Unit, col(Unit.id) == UnitSummary.unit_id)
        .join(Plan, col(Plan.id) == UnitSummary.plan_id, isouter=True)
    )
    if year is not None:
        query = query.where(UnitSummary.year == year)
    if plan_ids is not None:
        chosen = col(UnitSummary.plan_id).in_(plan_ids)
        query = query.where(chosen | col(UnitSummary.plan_id).is_(None) if include_whole_year else chosen)
    if latest:
        newest = select(func.max(UnitSummary.id)).group_by(
            UnitSummary.unit_id, UnitSummary.plan_id, UnitSummary.year
        )
        query = query.where(col(UnitSummary.id).in_(newest))
    query = query.order_by(col(UnitSummary.year), Unit.name, col(Plan.key).is_not(None), Plan.key)
    return [
        SummaryRow(
            unit=unit_name,
            plan=plan_key,
            plan_title=plan_title or "",
            year=summary.year,
            text=summary.text,
            source=summary.source,
            submitted_by=summary.submitted_by,
            submitted_at=summary.submitted_at,
        )
        for summary, unit_name, plan_key, plan_title in session.exec(query)
    ]
