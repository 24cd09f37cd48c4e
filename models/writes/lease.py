"""One runner of the scheduled jobs per ledger: a lease row (job_lease) that `duban scheduler` and the
Prefect flows take before they run escalate, digest or lookback.

- `duban scheduler` takes it for itself with an expiry (LEASE_SECONDS) and renews it while it runs;
  it gives it back when it stops. A second scheduler, on this machine or another, finds it held and
  refuses to start; a scheduler that lost it (stalled past its expiry while another took over)
  fires no job and stops.
- `duban deploy` and every scheduled flow run take it for "prefect", without expiry: the scheduler
  then refuses to start while the deployments own the ledger (`--take-over` hands it back after the
  deployments are paused or deleted), and a flow run finding a live scheduler's lease refuses to run.

Taking is an INSERT … ON CONFLICT DO NOTHING followed by a conditional UPDATE: on either database
exactly one of two racing takers wins. Who holds it is read through models.reads.lease.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket

from sqlalchemy import Engine, and_, delete, or_, update
from sqlmodel import col, select

from models.errors import Conflict
from models.reads.lease import JOBS, PREFECT, SCHEDULER, Holder
from models.storage.db import insert_new, write_session
from models.storage.tables import JobLease, utcnow
from models.vocabulary.i18n import _

LEASE_SECONDS = 60  # a scheduler that dies unannounced holds the jobs this long (same host: not at all)

# User-facing text, in one place (the catalog gives the Chinese).
HELD_BY_SCHEDULER = _(
    "another duban scheduler is running (host {host}, process {pid}, lease until {expires}): a ledger"
    " has one scheduler only. If that process is gone, it can start once the lease expires"
)
HELD_BY_PREFECT = _(
    "the ledger's scheduled jobs run as Prefect deployments (duban deploy, {owner}, since {since}):"
    " duban scheduler does not start, so nothing runs twice. To schedule on this machine again, pause"
    " or delete the duban-* deployments in Prefect, then run duban scheduler --take-over"
)
FLOW_REFUSED = _(
    "the ledger's scheduled jobs are run by duban scheduler (host {host}, process {pid}): this Prefect"
    " run does nothing, so nothing runs twice. Stop that scheduler (its lease runs until {expires}),"
    " or pause the duban-* deployments"
)


class LeaseHeld(Conflict):
    """The jobs are someone else's to run."""


def scheduler_owner() -> str:
    """This process, as a scheduler: host, pid and a token (two schedulers never share one)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def take(
    engine: Engine,
    *,
    kind: str,
    owner: str,
    seconds: int | None = None,
    take_over: bool = False,
    name: str = JOBS,
    now: dt.datetime | None = None,
) -> Holder:
    """Take (or renew) the lease for `kind` ("scheduler" with an expiry in `seconds`, "prefect"
    without), or raise LeaseHeld saying who holds it. A scheduler may take a lease the deployments
    hold only with take_over; nobody takes a live scheduler's lease but its owner."""
    now = now or utcnow()
    expires = now + dt.timedelta(seconds=seconds) if seconds is not None else None
    with write_session(engine) as session:
        inserted = insert_new(
            session,
            JobLease,
            [
                {
                    "name": name,
                    "holder": kind,
                    "owner": owner,
                    "acquired_at": now,
                    "renewed_at": now,
                    "expires_at": expires,
                }
            ],
            returning=(JobLease.name,),
        )
        if inserted:
            return Holder(kind, owner, now, expires)
        current = session.exec(select(JobLease).where(JobLease.name == name)).one()
        found = Holder(current.holder, current.owner, current.acquired_at, current.expires_at)
        takeable = [
            col(JobLease.owner) == owner,
            and_(col(JobLease.holder) == SCHEDULER, col(JobLease.expires_at) < now),
        ]
        if _dead_here(found):  # a scheduler on this machine that is gone: no need to wait for expiry
            takeable.append(col(JobLease.owner) == found.owner)
        if kind == PREFECT or take_over:  # the deployments share one lease; --take-over ends it
            takeable.append(col(JobLease.holder) == PREFECT)
        won = session.execute(
            update(JobLease)
            .where(col(JobLease.name) == name, or_(*takeable))
            .values(
                holder=kind,
                owner=owner,
                acquired_at=now if found.owner != owner else found.acquired_at,
                renewed_at=now,
                expires_at=expires,
            )
            .returning(JobLease.name)
        ).first()
        if won:
            return Holder(kind, owner, now if found.owner != owner else found.acquired_at, expires)
    raise LeaseHeld(_refusal(found, kind))


def renew(
    engine: Engine, owner: str, *, seconds: int, name: str = JOBS, now: dt.datetime | None = None
) -> bool:
    """Extend this owner's lease; False if it is no longer this owner's (taken over meanwhile)."""
    now = now or utcnow()
    with write_session(engine) as session:
        renewed = session.execute(
            update(JobLease)
            .where(col(JobLease.name) == name, col(JobLease.owner) == owner)
            .values(renewed_at=now, expires_at=now + dt.timedelta(seconds=seconds))
            .returning(JobLease.name)
        ).first()
    return renewed is not None


def release(engine: Engine, owner: str, *, name: str = JOBS) -> None:
    """Give the lease back (only if it is still this owner's)."""
    with write_session(engine) as session:
        session.execute(delete(JobLease).where(col(JobLease.name) == name, col(JobLease.owner) == owner))


def _dead_here(found: Holder) -> bool:
    if found.holder != SCHEDULER or found.host != socket.gethostname() or not found.pid.isdigit():
        return False
    try:
        os.kill(int(found.pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def _refusal(found: Holder, kind: str) -> str:
    expires = found.expires_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if found.expires_at else "—"
    if found.holder == PREFECT:
        since = found.acquired_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return HELD_BY_PREFECT.format(owner=found.owner, since=since)
    template = FLOW_REFUSED if kind == PREFECT else HELD_BY_SCHEDULER
    return template.format(host=found.host, pid=found.pid, expires=expires)
