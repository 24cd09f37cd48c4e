"""A row of the task list (`duban tasks`, the ledger page), apart from models.reads.task_query so
that the quick reads (models.reads.quick, which import no SQLAlchemy) give the same rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.rules.lights import Light


@dataclass
class TaskRow:
    code: str
    plan: str
    path: list[str]
    title: str
    status: str
    progress: int
    due_date: dt.date | None  # the effective due date: a recurring task's current occurrence
    deadline_text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    light: Light = Light.GREY
    version: int = 1
