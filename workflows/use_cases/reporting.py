"""签收 and periodic reports (报送): a lead unit acknowledges the task it was handed; every period
the lead unit reports on its open tasks and the supporting units report their part to it.

Each function is one transaction and asks the permission table with the task in hand (a unit acts
on its own tasks only; a leader neither acknowledges nor reports). The lead unit's report is a
progress update as well (status, progress, note, evidence through workflows.use_cases.tasks), so the
ladder, the digest and the look-back read it like any update.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from models.reads.reporting import AckState, PeriodReports, ack_states, reports_of
from models.rules.lights import is_open
from models.rules.permissions import Action
from models.rules.report_cycle import period_of
from models.settings import LifecycleSettings
from models.storage.db import write_session
from models.storage.tables import Assignment, Role, Task, Unit
from models.vocabulary.i18n import _
from models.writes import units as registry
from models.writes.ledger import get_task
from models.writes.reporting import acknowledge as write_ack
from models.writes.reporting import file_report, lead_assignments
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid
from workflows.use_cases.guard import business_day, may_on_task, require_on_task
from workflows.use_cases.tasks import apply_update


@dataclass(frozen=True)
class Acknowledged:
    code: str
    units: list[str]  # the units whose 签收 this recorded
    already: list[str]  # lead units that had acknowledged before (nothing written for them)
    day: dt.date


@dataclass(frozen=True)
class Reported:
    code: str
    unit: str
    role: str  # lead / support
    period: str  # "2026-11" / "2026-Q4"
    day: dt.date
    progress: int  # the report's (a supporting unit's part)
    status: str  # the task's, after the report
    version: int


def acknowledge(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    today: dt.date,
    day: dt.date | None = None,
    unit: str | None = None,
) -> Acknowledged:
    """The lead unit's 签收. A unit user acknowledges for its own unit; the office, for the unit it
    names or else every lead unit still owing it (journalled under the office's name)."""
    with write_session(engine) as session:
        task = get_task(session, code)
        require_on_task(session, actor, Action.ACKNOWLEDGE, task)
        unit_id = _acting_unit(session, actor, task, unit, Action.ACKNOWLEDGE)
        leads = lead_assignments(session, task, unit_id)
        if not leads:
            raise Invalid(
                _(
                    "only a lead unit acknowledges {code}: a supporting unit reports its part to the lead unit"
                ).format(code=task.code)
                if unit_id is not None
                else _("{code} has no lead unit to acknowledge it").format(code=task.code),
                code="ack.not_lead",
                field="unit",
            )
        chosen = business_day(actor, day, today=today)
        done, already = [], []
        for assignment, name in leads:
            written = write_ack(session, task, assignment, name, actor=actor.name, day=chosen)
            (done if written else already).append(name)
        return Acknowledged(task.code, done, already, chosen)


def submit_report(
    engine: Engine,
    lifecycle: LifecycleSettings,
    actor: Actor,
    code: str,
    *,
    progress: int,
    text: str,
    today: dt.date,
    evidence: str = "",
    status: str | None = None,
    unit: str | None = None,
    day: dt.date | None = None,
    version: int | None = None,
) -> Reported:
    """A unit's report for the period the day falls in. The lead unit's is also the task's progress
    update (status, progress, note, evidence); a supporting unit's is its part, gathered under the
    lead unit's report and changing nothing on the task."""
    text, evidence = text.strip(), evidence.strip()
    with write_session(engine) as session:
        task = get_task(session, code)
        require_on_task(session, actor, Action.SUBMIT_REPORT, task)
        if not text:
            raise Invalid(
                _("a report needs its text: what was done this period"), code="report.text", field="note"
            )
        if not 0 <= progress <= 100:
            raise Invalid(
                _("progress must be between 0 and 100, not {value}").format(value=progress),
                code="report.progress",
                field="progress",
            )
        if not is_open(task.status):
            raise Invalid(
                _("{code} is closed: no report is expected").format(code=task.code), code="report.closed"
            )
        unit_id = _acting_unit(session, actor, task, unit, Action.SUBMIT_REPORT)
        unit_id, name, role = _reporting_unit(session, task, unit_id)
        if role == Role.SUPPORT.value and status:
            raise Invalid(
                _("a supporting unit reports its part; the lead unit sets the task's status"),
                code="report.support_status",
                field="status",
            )
        chosen = business_day(actor, day, today=today)
        period = period_of(chosen, lifecycle.report_cycle, lifecycle.report_day).label
        file_report(
            session,
            task,
            unit_id=unit_id,
            unit=name,
            role=role,
            period=period,
            day=chosen,
            progress=progress,
            text=text,
            evidence=evidence,
            actor=actor.name,
        )
        if role == Role.LEAD.value:
            task = apply_update(
                session,
                actor,
                task,
                day=chosen,
                status=status,
                progress=progress,
                note=text,
                evidence=evidence,
                version=version,
            )
        return Reported(task.code, name, role, period, chosen, progress, task.status, task.version)


def _acting_unit(session: Session, actor: Actor, task: Task, unit: str | None, action: Action) -> int | None:
    """The unit the actor acts for: a unit user's own; the one the office names; else None."""
    if unit is None or not unit.strip():
        return actor.unit_id
    target = registry.get(session, unit)
    if actor.unit_id is not None and target.id != actor.unit_id:
        raise Denied(
            _("you act for your own unit only, not for {unit}").format(unit=target.name),
            action=action,
            field="unit",
        )
    return target.id


def _reporting_unit(session: Session, task: Task, unit_id: int | None) -> tuple[int, str, str]:
    """(unit id, name, role) of the unit a report is for: the named one (its lead role first), or
    the task's first lead unit when the office reports without naming one."""
    query = (
        select(Assignment.unit_id, Unit.name, Assignment.role)
        .join(Unit)
        .where(Assignment.task_id == task.id)
        .order_by(Assignment.role, Assignment.id)  # "lead" sorts before "support"
    )
    if unit_id is not None:
        query = query.where(Assignment.unit_id == unit_id)
    else:
        query = query.where(Assignment.role == Role.LEAD.value)
    found = session.exec(query).first()
    if found is None:
        raise Invalid(
            _("{code} has no unit to report for: name one of its units").format(code=task.code)
            if unit_id is None
            else _("that unit is not assigned to {code}").format(code=task.code),
            code="report.no_unit",
            field="unit",
        )
    return found


@dataclass(frozen=True)
class TaskReporting:
    """What the task page shows of 签收 and reports, and which of their forms the actor gets."""

    acks: list[AckState]
    reports: list[PeriodReports]
    period: str  # the period a report made today is filed under
    may_ack: bool  # a lead unit the actor acts for still owes the 签收
    may_report: bool


def task_reporting(
    session: Session, actor: Actor, task: Task, lifecycle: LifecycleSettings, *, today: dt.date
) -> TaskReporting:
    assert task.id is not None
    acks = ack_states(session, task.id)
    owing = [state for state in acks if not state.acknowledged]
    may_ack = bool(owing) and may_on_task(session, actor, Action.ACKNOWLEDGE, task)
    if may_ack and actor.unit_id is not None:
        mine = {name for _, name in lead_assignments(session, task, actor.unit_id)}
        may_ack = any(state.unit in mine for state in owing)
    return TaskReporting(
        acks,
        reports_of(session, task.id),
        period_of(today, lifecycle.report_cycle, lifecycle.report_day).label,
        may_ack,
        is_open(task.status) and may_on_task(session, actor, Action.SUBMIT_REPORT, task),
    )
