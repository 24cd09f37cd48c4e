"""Every write to the ledger: importing plans and changing tasks, each with its journal rows.

Callers hand in a session from models.storage.db.write_session, so one command is one transaction: a bad
input raises before commit and leaves the ledger as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, insert, literal, update
from sqlmodel import Session, col, select

from models.errors import BadInput, Conflict, NotFound
from models.plan import ParsedPlan, ParsedTask
from models.reads.tasks import get_task
from models.rules import bounds
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit, utcnow
from models.vocabulary import DEADLINE_TYPES, STATUSES
from models.vocabulary.i18n import _
from models.writes import units as registry
from models.writes.decisions import (
    DEADLINE,
    DEADLINE_FIELDS,
    NOTHING_CONFIRMED,
    TEXT_FIELDS,
    UNIT_PREFIX,
    UNITS,
    Confirmed,
    Decided,
    FieldChange,
    TaskChange,
    decisions_of,
)

# Fields of a task that come from the plan file; everything else (status, progress…) is the office's.
PLAN_FIELDS = (
    "position",
    "section",
    "title",
    "body",
    "deadline_type",
    "due_date",
    "deadline_text",
    "recurrence",
    "units_open_ended",
)


@dataclass
class ImportReport:
    plan_key: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    restored: int = 0
    new_units: list[str] = field(default_factory=list)  # provisional units this import created
    tasks: list[TaskChange] = field(default_factory=list)  # per task, what changed (or would)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.withdrawn or self.restored)

    @property
    def kept(self) -> int:
        """Changes to decided fields the import left as the ledger has them (not confirmed)."""
        return sum(len(task.kept) for task in self.tasks)


def path_key(path: list[str]) -> str:
    return "/".join(path)


def content_hash(plan: ParsedPlan) -> str:
    data = plan.model_dump(mode="json", exclude={"warnings"})
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def import_plan(
    session: Session,
    plan: ParsedPlan,
    *,
    key: str,
    actor: str,
    day: dt.date | None = None,
    confirmed: Confirmed = NOTHING_CONFIRMED,
    dry_run: bool = False,
) -> ImportReport:
    """Bring the ledger in line with a (reviewed) plan; idempotent, keeps progress and history.

    Fields decided in the ledger after an import (models.writes.decisions: a due date set, a
    deferral, a unit assigned) keep their value unless `confirmed` names them; the report lists
    per task what changed and what was kept. With `dry_run` new tasks are only listed, not inserted
    (the caller rolls the rest back), so a preview takes no task ids.

    Set-based: unit names are resolved once per import, the plan's assignments and decisions are
    read in one query each, and new tasks are inserted together — a plan of 10,000 points is one
    pass, not 10,000.
    """
    report = ImportReport(plan_key=key)
    bounds.check_text(key, _("Plan key"), limit=bounds.MAX_NAME)
    bounds.check_plan(plan, source=key)
    _check_unique_paths(plan, key)
    record = session.exec(select(Plan).where(Plan.key == key)).first()
    _check_not_imported_elsewhere(session, plan, key, record)
    if record is None:
        record = Plan(key=key)
        session.add(record)
    for name in ("kind", "title", "issuer", "doc_number", "year", "source", "source_sha256"):
        value = getattr(plan, name)
        value = value.value if hasattr(value, "value") else value
        if getattr(record, name) != value:
            setattr(record, name, value)
    record.content_sha256 = content_hash(plan)
    session.flush()
    names = _resolve_units(session, plan, report)
    existing = {task.path_key: task for task in session.exec(select(Task).where(Task.plan_id == record.id))}
    current = _assignments_of(session, record)
    decided = decisions_of(session, record.id) if existing else {}  # type: ignore[arg-type]
    seen: set[str] = set()
    created: list[tuple[dict[str, Any], dict[int, str]]] = []
    with session.no_autoflush:
        for position, parsed in enumerate(plan.tasks):
            pkey = path_key(parsed.path)
            seen.add(pkey)
            values = _plan_values(parsed, position)
            wanted = _wanted(parsed, names)
            task = existing.get(pkey)
            if task is None:
                created.append((_new_task_row(record, parsed, pkey, values), wanted))
                report.tasks.append(TaskChange("new", parsed.path, parsed.title))
                report.created += 1
                continue
            what = decided.get(task.id, Decided())  # type: ignore[arg-type]
            confirm = functools.partial(confirmed, task.code)
            changes, shown = _apply(task, values, what, confirm)
            if any(c.field == DEADLINE and c.decided and c.applied for c in shown):
                for name, old, new in _end_deferral(session, task):
                    changes.append((name, old, new))
                    shown.append(
                        FieldChange(name, STATUSES.get(old, old), STATUSES.get(new, new), decided=True)
                    )
            restored = task.withdrawn
            if restored:
                task.withdrawn = False
                changes.append(("withdrawn", "true", "false"))
            shown += _sync_assignments(
                session,
                task,
                wanted,
                current.get(task.id, {}),  # type: ignore[arg-type]
                names,
                actor,
                day,
                decided=what.units,
                confirm=confirm(UNITS),
            )
            units_changed = any(change.field == UNITS and change.applied for change in shown)
            if changes or units_changed:
                _touch(task)
            session.add(task)
            for name, old, new in changes:
                session.add(
                    Journal(
                        task_id=task.id, day=day, actor=actor, action="import", field=name, old=old, new=new
                    )
                )
            if restored or shown:
                kind = "restored" if restored else "changed"
                report.tasks.append(TaskChange(kind, task.path, task.title, task.code, shown))
            if restored:
                report.restored += 1
            elif changes or units_changed:
                report.updated += 1
            else:
                report.unchanged += 1
        for pkey, task in existing.items():
            if pkey not in seen and not task.withdrawn:
                # Gone from the plan, but it has history: keep it, marked withdrawn.
                task.withdrawn = True
                _touch(task)
                session.add(task)
                session.add(
                    Journal(
                        task_id=task.id,
                        day=day,
                        actor=actor,
                        action="withdraw",
                        field="withdrawn",
                        old="false",
                        new="true",
                    )
                )
                report.tasks.append(TaskChange("withdrawn", task.path, task.title, task.code))
                report.withdrawn += 1
    session.flush()
    if created and not dry_run:
        _insert_tasks(session, record, created, actor, day)
    return report


def _check_not_imported_elsewhere(session: Session, plan: ParsedPlan, key: str, record: Plan | None) -> None:
    """One document is one plan: the same file (its checksum), or the same title and document
    number, under another key would track every point twice. Re-importing under its own key is
    the way to bring in an edited copy; a plan that was this document already (two keys for one
    document imported before this check) stays re-importable under each."""
    if plan.source_sha256 and (record is None or record.source_sha256 != plan.source_sha256):
        other = session.exec(
            select(Plan.key).where(Plan.source_sha256 == plan.source_sha256, Plan.key != key)
        ).first()
        if other is not None:
            raise Conflict(code="plan.duplicate.document", source=key, plan=other)
    same = record is not None and (record.title, record.doc_number) == (plan.title, plan.doc_number)
    if plan.title.strip() and plan.doc_number.strip() and not same:
        other = session.exec(
            select(Plan.key).where(
                Plan.title == plan.title, Plan.doc_number == plan.doc_number, Plan.key != key
            )
        ).first()
        if other is not None:
            raise Conflict(code="plan.duplicate.number", source=key, plan=other, number=plan.doc_number)


def _new_task_row(plan: Plan, parsed: ParsedTask, pkey: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": plan.id,
        "path": parsed.path,
        "path_key": pkey,
        # A placeholder until the database hands out the id the real code is made of.
        "code": f"~{uuid.uuid4().hex[:16]}",
        "status": TaskStatus.NOT_STARTED.value,
        "progress": 0,
        "progress_note": "",
        "withdrawn": False,
        "version": 1,
        "updated_at": utcnow(),
        **values,
    }


def _insert_tasks(
    session: Session,
    plan: Plan,
    created: list[tuple[dict[str, Any], dict[int, str]]],
    actor: str,
    day: dt.date | None = None,
) -> None:
    """New tasks, their codes, journal rows and assignments as four bulk statements: building ORM
    objects one by one costs far more than the database does for a plan of thousands of points."""
    rows = [row for row, _ in created]
    ids = session.execute(insert(Task).returning(Task.id, sort_by_parameter_order=True), rows).scalars().all()
    # One statement for every code (`T` + id), not one UPDATE per task.
    session.execute(
        update(Task)
        .where(col(Task.plan_id) == plan.id, col(Task.code).startswith("~"))
        .values(code=literal("T") + cast(Task.id, String))
        .execution_options(synchronize_session=False)
    )
    now = utcnow()
    session.execute(
        insert(Journal),
        [
            {
                "task_id": task_id,
                "plan_id": plan.id,
                "at": now,
                "day": day,
                "actor": actor,
                "action": "import",
                "field": "created",
                "old": "",
                "new": row["title"],
                "note": "",
                "evidence": "",
            }
            for task_id, row in zip(ids, rows, strict=True)
        ],
    )
    assignments = [
        # 交办: the business day of the import is the day the unit was handed the task (签收 counts from it).
        {"task_id": task_id, "unit_id": unit_id, "role": role, "assigned_on": day}
        for task_id, (_, wanted) in zip(ids, created, strict=True)
        for unit_id, role in wanted.items()
    ]
    if assignments:
        session.execute(insert(Assignment), assignments)


def _resolve_units(session: Session, plan: ParsedPlan, report: ImportReport) -> dict[str, Unit]:
    """Every unit name of the plan, resolved at once (unknown ones become provisional units)."""
    names = [name for task in plan.tasks for name in (*task.lead_units, *task.support_units)]
    resolved, created = registry.resolve_many(session, names)
    report.new_units.extend(created)
    return resolved


def _wanted(parsed: ParsedTask, names: dict[str, Unit]) -> dict[int, str]:
    wanted: dict[int, str] = {}
    for role, units in ((Role.LEAD, parsed.lead_units), (Role.SUPPORT, parsed.support_units)):
        for name in units:
            wanted.setdefault(names[name].id, role.value)  # type: ignore[arg-type]
    return wanted


def _assignments_of(session: Session, plan: Plan) -> dict[int, dict[int, Assignment]]:
    """task id -> unit id -> assignment, for every task of the plan, in one query."""
    query = select(Assignment).join(Task, col(Task.id) == Assignment.task_id).where(Task.plan_id == plan.id)
    current: dict[int, dict[int, Assignment]] = {}
    for assignment in session.exec(query):
        current.setdefault(assignment.task_id, {})[assignment.unit_id] = assignment
    return current


def _check_unique_paths(plan: ParsedPlan, key: str) -> None:
    seen: dict[str, int | None] = {}
    for task in plan.tasks:
        pkey = path_key(task.path)
        if pkey in seen:
            raise BadInput(
                _("two tasks share the path {pkey!r}: give each point its own path").format(pkey=pkey),
                source=key,
                line=task.line,
            )
        seen[pkey] = task.line


def _plan_values(parsed: ParsedTask, position: int) -> dict[str, Any]:
    deadline = parsed.deadline
    return {
        "position": position,
        "section": parsed.section.value,
        "title": parsed.title,
        "body": parsed.body,
        "deadline_type": deadline.type.value,
        "due_date": deadline.date,
        "deadline_text": deadline.text,
        "recurrence": deadline.recurrence.value if deadline.recurrence else None,
        "units_open_ended": parsed.units_open_ended,
    }


# Plan fields in the groups a decision covers (models.writes.decisions), in the order shown.
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *((name, (name,)) for name in TEXT_FIELDS),
    (DEADLINE, DEADLINE_FIELDS),
)


def _apply(
    task: Task, values: dict[str, Any], decided: Decided, confirm: Callable[[str], bool]
) -> tuple[list[tuple[str, str, str]], list[FieldChange]]:
    """The document's values on the task, group by group; a decided group only if confirmed.
    Returns the journal lines of what was written and every group the document would change."""
    task.position = values["position"]  # reordering alone is not worth a journal row
    written: list[tuple[str, str, str]] = []
    shown: list[FieldChange] = []
    for group, names in _GROUPS:
        diffs = [
            (name, getattr(task, name), values[name]) for name in names if getattr(task, name) != values[name]
        ]
        if not diffs:
            continue
        is_decided = group in decided.fields
        applied = not is_decided or confirm(group)
        before = {name: getattr(task, name) for name in names}
        shown.append(
            FieldChange(
                group, _shown(group, before), _shown(group, values), decided=is_decided, applied=applied
            )
        )
        if applied:
            for name, old, new in diffs:
                setattr(task, name, new)
                written.append((name, _text(old), _text(new)))
    return written, shown


def _end_deferral(session: Session, task: Task) -> list[tuple[str, str, str]]:
    """A deferred task whose deadline the office confirmed back to the document's is no longer
    deferred: it takes the status it had before the deferral (已延期 over the document's date would
    be the very state issue 11 found)."""
    if task.status != TaskStatus.DEFERRED.value:
        return []
    before = session.exec(
        select(Journal.old)
        .where(
            Journal.task_id == task.id, Journal.field == "status", Journal.new == TaskStatus.DEFERRED.value
        )
        .order_by(col(Journal.id).desc())
    ).first()
    status = before if before and before != TaskStatus.DEFERRED.value else TaskStatus.IN_PROGRESS.value
    task.status = status
    return [("status", TaskStatus.DEFERRED.value, status)]


def _shown(group: str, values: dict[str, Any]) -> str:
    """A group's value as a clerk reads it in a preview (the deadline as date or type, and phrase)."""
    if group != DEADLINE:
        return _text(values[group])
    when = _text(values["due_date"]) or DEADLINE_TYPES.get(values["deadline_type"], values["deadline_type"])
    return f"{when}（{values['deadline_text']}）" if values["deadline_text"] else when


