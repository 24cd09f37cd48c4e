"""The unit registry: merging a name found in a document into a registered unit, loading units."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from models.reads.units import read_registry
from models.rules.permissions import Action
from models.storage.db import write_session
from models.writes import units as registry
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require


@dataclass(frozen=True)
class Merged:
    alias: str
    unit: str  # the registered unit the alias now names


def merge_units(engine: Engine, actor: Actor, alias: str, canonical: str) -> Merged:
    """Record `alias` as another name of `canonical`; tasks assigned to the alias move to the unit."""
    require(actor, Action.MERGE_UNITS)
    alias = alias.strip()
    with write_session(engine) as session:
        unit = registry.merge(session, alias, canonical.strip(), actor=actor.name)
        return Merged(alias, unit.name)


def load_units(engine: Engine, actor: Actor, path: Path) -> int:
    """Add or update registry units from a units file; returns how many were loaded."""
    require(actor, Action.LOAD_UNITS)
    specs = read_registry(path)
    with write_session(engine) as session:
        return registry.load_registry(session, specs)
