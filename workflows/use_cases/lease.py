"""The ledger's job lease as the runners of the jobs take it: `duban scheduler` (renewed while it
runs, given back when it stops), `duban deploy` and every scheduled Prefect flow run.

The lease decides who may run escalate, digest and look-back, so taking it is asked of the
permission table as running the jobs is (Action.ESCALATE stands for the jobs: the system and the
office hold it, units and leaders do not). The rows and the rules of taking are models.writes.lease;
who holds it now is models.reads.lease.
"""

from __future__ import annotations

from sqlalchemy import Engine

from models.reads.lease import PREFECT, SCHEDULER, Holder
from models.rules.permissions import Action
from models.writes import lease
from models.writes.lease import LEASE_SECONDS, LeaseHeld, scheduler_owner
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require

__all__ = [
    "LEASE_SECONDS",
    "PREFECT",
    "SCHEDULER",
    "LeaseHeld",
    "release",
    "renew",
    "scheduler_owner",
    "take",
]


def take(
    engine: Engine,
    actor: Actor,
    *,
    kind: str,
    owner: str,
    seconds: int | None = None,
    take_over: bool = False,
) -> Holder:
    """Take (or renew) the lease for `kind` (SCHEDULER with an expiry, PREFECT without), or raise
    LeaseHeld saying who holds it."""
    require(actor, Action.ESCALATE)
    return lease.take(engine, kind=kind, owner=owner, seconds=seconds, take_over=take_over)


def renew(engine: Engine, actor: Actor, owner: str, *, seconds: int) -> bool:
    """Extend a scheduler's lease; False when it is no longer this owner's (taken over)."""
    require(actor, Action.ESCALATE)
    return lease.renew(engine, owner, seconds=seconds)


def release(engine: Engine, actor: Actor, owner: str) -> None:
    """Give the lease back (a scheduler stopping)."""
    require(actor, Action.ESCALATE)
    lease.release(engine, owner)