def _sync_assignments(
    session: Session,
    task: Task,
    wanted: dict[int, str],
    current: dict[int, Assignment],
    names: dict[str, Unit],
    actor: str,
    day: dt.date | None = None,
    *,
    decided: set[int],
    confirm: bool,
) -> list[FieldChange]:
    """The document's units on the task, except units whose assignment was decided in the ledger
    (kept as they are unless `confirm`). Returns the change shown for the undecided units and, apart,
    the one the document would make to decided units."""
    now = {uid: a.role for uid, a in current.items()}
    if now == wanted:
        return []
    # Undecided units follow the document, decided ones stay as the ledger has them.
    kept = {uid: role for uid, role in wanted.items() if uid not in decided}
    kept.update({uid: role for uid, role in now.items() if uid in decided})
    target = wanted if confirm else kept
    by_id = {unit.id: unit.name for unit in names.values()}
    by_id.update({uid: _unit_name(session, uid) for uid in (*current, *decided) if uid not in by_id})
    shown = []
    if kept != now:
        shown.append(FieldChange(UNITS, _assignment_text(by_id, now), _assignment_text(by_id, kept)))
    if wanted != kept:
        shown.append(
            FieldChange(
                UNITS,
                _assignment_text(by_id, kept),
                _assignment_text(by_id, wanted),
                decided=True,
                applied=confirm,
            )
        )
    if target == now:
        return shown
    for unit_id, assignment in current.items():
        if unit_id not in target:
            session.delete(assignment)
        elif assignment.role != target[unit_id]:
            assignment.role = target[unit_id]
            handed_over(assignment, day)
            session.add(assignment)
    for unit_id, role in target.items():
        if unit_id not in current:
            session.add(Assignment(task_id=task.id, unit_id=unit_id, role=role, assigned_on=day))  # type: ignore[arg-type]
    session.add(
        Journal(
            task_id=task.id,
            day=day,
            actor=actor,
            action="import",
            field=UNITS,
            old=_assignment_text(by_id, now),
            new=_assignment_text(by_id, target),
        )
    )
    # A confirmed override ends the decision on each unit it changed: the document governs it again.
    for unit_id in sorted(uid for uid in decided if now.get(uid) != target.get(uid)):
        session.add(
            Journal(
                task_id=task.id,
                day=day,
                actor=actor,
                action="import",
                field=f"{UNIT_PREFIX}{by_id[unit_id]}",
                old=now.get(unit_id, ""),
                new=target.get(unit_id, ""),
            )
        )
    return shown


