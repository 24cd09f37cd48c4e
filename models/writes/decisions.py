"""What was decided in the ledger: which plan fields of which task a person or a job set after an
import, read from the journal.

A re-import applies the document only to fields nobody decided (models.writes.ledger.import_plan),
so a due date the office set, a deferral, an assignment made with `duban assign` survive an edited
plan. A field is decided while the latest journal row about it is not the import's: an import that
overrode a decision with the office's confirmation writes its own row, and the document governs the
field again from then on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from models.storage.tables import Journal, Task
from models.writes import units as registry

# The deadline is decided as a whole: a date the office set with the document's old phrase and
# type would be a deadline nobody wrote.
DEADLINE_FIELDS = ("deadline_type", "due_date", "deadline_text", "recurrence")
DEADLINE = "deadline"
UNITS = "units"
# Plan fields other than the deadline and the units a decision may touch.
TEXT_FIELDS = ("section", "title", "body", "units_open_ended")
# Journal actions written by an import itself: they record the document, not a decision.
IMPORT_ACTIONS = frozenset({"import", "withdraw"})
UNIT_PREFIX = "unit:"  # `duban assign` journals one row per unit: field `unit:办公室`


@dataclass
class Decided:
    """The decided parts of one task: field groups (DEADLINE, a TEXT_FIELDS name) and unit ids."""

    fields: set[str] = field(default_factory=set)
    units: set[int] = field(default_factory=set)


def group_of(journal_field: str) -> str | None:
    """The decision group a journal row's field belongs to (None: not a plan field)."""
    if journal_field in DEADLINE_FIELDS:
        return DEADLINE
    if journal_field in TEXT_FIELDS:
        return journal_field
    if journal_field.startswith(UNIT_PREFIX):
        return journal_field
    return None


def decisions_of(session: Session, plan_id: int) -> dict[int, Decided]:
    """task id -> what was decided on it, for every task of the plan, in one query."""
    rows = session.exec(
        select(Journal.task_id, Journal.field, Journal.action)
        .join(Task, col(Task.id) == Journal.task_id)
        .where(Task.plan_id == plan_id, col(Journal.field) != "")
        .order_by(col(Journal.id))
    )
    latest: dict[tuple[int, str], str] = {}
    for task_id, journal_field, action in rows:
        group = group_of(journal_field)
        if group is not None and task_id is not None:
            latest[(task_id, group)] = action
    decided: dict[int, Decided] = {}
    units: dict[str, int | None] = {}
    for (task_id, group), action in latest.items():
        if action in IMPORT_ACTIONS:
            continue
        entry = decided.setdefault(task_id, Decided())
        if not group.startswith(UNIT_PREFIX):
            entry.fields.add(group)
            continue
        name = group[len(UNIT_PREFIX) :]
        if name not in units:  # by name or alias: a unit merged since keeps its decisions
            unit = registry.find(session, name)
            units[name] = unit.id if unit is not None else None
        if units[name] is not None:
            entry.units.add(units[name])  # type: ignore[arg-type]
    return decided


@dataclass(frozen=True)
class Confirmed:
    """Which changes to decided fields an import may apply: every one, or (task code, group) pairs
    the office ticked. Anything else decided is kept as it stands in the ledger."""

    everything: bool = False
    items: frozenset[tuple[str, str]] = frozenset()

    def __call__(self, code: str, group: str) -> bool:
        return self.everything or (code, group) in self.items


NOTHING_CONFIRMED = Confirmed()
EVERYTHING_CONFIRMED = Confirmed(everything=True)


@dataclass(frozen=True)
class FieldChange:
    """One field group of a task as the document would change it: `decided` when the ledger's
    value was set by a person or job, `applied` when the import wrote it (a decided change only
    with confirmation)."""

    field: str  # a TEXT_FIELDS name, DEADLINE or UNITS
    old: str
    new: str
    decided: bool = False
    applied: bool = True


@dataclass
class TaskChange:
    """What an import does (or, on a dry run, would do) to one task."""

    kind: str  # new, changed, withdrawn, restored
    path: list[str]
    title: str
    code: str = ""  # empty for a new task (its code is given when it is written)
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def kept(self) -> list[FieldChange]:
        return [change for change in self.fields if not change.applied]
