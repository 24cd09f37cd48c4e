"""A task's 签收 and its reports (报送) by period, as rows: the shapes models.reads.reporting returns.

Apart from the reads (which import SQLModel) so that `duban show` can shape the rows it reads
through the database's own driver (models.reads.quick) with the same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from models.storage.kinds import Role


@dataclass
class ReportRow:
    unit: str
    role: str
    day: dt.date
    progress: int
    text: str
    evidence: str
    submitted_by: str


@dataclass
class PeriodReports:
    """One period of a task: the lead unit's report with the supporting units' parts beside it."""

    period: str
    lead: list[ReportRow] = field(default_factory=list)
    support: list[ReportRow] = field(default_factory=list)


def by_period(rows: Iterable[Any]) -> list[PeriodReports]:
    """A task's reports by period, newest period first, from the rows of
    models.reads.reporting.task_reports_sql (period, unit name, role, day, progress, text,
    evidence, submitted by; in id order): the newest report per unit and period counts."""
    newest: dict[tuple[str, str], ReportRow] = {}
    for period, unit, role, day, progress, text, evidence, submitted_by in rows:
        newest[(period, unit or "")] = ReportRow(
            unit or "", role, day, progress, text, evidence, submitted_by
        )
    periods: dict[str, PeriodReports] = {}
    for (period, _), row in newest.items():
        gathered = periods.setdefault(period, PeriodReports(period))
        (gathered.lead if row.role == Role.LEAD.value else gathered.support).append(row)
    return [periods[label] for label in sorted(periods, reverse=True)]


@dataclass(frozen=True)
class AckState:
    unit: str
    assigned_on: dt.date | None  # None: handed over before the lifecycle (counted as acknowledged)
    acknowledged_at: dt.datetime | None
    acknowledged_by: str

    @property
    def acknowledged(self) -> bool:
        return self.assigned_on is None or self.acknowledged_at is not None