def handed_over(assignment: Assignment, day: dt.date | None) -> None:
    """A unit made lead is handed the task anew: it owes a 签收 from `day` (support owes none)."""
    if assignment.role == Role.LEAD.value:
        assignment.assigned_on = day
        assignment.acknowledged_at = None
        assignment.acknowledged_by = ""


def _unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return unit.name if unit else str(unit_id)


def _assignment_text(names: dict[int | None, str], roles: dict[int, str]) -> str:
    lead = "、".join(names[uid] for uid, role in roles.items() if role == Role.LEAD.value)
    support = "、".join(names[uid] for uid, role in roles.items() if role == Role.SUPPORT.value)
    return f"{lead} / {support}" if support else lead


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).lower() if isinstance(value, bool) else str(value)


def _touch(task: Task) -> None:
    task.version += 1
    task.updated_at = utcnow()


# --- Changes made by people ------------------------------------------------------------------


def update_task(
    session: Session,
    code: str,
    *,
    actor: str,
    status: str | None = None,
    progress: int | None = None,
    note: str = "",
    evidence: str = "",
    expected_version: int | None = None,
    day: dt.date | None = None,
) -> Task:
    """Change status and/or progress, with a note and evidence, under optimistic locking."""
    task = get_task(session, code)
    if status is not None and status not in {s.value for s in TaskStatus}:
        raise BadInput(
            code="task.status.unknown", field="status", value=status, choices=[s.value for s in TaskStatus]
        )
    if progress is not None and not 0 <= progress <= 100:
        raise BadInput(code="task.progress.out_of_range", field="progress", value=progress)
    if status is None and progress is None and not note and not evidence:
        raise BadInput(code="task.update.nothing", field=("status", "progress", "note", "evidence"))
    bounds.check_text(note, _("progress statement"), limit=bounds.MAX_NOTE)
    bounds.check_text(evidence, _("evidence"), limit=bounds.MAX_NOTE)
    if status == TaskStatus.DONE.value and progress is None:
        progress = 100
    changes: dict[str, Any] = {}
    if status is not None and status != task.status:
        changes["status"] = status
    if progress is not None and progress != task.progress:
        changes["progress"] = progress
    if note:
        changes["progress_note"] = note
    return _write(
        session,
        task,
        changes,
        actor=actor,
        action="update",
        note=note,
        evidence=evidence,
        expected_version=expected_version,
        day=day,
    )


