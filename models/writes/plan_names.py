"""Writing a plan's short name (the office's; models.reads.names derives the default)."""

from __future__ import annotations

from sqlmodel import Session, select

from models.errors import BadInput, NotFound
from models.reads.names import plan_name
from models.storage.tables import Plan

MAX_SHORT_NAME = 100


def rename_plan(session: Session, key: str, short_name: str) -> str:
    """Set (or with "" reset to the derived one) the short name of a plan; returns the name now read."""
    plan = session.exec(select(Plan).where(Plan.key == key)).first()
    if plan is None:
        raise NotFound(code="plan.not_found", plan=key)
    name = " ".join(short_name.split())
    if len(name) > MAX_SHORT_NAME:
        raise BadInput(
            code="plan.short_name.too_long", field="short_name", count=len(name), limit=MAX_SHORT_NAME
        )
    plan.short_name = name
    session.add(plan)
    return plan_name(plan.short_name, plan.title, year=plan.year, issuer=plan.issuer, key=plan.key)
