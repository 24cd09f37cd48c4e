"""The ledger's tables (SQLModel). Overdue and traffic lights are derived, never stored.

Every change to a task goes through models.writes.ledger, which writes a Journal row beside it; the
journal is append-only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.storage.kinds import Role, TaskStatus  # defined there, for the pure rules; named here too


def utcnow() -> dt.datetime:
    # Stored timezone-aware in UTC: sqlmodel rejects naive datetimes, and PostgreSQL keeps the zone.
    return dt.datetime.now(dt.UTC)


class UserRole(StrEnum):
    ADMIN = "admin"
    OFFICE = "office"
    UNIT = "unit"
    LEADER = "leader"


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=200)  # canonical, Simplified
    kind: str = Field(default="", max_length=50)  # 处室 / 县区 / 直属单位 …
    leader: str = Field(default="", max_length=100)  # 分管领导
    channels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Found in a document but not in the registry: listed for review, never silently merged.
    provisional: bool = Field(default=False, index=True)


class UnitAlias(SQLModel, table=True):
    __tablename__ = "unit_alias"
    id: int | None = Field(default=None, primary_key=True)
    alias: str = Field(unique=True, index=True, max_length=200)  # Simplified form
    unit_id: int = Field(foreign_key="unit.id", index=True)


class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=200)  # the plan file's stem: stable across edits
    kind: str = Field(default="plan", max_length=20)
    title: str = Field(default="", max_length=500)
    # What people call the plan (set by the office); empty: models.reads.names derives it from the title.
    short_name: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    issuer: str = Field(default="", max_length=200)
    doc_number: str = Field(default="", max_length=100)
    year: int | None = None
    source: str = Field(default="", max_length=500)
    source_sha256: str = Field(default="", max_length=64)
    content_sha256: str = Field(default="", max_length=64)  # of the reviewed plan: re-import detection
    imported_at: dt.datetime = Field(default_factory=utcnow)


class Task(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("plan_id", "path_key"),
        # The queries that matter: open tasks by due date (overdue, due soon) and per plan.
        Index("ix_task_open_due", "withdrawn", "status", "due_date"),
        # The ledger in due-date order walks it (models/reads/task_query.py).
        Index("ix_task_due", "due_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=20)  # short id people type: T12
    plan_id: int = Field(foreign_key="plan.id", index=True)
    path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    path_key: str = Field(max_length=200)  # "一/（三）/2": the identity of a point within its plan
    position: int = 0  # order in the document
    section: str = Field(default="tasks", max_length=20)
    title: str = Field(default="", max_length=2000)
    body: str = ""
    deadline_type: str = Field(default="none", max_length=20)
    due_date: dt.date | None = None
    deadline_text: str = Field(default="", max_length=200)
    recurrence: str | None = Field(default=None, max_length=20)
    units_open_ended: bool = False
    status: str = Field(default=TaskStatus.NOT_STARTED.value, max_length=20)
    progress: int = Field(default=0, ge=0, le=100)
    progress_note: str = ""  # the latest progress report, for the look-back
    withdrawn: bool = False  # gone from the re-imported plan but kept: it has history
    version: int = 1  # optimistic locking: every update names the version it read
    updated_at: dt.datetime = Field(default_factory=utcnow)
    # A task carried over from an earlier plan by the look-back (整改): the task it continues.
    origin_id: int | None = Field(default=None, foreign_key="task.id")


class Assignment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("task_id", "unit_id"), Index("ix_assignment_unit", "unit_id", "role"))
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    role: str = Field(default=Role.LEAD.value, max_length=10)
    # 交办 → 签收: the business day the task was handed to the unit, and the unit's acknowledgement.
    # Null assigned_on (rows from before the lifecycle): counted as acknowledged, never chased.
    assigned_on: dt.date | None = None
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class RequestKind(StrEnum):
    EXTENSION = "extension"  # 延期申请
    COMPLETION = "completion"  # 办结申请


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # extension approved / completion signed off (销号)
    REJECTED = "rejected"  # extension refused / completion returned (退回)
    WITHDRAWN = "withdrawn"


class TaskRequest(SQLModel, table=True):
    """A unit asks, the office decides: 延期申请 (a new date) or 办结申请 (completion with evidence).
    Until a request is approved nothing on the task changes but its display (待审批 / 待审核)."""

    __tablename__ = "task_request"
    __table_args__ = (Index("ix_task_request_open", "state", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    kind: str = Field(max_length=20)
    state: str = Field(default=RequestState.PENDING.value, max_length=20)
    requested_on: dt.date  # the business day it counts for
    requested_at: dt.datetime = Field(default_factory=utcnow)
    requested_by: str = Field(default="", max_length=200)
    due_date_then: dt.date | None = None  # the due date when asked (a late request is marked)
    new_due_date: dt.date | None = None  # extension only
    late: bool = False  # asked after the due date had passed
    reason: str = ""  # extension: why; completion: the 办结报告 summary
    progress: int = 0
    evidence: str = ""  # links, one per line
    decided_on: dt.date | None = None
    decided_at: dt.datetime | None = None
    decided_by: str = Field(default="", max_length=200)
    decision_note: str = ""


class Attachment(SQLModel, table=True):
    """A file a unit uploaded as evidence, stored outside the web root under its checksum."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="task_request.id", index=True)
    filename: str = Field(max_length=300)  # as uploaded (shown, never used as a path)
    stored_name: str = Field(max_length=100)  # sha256 + suffix, under [lifecycle] attachments_dir
    content_type: str = Field(default="", max_length=100)
    size: int = 0
    uploaded_by: str = Field(default="", max_length=200)
    uploaded_at: dt.datetime = Field(default_factory=utcnow)