def defer_task(
    session: Session,
    code: str,
    *,
    to: dt.date,
    reason: str,
    actor: str,
    expected_version: int | None = None,
    day: dt.date | None = None,
) -> Task:
    """Move the due date (the escalation ladder restarts from it) and mark the task deferred."""
    task = get_task(session, code)
    if not reason.strip():
        raise BadInput(code="task.defer.reason_required", field="reason")
    bounds.check_date(to, _("New due date"))
    bounds.check_text(reason, _("reason"), limit=bounds.MAX_NOTE)
    changes: dict[str, Any] = {"due_date": to, "status": TaskStatus.DEFERRED.value}
    if task.deadline_type not in ("date", "period_end"):
        changes["deadline_type"] = "date"
    return _write(
        session,
        task,
        changes,
        actor=actor,
        action="defer",
        note=reason,
        expected_version=expected_version,
        day=day,
    )


def set_status(
    session: Session,
    code: str,
    *,
    status: TaskStatus,
    actor: str,
    action: str,
    note: str,
    progress: int | None = None,
    latest_note: str | None = None,
    evidence: str = "",
    day: dt.date | None = None,
) -> Task:
    """A decision of the office on a task's status (销号, 退回, 撤销), journalled as its own action
    with its reason; `latest_note` replaces the task's latest progress (a sign-off's summary)."""
    task = get_task(session, code)
    bounds.check_text(note, _("note"), limit=bounds.MAX_NOTE)
    changes: dict[str, Any] = {}
    if status.value != task.status:
        changes["status"] = status.value
    if progress is not None and progress != task.progress:
        changes["progress"] = progress
    if latest_note:
        changes["progress_note"] = latest_note
    return _write(session, task, changes, actor=actor, action=action, note=note, evidence=evidence, day=day)


