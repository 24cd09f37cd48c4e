"""The unit registry as written: provisional units for unknown names, loading, merging aliases.

Names found in documents are matched through aliases in Simplified form. A name that matches
nothing becomes a provisional unit — listed by `duban units --unresolved` — and is never merged
into another silently; `duban units merge ALIAS CANONICAL` records the alias and moves its tasks.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.errors import BadInput
from models.reads.units import UnitSpec, find, get, normal
from models.storage.tables import Assignment, Journal, Unit, UnitAlias
from models.vocabulary.i18n import _


def load_registry(session: Session, specs: list[UnitSpec]) -> int:
    """Create or update registry units and their aliases; returns how many units were written."""
    for spec in specs:
        unit = find(session, spec.name) or Unit(name=normal(spec.name))
        unit.kind, unit.leader, unit.channels, unit.provisional = spec.kind, spec.leader, spec.channels, False
        session.add(unit)
        session.flush()
        for alias in spec.aliases:
            _add_alias(session, normal(alias), unit)
    return len(specs)


def ensure(session: Session, name: str) -> Unit:
    """The unit a document names, creating a provisional one for review when it is unknown."""
    unit = find(session, name)
    if unit is None:
        unit = Unit(name=normal(name), provisional=True)
        session.add(unit)
        session.flush()
    return unit


def resolve_many(session: Session, names: list[str]) -> tuple[dict[str, Unit], list[str]]:
    """name -> unit for many names at once (two queries), creating provisional units for the
    unknown ones in one flush; also returns the names of the units it created."""
    keys = {name: normal(name) for name in dict.fromkeys(names)}
    wanted = sorted(set(keys.values()))
    by_key: dict[str, Unit] = {}
    for start in range(0, len(wanted), 500):  # IN lists within every database's limits
        chunk = wanted[start : start + 500]
        by_key.update({u.name: u for u in session.exec(select(Unit).where(col(Unit.name).in_(chunk)))})
        aliases = session.exec(select(UnitAlias).where(col(UnitAlias.alias).in_(chunk))).all()
        for alias in aliases:
            if alias.alias not in by_key:
                by_key[alias.alias] = session.get(Unit, alias.unit_id)  # type: ignore[assignment]
    created = [Unit(name=key, provisional=True) for key in wanted if key not in by_key]
    session.add_all(created)
    session.flush()
    by_key.update({unit.name: unit for unit in created})
    return {name: by_key[key] for name, key in keys.items()}, [unit.name for unit in created]


def merge(session: Session, alias: str, canonical: str, *, actor: str) -> Unit:
    """Record `alias` as another name of `canonical`; a provisional unit of that name is folded in."""
    target = get(session, canonical)
    key = normal(alias)
    if key == target.name:
        raise BadInput(_("{alias!r} is already the canonical name").format(alias=alias))
    source = session.exec(select(Unit).where(Unit.name == key)).first()
    if source is not None and not source.provisional:
        raise BadInput(
            _("{alias!r} is a registered unit of its own; it cannot become an alias").format(alias=alias)
        )
    if source is not None:
        for assignment in session.exec(select(Assignment).where(Assignment.unit_id == source.id)):
            clash = session.exec(
                select(Assignment).where(
                    Assignment.task_id == assignment.task_id, Assignment.unit_id == target.id
                )
            ).first()
            session.add(
                Journal(
                    task_id=assignment.task_id,
                    actor=actor,
                    action="merge",
                    field="unit",
                    old=source.name,
                    new=target.name,
                )
            )
            if clash is None:
                assignment.unit_id = target.id  # type: ignore[assignment]
                session.add(assignment)
            else:
                session.delete(assignment)
        session.flush()
        for old_alias in session.exec(select(UnitAlias).where(UnitAlias.unit_id == source.id)):
            old_alias.unit_id = target.id  # type: ignore[assignment]
            session.add(old_alias)
        session.flush()
        session.delete(source)
        session.flush()
    _add_alias(session, key, target)
    return target


def _add_alias(session: Session, key: str, unit: Unit) -> None:
    existing = session.exec(select(UnitAlias).where(UnitAlias.alias == key)).first()
    if existing is None:
        session.add(UnitAlias(alias=key, unit_id=unit.id))  # type: ignore[arg-type]
    elif existing.unit_id != unit.id:
        raise BadInput(_("alias {key!r} already names another unit").format(key=key))
    session.flush()
