"""Carrying unfinished items into next year's rectification list (整改清单).

After the look-back, what was not finished goes on: each unfinished task of year Y is copied into
one plan per following year, key `{Y+1}-zhenggai`, kind "rectification", title `{Y+1}年度整改清单`
— one list per year rather than one per source plan, because that is the document the office
issues and chases. A copy:
- links back to its source through origin_id, keeps its title, body, section and units (the same
  lead and supporting units), and starts afresh: status not_started, progress 0;
- sits at path [source plan key, source code] (e.g. `2021-jilin…/T29`), so the list is grouped by
  the plan it came from and the path is unique and stable whatever order items arrive in;
- keeps ongoing / recurring deadlines as they are; a dated deadline has passed, so the copy has
  none until the office sets one (`duban defer`), and the old one is quoted in the body;
- gets a journal row, and so does its source ("carry_over", on both sides).

Idempotent: a task that already has a continuation (any task whose origin_id is it) is skipped, and
the insert itself is ON CONFLICT DO NOTHING on (plan, path), so two runs racing each other still
leave one copy. Set-based: a few statements per 500 items, not one per item.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, cast, insert, literal, update
from sqlmodel import Session, col, select

from models.errors import Conflict
from models.reads.lookback import CARRY_OVER_ACTION, Lookback, plan_ids_for, unfinished_ids
from models.reads.names import path_label, plan_name
from models.rules.deadlines import is_standing
from models.rules.lights_sql import open_sql
from models.storage.db import insert_new
from models.storage.tables import Assignment, Journal, Plan, Task, TaskStatus, utcnow
from models.vocabulary.i18n import _
from models.writes.carry_over_report import CarriedPlan, CarryOverReport
from models.writes.ledger import path_key

RECTIFICATION_KIND = "rectification"
CHUNK = 500  # rows per statement: within SQLite's bound-parameter limit and IN-list sizes
PATH_KEY_MAX = 200  # Task.path_key's column length


def rectification_key(year: int) -> str:
    return f"{year}-zhenggai"


def rectification_title(year: int) -> str:
    return _("Rectification list {year}").format(year=year)


def carry_over(
    session: Session,
    source: Lookback | Iterable[str],
    *,
    actor: str,
    as_of: dt.date,
    dry_run: bool = False,
) -> CarryOverReport:
    """Copy the unfinished items of a look-back (or of the plans with these keys) into next year's
    rectification plan(s). dry_run counts what would be carried and writes nothing.

    The items are read afresh in this session: one that was finished since the look-back was
    computed is not carried.
    """
    if isinstance(source, Lookback):
        ids = unfinished_ids(source)
        condition = col(Task.id).in_
        chunks: list[Any] = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    else:
        plan_ids = plan_ids_for(session, source)
        condition = col(Task.plan_id).in_
        chunks = [plan_ids]
    rows: list[tuple[Task, Plan]] = []
    for chunk in chunks:
        query = (
            select(Task, Plan)
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(condition(chunk), col(Task.withdrawn).is_(False), open_sql())
            .order_by(Plan.key, Task.position)
        )
        rows += list(session.exec(query))
    carried = _already_carried(session, [task.id for task, _ in rows])  # type: ignore[misc]
    by_year: dict[int, list[tuple[Task, Plan]]] = {}
    report = CarryOverReport(dry_run=dry_run)
    targets: dict[int, CarriedPlan] = {}
    for task, plan in rows:
        year = (plan.year or as_of.year) + 1
        target = targets.get(year)
        if target is None:
            target = targets[year] = CarriedPlan(rectification_key(year), rectification_title(year), year)
            report.plans.append(target)
        if task.id in carried:
            target.skipped += 1
        else:
            by_year.setdefault(year, []).append((task, plan))
    for year, items in by_year.items():
        target = targets[year]
        if dry_run:
            target.created = [(task.code, "") for task, _ in items]
            continue
        plan = _rectification_plan(session, year, as_of)
        target.created = _copy(session, plan, items, actor=actor, as_of=as_of)
    return report


def _already_carried(session: Session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(session.exec(select(Task.origin_id).where(col(Task.origin_id).in_(chunk))))  # type: ignore[arg-type]
    return found


def _rectification_plan(session: Session, year: int, as_of: dt.date) -> Plan:
    key = rectification_key(year)
    # ON CONFLICT DO NOTHING: a concurrent run that created it first is not an error.
    insert_new(
        session,
        Plan,
        [
            {
                "key": key,
                "kind": RECTIFICATION_KIND,
                "title": rectification_title(year),
                "issuer": "",
                "doc_number": "",
                "year": year,
                "source": _("look-back {year} (as of {as_of})").format(
                    year=year - 1, as_of=as_of.isoformat()
                ),
                "source_sha256": "",
                "content_sha256": "",
                "imported_at": utcnow(),
            }
        ],
    )
    plan = session.exec(select(Plan).where(Plan.key == key)).one()
    if plan.kind != RECTIFICATION_KIND:
        raise Conflict(
            _(
                "plan {key!r} exists and is not a rectification list (kind {kind!r}): rename that plan before carrying items over"
            ).format(key=key, kind=plan.kind)
        )
    return plan


def _target_path(plan: Plan, task: Task) -> list[str]:
    path = [plan.key, task.code]
    return path if len(path_key(path)) <= PATH_KEY_MAX else [task.code]


def _body(task: Task, plan: Plan) -> str:
    name = plan_name(plan.short_name, plan.title, year=plan.year, issuer=plan.issuer, key=plan.key)
    origin = _("carried over from {code} ({plan} {path})").format(
        code=task.code, plan=name, path=path_label(task.path)
    )
    if not is_standing(task.deadline_type) and (task.deadline_text or task.due_date):
        due = _(" ({date})").format(date=task.due_date.isoformat()) if task.due_date else ""
        origin += _("; deadline was: {deadline}{due}").format(deadline=task.deadline_text or "-", due=due)
    if task.progress_note:
        origin += _("; progress was: {note}").format(note=task.progress_note)
    return "\n".join(part for part in (task.body, origin) if part)


def _copy(
    session: Session, target: Plan, items: list[tuple[Task, Plan]], *, actor: str, as_of: dt.date
) -> list[tuple[str, str]]:
    now = utcnow()
    base = session.exec(
        select(Task.position).where(Task.plan_id == target.id).order_by(col(Task.position).desc())
    ).first()
    start = (base + 1) if base is not None else 0
    rows: list[dict[str, Any]] = []
    by_key: dict[str, tuple[Task, Plan]] = {}
    for offset, (task, plan) in enumerate(items):
        path = _target_path(plan, task)
        keeps_deadline = is_standing(task.deadline_type)
        rows.append(
            {
                "code": f"~{uuid.uuid4().hex[:16]}",  # replaced by T<id> below, as in models.writes.ledger
                "plan_id": target.id,
                "path": path,
                "path_key": path_key(path),
                "position": start + offset,
                "section": task.section,
                "title": task.title,
                "body": _body(task, plan),
                "deadline_type": task.deadline_type if keeps_deadline else "none",
                "due_date": None,
                "deadline_text": task.deadline_text if keeps_deadline else "",
                "recurrence": task.recurrence if keeps_deadline else None,
                "units_open_ended": task.units_open_ended,
                "status": TaskStatus.NOT_STARTED.value,
                "progress": 0,
                "progress_note": "",
                "withdrawn": False,
                "version": 1,
                "updated_at": now,
                "origin_id": task.id,
            }
        )
        by_key[path_key(path)] = (task, plan)
    inserted = insert_new(session, Task, rows, returning=(Task.id, Task.path_key))
    session.execute(
        update(Task)
        .where(col(Task.plan_id) == target.id, col(Task.code).startswith("~"))
        .values(code=literal("T") + cast(Task.id, String))
        .execution_options(synchronize_session=False)
    )
    pairs = [(new_id, by_key[key]) for new_id, key in inserted]
    created = [(source.code, f"T{new_id}") for new_id, (source, _) in pairs]
    journal: list[dict[str, Any]] = []
    for new_id, (source, plan) in pairs:
        note = f"{plan.key} {source.code} -> {target.key} T{new_id}"
        common = {"at": now, "day": as_of, "actor": actor, "action": CARRY_OVER_ACTION, "note": note}
        journal.append(
            {
                **common,
                "task_id": new_id,
                "plan_id": target.id,
                "field": "origin",
                "old": "",
                "new": source.code,
            }
        )
        journal.append(
            {
                **common,
                "task_id": source.id,
                "plan_id": plan.id,
                "field": "carried_to",
                "old": "",
                "new": f"T{new_id}",
            }
        )
    for start_at in range(0, len(journal), CHUNK):
        session.execute(
            insert(Journal), [{"evidence": "", **row} for row in journal[start_at : start_at + CHUNK]]
        )
    _copy_assignments(session, {source.id: new_id for new_id, (source, _) in pairs})  # type: ignore[misc]
    session.flush()
    return created


def _copy_assignments(session: Session, new_of: dict[int, int]) -> None:
    """The same lead and supporting units as the source, read and written in bulk."""
    sources = list(new_of)
    for start in range(0, len(sources), CHUNK):
        chunk = sources[start : start + CHUNK]
        found = session.exec(
            select(Assignment.task_id, Assignment.unit_id, Assignment.role)
            .where(col(Assignment.task_id).in_(chunk))
            .order_by(col(Assignment.id))
        ).all()
        if found:
            session.execute(
                insert(Assignment),
                [
                    {"task_id": new_of[task_id], "unit_id": unit_id, "role": role}
                    for task_id, unit_id, role in found
                ],
            )
