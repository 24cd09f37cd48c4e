"""The JSON shapes of the API (pydantic), so /api/openapi.json describes what each route returns."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dashboard.params import Status

Light = Literal["red", "yellow", "green", "grey", "done"]


class Out(BaseModel):
    # Built from the dataclasses of models/ by attribute.
    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Out):
    error: str
    code: str | None = Field(default=None, description="what was refused (denied, nothing_to_update, …)")
    field: str | None = Field(default=None, description="the field the refusal is about (task, status, …)")


class TaskItem(Out):
    code: str
    plan: str = Field(description="plan key")
    path: list[str]
    title: str
    status: str
    progress: int
    due_date: dt.date | None
    deadline_text: str = Field(description="the deadline as the document wrote it")
    lead: list[str]
    support: list[str]
    light: Light = Field(description="as of the as_of date: red overdue, yellow due soon, grey undated")
    version: int = Field(description="send it back with an update or deferral")
    pace: Light = Field(
        default="grey",
        description="pace: red more than [lifecycle] pace_red points behind the share of the time "
        "window used, yellow pace_yellow..pace_red behind, grey no window (undated, recurring, ongoing)",
    )
    pace_used: int | None = Field(default=None, description="share of the time window used, percent")
    pace_behind: int | None = Field(default=None, description="points behind that share (negative: ahead)")


class TaskPageOut(Out):
    as_of: dt.date
    total: int = Field(description="tasks matching the filters")
    page: int
    per_page: int
    pages: int
    items: list[TaskItem]


class JournalEntry(Out):
    at: dt.datetime
    day: dt.date | None = Field(description="the business day the change counts for")
    actor: str
    action: str
    field: str
    old: str
    new: str
    note: str
    evidence: str


class EscalationOut(Out):
    level: str
    level_name: str
    occurrence: dt.date = Field(description="the due date the level counts from")
    trigger_date: dt.date
    raised_on: dt.date
    skipped: bool = Field(description="raised late when a higher level was due: recorded, not sent")


class NoticeOut(Out):
    id: int
    period: str
    recipient: str
    subject: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    last_error: str


class TaskDetailOut(TaskItem):
    as_of: dt.date
    plan_title: str
    body: str
    deadline_type: str
    recurrence: str | None
    progress_note: str
    withdrawn: bool
    overdue: bool
    may_update: bool = Field(description="whether the signed-in user may update or defer it")
    journal: list[JournalEntry]
    escalations: list[EscalationOut]
    notices: list[NoticeOut]


class ConflictOut(Out):
    error: str
    current: TaskDetailOut


class UpdateIn(BaseModel):
    version: int = Field(description="the version the change is based on (from GET /api/tasks/{code})")
    status: Status | None = None
    progress: int | None = Field(default=None, ge=0, le=100)
    note: str = ""
    evidence: str = ""


class DeferIn(BaseModel):
    version: int
    to: dt.date = Field(description="the new due date")
    reason: str = Field(min_length=1)


class LightCountsOut(Out):
    red: int
    yellow: int
    green: int
    grey: int
    done: int
    total: int


class PlanLightsOut(Out):
    key: str
    title: str
    year: int | None
    counts: LightCountsOut


class SectionLightsOut(Out):
    plan: str
    label: str = Field(description="top-level path label")
    counts: LightCountsOut


class UnitLightsOut(Out):
    unit: str
    counts: LightCountsOut


class WeekOut(Out):
    label: str = Field(description="ISO week, 2021-W10")
    monday: dt.date
    done: int = Field(description="tasks marked done that week")


class OverviewOut(Out):
    as_of: dt.date
    plan: str | None
    totals: LightCountsOut
    plans: list[PlanLightsOut]
    sections: list[SectionLightsOut]
    units: list[UnitLightsOut] = Field(description="tasks each unit leads or supports, worst first")
    weeks: list[WeekOut]
    top_overdue_units: list[UnitLightsOut]


class PlanOut(Out):
    key: str
    title: str
    year: int | None
    kind: str
    tasks: int
    done: int
    overdue: int


class UnitOut(Out):
    unit: str
    total: int
    open: int
    overdue: int
    done: int


class AttachmentOut(Out):
    id: int
    filename: str
    size: int
    content_type: str


class RequestOut(Out):
    """A 延期申请 or 办结申请 and where it stands (the task's own status is unchanged while pending)."""

    id: int
    ref: str = Field(description="R3: the number the decision routes take")
    code: str = Field(description="the task's code")
    title: str
    kind: Literal["extension", "completion"]
    state: Literal["pending", "approved", "rejected", "withdrawn"]
    unit: str
    requested_on: dt.date
    requested_by: str
    due_date_then: dt.date | None
    new_due_date: dt.date | None
    late: bool = Field(description="asked after the due date had passed")
    reason: str = Field(description="extension: why; completion: the summary of what was done")
    progress: int
    evidence: str
    decided_on: dt.date | None
    decided_by: str
    decision_note: str
    attachments: list[AttachmentOut]


class ExtensionIn(BaseModel):
    to: dt.date = Field(description="the due date asked for")
    reason: str = Field(min_length=1)
    progress: int | None = Field(default=None, ge=0, le=100)


class CompletionIn(BaseModel):
    summary: str = Field(min_length=1)
    evidence: str = Field(default="", description="links, one per line (files: the task page's form)")


class CommentIn(BaseModel):
    comment: str = ""


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1)
