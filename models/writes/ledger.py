"""Every write to the ledger: importing plans and changing tasks, each with its journal rows.

Callers hand in a session from models.storage.db.write_session, so one command is one transaction: a bad
input raises before commit and leaves the ledger as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, insert, literal, update
from sqlmodel import Session, col, select

from models.errors import BadInput, Conflict, NotFound
from models.plan import ParsedPlan, ParsedTask
from models.rules import bounds
from models.storage.tables import Assignment, Journal, Plan, Role, Task, TaskStatus, Unit, utcnow
from models.writes import units as registry

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

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.withdrawn or self.restored)


def path_key(path: list[str]) -> str:
    return "/".join(path)


def content_hash(plan: ParsedPlan) -> str:
    data = plan.model_dump(mode="json", exclude={"warnings"})
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def import_plan(
    session: Session, plan: ParsedPlan, *, key: str, actor: str, day: dt.date | None = None
) -> ImportReport:
    """Bring the ledger in line with a (reviewed) plan; idempotent, keeps progress and history.

    Set-based: unit names are resolved once per import, the plan's assignments are read in one
    query, and new tasks are inserted together — a plan of 10,000 points is one pass, not 10,000.
    """
    report = ImportReport(plan_key=key)
    bounds.check_text(key, "计划标识", limit=bounds.MAX_NAME)
    bounds.check_plan(plan, source=key)
    _check_unique_paths(plan, key)
    record = session.exec(select(Plan).where(Plan.key == key)).first()
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
                report.created += 1
                continue
            changes = _apply(task, values)
            restored = task.withdrawn
            if restored:
                task.withdrawn = False
                changes.append(("withdrawn", "true", "false"))
            units_changed = _sync_assignments(
                session, task, wanted, current.get(task.id, {}), names, actor, day
            )  # type: ignore[arg-type]
            if changes or units_changed:
                _touch(task)
            session.add(task)
            for name, old, new in changes:
                session.add(
                    Journal(
                        task_id=task.id, day=day, actor=actor, action="import", field=name, old=old, new=new
                    )
                )
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
                report.withdrawn += 1
    session.flush()
    if created:
        _insert_tasks(session, record, created, actor, day)
    return report


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
                f"two tasks share the path {pkey!r}: give each point its own path", source=key, line=task.line
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


def _apply(task: Task, values: dict[str, Any]) -> list[tuple[str, str, str]]:
    changes = []
    for name, value in values.items():
        old = getattr(task, name)
        if old != value:
            setattr(task, name, value)
            if name != "position":  # reordering alone is not worth a journal row
                changes.append((name, _text(old), _text(value)))
    return changes


def _sync_assignments(
    session: Session,
    task: Task,
    wanted: dict[int, str],
    current: dict[int, Assignment],
    names: dict[str, Unit],
    actor: str,
    day: dt.date | None = None,
) -> bool:
    if {uid: a.role for uid, a in current.items()} == wanted:
        return False
    by_id = {unit.id: unit.name for unit in names.values()}
    by_id.update({uid: _unit_name(session, uid) for uid in current if uid not in by_id})
    before = _assignment_text(by_id, {uid: a.role for uid, a in current.items()})
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            session.delete(assignment)
        elif assignment.role != wanted[unit_id]:
            assignment.role = wanted[unit_id]
            handed_over(assignment, day)
            session.add(assignment)
    for unit_id, role in wanted.items():
        if unit_id not in current:
            session.add(Assignment(task_id=task.id, unit_id=unit_id, role=role, assigned_on=day))  # type: ignore[arg-type]
    after = _assignment_text(by_id, wanted)
    session.add(
        Journal(task_id=task.id, day=day, actor=actor, action="import", field="units", old=before, new=after)
    )
    return True


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


def get_task(session: Session, code: str) -> Task:
    """A task by its code (`T12`, `t12` or `12`)."""
    text = code.strip().upper()
    text = text if text.startswith("T") else f"T{text}"
    task = session.exec(select(Task).where(Task.code == text)).first()
    if task is None:
        raise NotFound(code="task.not_found", task=code)
    return task


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
    bounds.check_text(note, "进展说明", limit=bounds.MAX_NOTE)
    bounds.check_text(evidence, "佐证材料", limit=bounds.MAX_NOTE)
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
    bounds.check_date(to, "新的完成日期")
    bounds.check_text(reason, "延期理由", limit=bounds.MAX_NOTE)
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


def schedule_task(
    session: Session, code: str, *, to: dt.date | None, actor: str, note: str = "", day: dt.date | None = None
) -> Task:
    """Give a point the document left undated a due date (the office's 完成时限), or with `to=None`
    declare it a standing one (长期坚持: checked in on, never overdue); not a deferral."""
    task = get_task(session, code)
    if to is not None:
        bounds.check_date(to, "完成时限")
    bounds.check_text(note, "说明", limit=bounds.MAX_NOTE)
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
