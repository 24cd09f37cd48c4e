"""Units' own summaries of their year (落实情况总结): submitted, and shown in the look-back.

Work plans close with a task like `请各处室单位于11月30日前报送本要点工作任务落实情况总结`; what the
units send is kept here. The table is append-only: a unit that sends a corrected summary adds a row,
and the newest row per unit (and plan) is the one shown, so nothing a unit sent is ever lost.
Listing them is models.reads.summaries; reading a summary file, models.files.summary_file.
"""

from __future__ import annotations

from sqlmodel import Session, select

from models.errors import BadInput, NotFound
from models.reads import units as registry
from models.storage.tables import Plan, UnitSummary
from models.vocabulary.i18n import _


def submit_summary(
    session: Session,
    *,
    unit: str,
    year: int,
    text: str,
    plan: str | None = None,
    source: str = "",
    actor: str,
) -> UnitSummary:
    """Record a unit's summary (a new row, never an overwrite). The unit must exist (by name or
    alias): a summary filed under a misspelt name would silently miss the look-back."""
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise BadInput(code="summary.empty", field="text", source=source or None)
    if not 1900 <= year <= 2200:
        raise BadInput(_("year {year} is not a plausible plan year").format(year=year))
    unit_record = registry.get(session, unit)
    plan_id: int | None = None
    if plan:
        plan_record = session.exec(select(Plan).where(Plan.key == plan)).first()
        if plan_record is None:
            raise NotFound(code="plan.not_found", plan=plan)
        if plan_record.year is not None and plan_record.year != year:
            raise BadInput(
                _("plan {plan!r} is the plan of {plan_year}, not of {year}").format(
                    plan=plan, plan_year=plan_record.year, year=year
                )
            )
        plan_id = plan_record.id
    summary = UnitSummary(
        unit_id=unit_record.id,  # type: ignore[arg-type]
        plan_id=plan_id,
        year=year,
        text=cleaned,
        source=source[:500],
        submitted_by=actor,
    )
    session.add(summary)
    session.flush()
    return summary
