"""Who holds the ledger's job lease (the row `duban scheduler` and the Prefect deployments take
before they run the jobs: models.writes.lease)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import select

from models.storage.db import read_session
from models.storage.tables import JobLease

JOBS = "scheduled-jobs"
SCHEDULER = "scheduler"
PREFECT = "prefect"


@dataclass(frozen=True)
class Holder:
    holder: str
    owner: str
    acquired_at: dt.datetime
    expires_at: dt.datetime | None

    @property
    def host(self) -> str:
        return self.owner.split(":")[0] if self.holder == SCHEDULER else ""

    @property
    def pid(self) -> str:
        parts = self.owner.split(":")
        return parts[1] if self.holder == SCHEDULER and len(parts) > 1 else ""

    def live(self, now: dt.datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


def holder(engine: Engine, name: str = JOBS) -> Holder | None:
    with read_session(engine) as session:
        row = session.exec(select(JobLease).where(JobLease.name == name)).first()
        return Holder(row.holder, row.owner, row.acquired_at, row.expires_at) if row else None