def schedule_task(
    session: Session, code: str, *, to: dt.date | None, actor: str, note: str = "", day: dt.date | None = None
) -> Task:
    """Give a point the document left undated a due date (the office's 完成时限), or with `to=None`
    declare it a standing one (长期坚持: checked in on, never overdue); not a deferral."""
    task = get_task(session, code)
    if to is not None:
        bounds.check_date(to, _("deadline"))
    bounds.check_text(note, _("note"), limit=bounds.MAX_NOTE)
    changes: dict[str, Any] = {"due_date": to, "deadline_type": "date" if to else "ongoing"}
    return _write(session, task, changes, actor=actor, action="schedule", note=note, day=day)


def assign_unit(
    session: Session,
    code: str,
    *,
    unit: str,
    role: Role,
    actor: str,
    remove: bool = False,
    day: dt.date | None = None,
) -> Task:
    """Add a unit to a task (or change its role), or remove it."""
    task = get_task(session, code)
    # Only a unit the ledger knows: a typo must not become a new unit (registry.get suggests one).
    target = registry.get(session, unit)
    current = session.exec(
        select(Assignment).where(Assignment.task_id == task.id, Assignment.unit_id == target.id)
    ).first()
    before = "" if current is None else current.role
    if remove:
        if current is None:
            raise NotFound(code="task.assign.not_assigned", field="unit", unit=target.name, task=task.code)
        session.delete(current)
        after = ""
    elif current is None:
        session.add(Assignment(task_id=task.id, unit_id=target.id, role=role.value, assigned_on=day))  # type: ignore[arg-type]
        after = role.value
    else:
        if current.role != role.value:
            current.role = role.value
            handed_over(current, day)
        session.add(current)
        after = role.value
    if before == after:
        return task
    _touch(task)
    session.add(task)
    session.add(
        Journal(
            task_id=task.id,
            day=day,
            actor=actor,
            action="assign",
            field=f"unit:{target.name}",
            old=before,
            new=after,
        )
    )
    session.flush()
    return task


