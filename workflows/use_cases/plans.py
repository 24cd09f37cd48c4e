"""Plans as the office names them: a plan's short name, the one people read everywhere."""

from __future__ import annotations

from sqlalchemy import Engine

from models.rules.permissions import Action
from models.storage.db import write_session
from models.writes.plan_names import rename_plan as set_short_name
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require


def rename_plan(engine: Engine, actor: Actor, key: str, short_name: str) -> str:
    """Set a plan's short name ("" restores the one derived from its title); returns the name now
    read in tables, notices and pages."""
    require(actor, Action.RENAME_PLAN)
    with write_session(engine) as session:
        return set_short_name(session, key, short_name)
