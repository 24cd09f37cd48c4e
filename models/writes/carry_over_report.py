"""What carry-over did (models.writes.carry_over): plain data, which the look-back's reports show
and its helper processes unpickle without the database's modules."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CarriedPlan:
    key: str
    title: str
    year: int
    created: list[tuple[str, str]] = field(default_factory=list)  # (source code, new code)
    skipped: int = 0  # already carried over before


@dataclass
class CarryOverReport:
    plans: list[CarriedPlan] = field(default_factory=list)
    dry_run: bool = False

    @property
    def created(self) -> int:
        return sum(len(p.created) for p in self.plans)

    @property
    def skipped(self) -> int:
        return sum(p.skipped for p in self.plans)