def _write(
    session: Session,
    task: Task,
    changes: dict[str, Any],
    *,
    actor: str,
    action: str,
    note: str = "",
    evidence: str = "",
    expected_version: int | None = None,
    day: dt.date | None = None,
) -> Task:
    read_version = task.version if expected_version is None else expected_version
    if expected_version is not None and expected_version != task.version:
        raise Conflict(code="task.version.stale", field="version", task=task.code, version=expected_version)
    old = {name: getattr(task, name) for name in changes}
    # The version check is in the UPDATE itself, so two writers that read the same version cannot
    # both succeed: the second changes no row and gets a conflict, never a lost update.
    result = session.execute(
        update(Task)
        .where(col(Task.id) == task.id, col(Task.version) == read_version)
        .values(**changes, version=read_version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(code="task.version.stale", field="version", task=task.code, version=read_version)
    session.refresh(task)
    for name, value in changes.items():
        if name == "progress_note":
            continue
        session.add(
            Journal(
                task_id=task.id,
                day=day,
                actor=actor,
                action=action,
                field=name,
                old=_text(old[name]),
                new=_text(value),
                note=note,
                evidence=evidence,
            )
        )
    if not any(name != "progress_note" for name in changes):
        session.add(
            Journal(task_id=task.id, day=day, actor=actor, action=action, note=note, evidence=evidence)
        )
    session.flush()
    return task
