"""/api/session: who is signed in, and the CSRF token a script sends with its writes."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from dashboard.api.schemas import Out
from dashboard.context import CtxDep, signed_in

router = APIRouter(tags=["session"])


class SessionOut(Out):
    name: str
    role: str = Field(description="admin, office, unit or leader")
    unit_id: int | None = Field(description="a unit user's unit")
    csrf: str = Field(description="send it as the X-CSRF-Token header with every POST")


@router.get("/session", response_model=SessionOut)
def session_info(ctx: CtxDep) -> SessionOut:
    """Who is signed in, and the CSRF token a script sends as X-CSRF-Token with every POST."""
    user = signed_in(ctx)
    return SessionOut(name=user.name, role=user.role, unit_id=user.unit_id, csrf=ctx.csrf)