class TaskReport(SQLModel, table=True):
    """A periodic report (报送) on a task by one of its units; the lead unit's report gathers those of
    the supporting units for the same period. The newest per (task, unit, period) counts."""

    __tablename__ = "task_report"
    __table_args__ = (Index("ix_task_report_period", "period", "task_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    role: str = Field(default=Role.LEAD.value, max_length=10)
    period: str = Field(max_length=20)  # "2026-11" (monthly) or "2026-Q4" (quarterly)
    day: dt.date  # the business day it counts for
    progress: int = 0
    text: str = ""
    evidence: str = ""
    submitted_by: str = Field(default="", max_length=200)
    submitted_at: dt.datetime = Field(default_factory=utcnow)


class Instruction(SQLModel, table=True):
    """领导批示 on a task, and the units' replies to it (parent_id)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="instruction.id", index=True)
    author: str = Field(max_length=200)  # the user's name
    unit_id: int | None = Field(default=None, foreign_key="unit.id")  # a reply's unit
    text: str = ""
    day: dt.date
    at: dt.datetime = Field(default_factory=utcnow)


class Chase(SQLModel, table=True):
    """催办记录: a manual chase the office made (phone, WeChat, visit): whom, when, what was said."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    method: str = Field(default="phone", max_length=20)  # phone / wechat / visit / other
    contact: str = Field(default="", max_length=200)  # the person reached
    day: dt.date
    note: str = ""
    recorded_by: str = Field(default="", max_length=200)
    at: dt.datetime = Field(default_factory=utcnow)


class Journal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    # The business day the change counts for (the command's --as-of): what digests ("done this week")
    # and escalation ("reported since") read, so a demo or a late entry lands on the right day.
    day: dt.date | None = None
    actor: str = Field(default="", max_length=200)
    action: str = Field(max_length=30)  # import, update, defer, assign, withdraw, merge …
    field: str = Field(default="", max_length=50)
    old: str = ""
    new: str = ""
    note: str = ""
    evidence: str = ""


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # `user` is reserved in PostgreSQL
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=100)
    role: str = Field(default=UserRole.UNIT.value, max_length=10)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    password_hash: str = ""
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)


class WebSession(SQLModel, table=True):
    """A signed-in dashboard session. The cookie is signed, but only this row makes it valid: logout,
    a new password or a deactivated account delete the rows, so a copied cookie dies with them."""

    __tablename__ = "web_session"
    # The SHA-256 of the cookie's session id, never the id itself: a copy of the database alone
    # yields no session that could be replayed.
    sid: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime = Field(index=True)


