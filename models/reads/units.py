"""The unit registry as read: names matched in Simplified form, lookups by name or alias with a
"did you mean" for typos, the units file, and the registry as the pages and `duban units` list it.

Writing it (provisional units for unknown names, loading a units file, merging an alias) is
models.writes.units.
"""

from __future__ import annotations

import difflib

from sqlmodel import Session, col, select

from models.errors import NotFound
from models.files.units_file import UnitSpec as UnitSpec
from models.files.units_file import read_registry as read_registry
from models.reads.simplified import normal as normal
from models.storage.tables import Unit, UnitAlias
from models.vocabulary.i18n import _


def find(session: Session, name: str) -> Unit | None:
    """The unit a name stands for: by canonical name, then by alias."""
    key = normal(name)
    unit = session.exec(select(Unit).where(Unit.name == key)).first()
    if unit is not None:
        return unit
    alias = session.exec(select(UnitAlias).where(UnitAlias.alias == key)).first()
    return session.get(Unit, alias.unit_id) if alias else None


def get(session: Session, name: str) -> Unit:
    unit = find(session, name)
    if unit is None:
        raise NotFound(code="unit.not_found", unit=name, suggestion=did_you_mean(suggest(session, name)))
    return unit


def suggest(session: Session, name: str, *, most: int = 3) -> list[str]:
    """Registry names close to a mistyped one (办工室 -> 办公室), matched on names and aliases."""
    key = normal(name)
    registered = select(Unit.name).where(col(Unit.provisional).is_(False))
    names = {name: name for name in session.exec(registered)}
    aliases = session.exec(select(UnitAlias.alias, Unit.name).join(Unit, col(Unit.id) == UnitAlias.unit_id))
    names.update({alias: unit for alias, unit in aliases if alias not in names})
    close = difflib.get_close_matches(key, list(names), n=most * 2, cutoff=0.5)
    return list(dict.fromkeys(names[match] for match in close))[:most]


def did_you_mean(names: list[str]) -> str:
    return _("; did you mean {names}?").format(names="、".join(names)) if names else ""


def unresolved(session: Session) -> list[Unit]:
    return list(session.exec(select(Unit).where(col(Unit.provisional)).order_by(Unit.name)))


def aliases_by_unit(session: Session) -> dict[int, list[str]]:
    """Every unit's aliases (unit id -> aliases, alphabetical), in one query."""
    aliases: dict[int, list[str]] = {}
    for alias in session.exec(select(UnitAlias).order_by(UnitAlias.alias)):
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    return aliases


def all_units(session: Session) -> list[Unit]:
    """Every unit of the registry, provisional ones included, by name."""
    return list(session.exec(select(Unit).order_by(Unit.name)))


def by_id(session: Session, unit_id: int) -> Unit | None:
    """A unit by its id (a unit user's own unit), or None."""
    return session.get(Unit, unit_id)
