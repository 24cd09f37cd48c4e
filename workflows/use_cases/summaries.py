"""A unit's own summary of its year (落实情况总结), shown in the look-back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from models.reads import units as registry
from models.rules.permissions import Action, Grant, grant
from models.storage.db import write_session
from models.writes.summaries import submit_summary as record_summary
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import SUMMARY_DENIED, Denied
from workflows.use_cases.guard import require


@dataclass(frozen=True)
class SummarySubmitted:
    unit: str
    year: int
    plan: str | None
    characters: int


def submit_summary(
    engine: Engine,
    actor: Actor,
    *,
    unit: str,
    year: int,
    text: str,
    plan: str | None = None,
    source: str = "",
) -> SummarySubmitted:
    """Record a unit's summary (a newer one replaces it in the look-back; both are kept). A unit
    user files its own unit's summary only."""
    require(actor, Action.SUBMIT_SUMMARY)
    with write_session(engine) as session:
        own_only = grant(actor.role, Action.SUBMIT_SUMMARY) is Grant.OWN_UNIT
        if own_only and registry.get(session, unit).id != actor.unit_id:
            raise Denied(SUMMARY_DENIED.format(unit=unit), action=Action.SUBMIT_SUMMARY, field="unit")
        summary = record_summary(
            session, unit=unit, year=year, text=text, plan=plan, source=source, actor=actor.name
        )
        return SummarySubmitted(unit, year, plan, len(summary.text))
