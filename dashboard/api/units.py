"""/api/units/registry and /api/units/merge: the registry with aliases and task counts, and merging
a name into a unit (office only). (/api/units itself, the per-unit counts, is the overview's.)
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from dashboard.api.schemas import ErrorOut, Out
from dashboard.api.security import WRITES
from dashboard.context import CtxDep, MergeCtx
from dashboard.pages.units import registry_rows
from dashboard.params import AsOf
from workflows.use_cases.actor import Actor
from workflows.use_cases.ledger import read_session
from workflows.use_cases.units import merge_units

router = APIRouter(tags=["units"])


class RegistryUnitOut(Out):
    name: str
    kind: str
    leader: str = Field(description="the leader in charge")
    channels: int = Field(description="how many notification channels (the URLs carry keys: not shown)")
    provisional: bool = Field(description="a name from a document that matches no registered unit")
    aliases: list[str]
    total: int
    open: int
    overdue: int
    done: int


class MergeIn(BaseModel):
    alias: str = Field(description="the other name, e.g. an unresolved name from a document")
    canonical: str = Field(description="the registered unit it stands for")


class MergeOut(Out):
    alias: str
    unit: str


@router.get("/units/registry", response_model=list[RegistryUnitOut])
def unit_registry(ctx: CtxDep, as_of: AsOf, unresolved: bool = False) -> list[RegistryUnitOut]:
    """Every unit (or only the unresolved names) with aliases, kind, leader and task counts."""
    with read_session(ctx.engine) as session:
        rows = registry_rows(session, as_of=as_of)
    return [RegistryUnitOut.model_validate(row) for row in rows if row.provisional or not unresolved]


@router.post(
    "/units/merge",
    response_model=MergeOut,
    responses={400: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}},
    dependencies=WRITES,
)
def merge_unit(ctx: MergeCtx, body: MergeIn) -> MergeOut:
    """Record `alias` as another name of `canonical`; an unresolved unit of that name is folded in."""
    assert ctx.user is not None
    merged = merge_units(ctx.engine, Actor.of_user(ctx.user), body.alias, body.canonical)
    return MergeOut(alias=merged.alias, unit=merged.unit)