class Escalation(SQLModel, table=True):
    """One rung of the ladder raised for one occurrence of a task: history and the reason for notices.

    The occurrence is the due date the level counts from, so a deferral (a new date) or the next
    period of a recurring task starts the ladder again, while a rerun on the same day raises nothing.
    """

    __table_args__ = (UniqueConstraint("task_id", "level", "occurrence"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    level: str = Field(max_length=30)
    occurrence: dt.date
    trigger_date: dt.date  # the day the level fell due
    raised_on: dt.date = Field(index=True)  # the as-of date of the run that raised it
    # Raised late, when a higher level was already due (a first run on an old ledger): recorded so it
    # is never raised again, but no notice is sent for it.
    skipped: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow)


class NoticeKind(StrEnum):
    ESCALATION = "escalation"
    DIGEST = "digest"
    LOOKBACK = "lookback"
    INSTRUCTION = "instruction"  # a 领导批示 to the task's units, or a unit's reply to its leader
    LIFECYCLE = "lifecycle"  # a request filed or decided: to the office, or to the unit that asked


class Notice(SQLModel, table=True):
    """A message to one recipient, written before it is sent: the queue and its history in one.

    (kind, period, recipient) is unique, so composing twice never queues twice; a sender claims a
    notice with a conditional UPDATE before sending, so two runs never send it twice.
    """

    __table_args__ = (
        UniqueConstraint("kind", "period", "recipient"),
        Index("ix_notice_unsent", "sent_at", "kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    # escalation: the as-of day of the run (one notice per recipient and day, listing every level
    # raised for it that day); digest: the ISO week "2021-W48"; lookback: the plan or year.
    period: str = Field(max_length=100)
    recipient: str = Field(max_length=250)  # "unit:办公室", "office", "leader:张三"
    subject: str = Field(default="", max_length=500)
    # The three renderings, stored by notices queued before 0008r and by those whose message cannot
    # be stored as JSON (request notices write them directly); empty when `message` is set.
    body_text: str = ""
    body_markdown: str = ""
    body_html: str = ""
    # The message as workflows.render.Message.to_json writes it, rendered when sent or shown
    # (workflows.notice_bodies); "" for a notice that stores its renderings.
    message: str = ""
    created_at: dt.datetime = Field(default_factory=utcnow)
    claimed_until: dt.datetime | None = None  # a sender's lease: it expires if the sender dies
    sent_at: dt.datetime | None = None
    attempts: int = 0
    last_error: str = ""


class Delivery(SQLModel, table=True):
    """One attempt to send a notice through one channel, with its error."""

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    at: dt.datetime = Field(default_factory=utcnow)
    channel: str = Field(default="", max_length=500)  # without its password
    ok: bool = False
    error: str = ""


class UnitSummary(SQLModel, table=True):
    """A unit's own summary of its year (落实情况总结). Append-only: the newest one is shown."""

    __tablename__ = "unit_summary"
    __table_args__ = (Index("ix_unit_summary_year", "year", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    plan_id: int | None = Field(default=None, foreign_key="plan.id")  # none: the unit's whole year
    year: int
    text: str = ""
    source: str = Field(default="", max_length=500)  # the file it was read from, if any
    submitted_by: str = Field(default="", max_length=200)
    submitted_at: dt.datetime = Field(default_factory=utcnow)


class JobLease(SQLModel, table=True):
    """Who runs the scheduled jobs (escalate, digest, lookback) of this ledger: one `duban scheduler`,
    holding a lease it renews, or the Prefect deployments, holding it until handed back. One row per
    lease name; taken and renewed by conditional UPDATEs (models.writes.lease)."""

    __tablename__ = "job_lease"
    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=20)  # "scheduler" or "prefect"
    owner: str = Field(max_length=300)  # scheduler: host:pid:token; prefect: the API URL
    acquired_at: dt.datetime = Field(default_factory=utcnow)
    renewed_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime | None = None  # None: held until released (the deployments)


class LoginAttempt(SQLModel, table=True):
    """Logins tried per name, shared by every server process (`duban serve --workers N`): an attempt
    is reserved here, by a conditional UPDATE, before its password is checked (models.writes.users)."""

    __tablename__ = "login_attempt"
    name: str = Field(primary_key=True, max_length=200)  # as typed, trimmed (unknown names too)
    failures: int = 0  # wrong passwords since window_start
    pending: int = 0  # attempts reserved whose password is being checked now
    window_start: dt.datetime = Field(default_factory=utcnow, index=True)
    locked_until: dt.datetime | None = None
