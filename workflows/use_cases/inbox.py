"""Whose inbox an actor reads (models.reads.inbox): a unit user its unit's, a leader the leader's,
the office, an admin and the operator at the server the office's. One choice for the page and the
CLI."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from models.reads.inbox import Inbox, leader_inbox, office_inbox, unit_inbox
from models.rules.permissions import Action, Role
from models.settings import Settings
from models.storage.db import read_session
from models.storage.tables import Unit
from workflows.escalate import calendar_of
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require


def leader_levels(settings: Settings) -> list[str]:
    """The ladder's levels sent to leaders, in ladder order (督办 and 通报 by default)."""
    return [level.level for level in settings.escalation if "leader" in level.recipients]


def inbox_of(engine: Engine, settings: Settings, actor: Actor, *, as_of: dt.date) -> Inbox:
    require(actor, Action.VIEW)
    with read_session(engine) as session:
        if actor.role is Role.LEADER:
            return leader_inbox(session, actor.name, levels=leader_levels(settings), as_of=as_of)
        calendar = calendar_of(settings)
        if actor.role is Role.UNIT and actor.unit_id is not None:
            unit = session.get(Unit, actor.unit_id)
            assert unit is not None
            return unit_inbox(session, unit, as_of=as_of, lifecycle=settings.lifecycle, calendar=calendar)
        return office_inbox(session, as_of=as_of, lifecycle=settings.lifecycle, calendar=calendar)
