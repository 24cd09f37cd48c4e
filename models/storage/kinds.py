"""The stored values of a task's status and of a unit's role on it, apart from the tables.

Why apart: the pure rules (models.rules) name them, and importing models.storage.tables would
import SQLModel and SQLAlchemy with them (a third of a CLI command's start). models.storage.tables
imports them from here, so there is one definition.
"""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DEFERRED = "deferred"
    CANCELLED = "cancelled"


class Role(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"
