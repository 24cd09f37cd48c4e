"""The parsed plan: what the parser produces and the reviewed plan file stores.

These are pydantic shapes only; storing them in the ledger is the job of the SQLModel tables.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class DeadlineType(StrEnum):
    DATE = "date"  # a day: 11月30日前
    PERIOD_END = "period_end"  # the end of a month, quarter, half-year or year: 8月底前, 第三季度, 年内
    RECURRING = "recurring"  # every month / quarter / year: 每季度
    ONGOING = "ongoing"  # no end: 持续推进, 长期坚持, 常态化, 及时
    NONE = "none"  # the text gives no time at all


class Recurrence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"
    YEARLY = "yearly"


class Deadline(BaseModel):
    type: DeadlineType = DeadlineType.NONE
    date: dt.date | None = None
    text: str = ""  # the original phrase, exactly as in the document
    recurrence: Recurrence | None = None


class SectionKind(StrEnum):
    TASKS = "tasks"  # the body of the plan: tracked work
    REQUIREMENTS = "requirements"  # 总体要求 / 指导思想 / 工作目标
    SAFEGUARDS = "safeguards"  # 保障措施 / 工作要求 / 组织保障


class PlanKind(StrEnum):
    PLAN = "plan"
    REPORT = "report"  # an annual report (年度报告): a review, not a plan; it yields no tasks


class ParsedTask(BaseModel):
    path: list[str]  # normalised labels from the root: ["一", "（三）", "2"]
    title: str
    body: str = ""
    lead_units: list[str] = Field(default_factory=list)
    support_units: list[str] = Field(default_factory=list)
    units_open_ended: bool = False  # the text adds 及相关处室单位 / 各相关单位
    deadline: Deadline = Field(default_factory=Deadline)
    section: SectionKind = SectionKind.TASKS
    line: int | None = None  # where the point starts in the cleaned source text


class ParsedPlan(BaseModel):
    kind: PlanKind = PlanKind.PLAN
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    year: int | None = None
    tasks: list[ParsedTask] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    traditional: bool = False  # the source was in Traditional Chinese
    source: str = ""  # file name of the source document
    source_sha256: str = ""

    def public_dict(self) -> dict[str, Any]:
        """The stable JSON shape of `duban parse --format json` (and of the API later)."""
        return {
            "kind": self.kind.value,
            "title": self.title,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "year": self.year,
            "tasks": [
                {
                    "path": task.path,
                    "title": task.title,
                    "body": task.body,
                    "lead_units": task.lead_units,
                    "support_units": task.support_units,
                    "deadline": {
                        "type": task.deadline.type.value,
                        "date": task.deadline.date.isoformat() if task.deadline.date else None,
                        "text": task.deadline.text,
                        "recurrence": task.deadline.recurrence.value if task.deadline.recurrence else None,
                    },
                }
                for task in self.tasks
            ],
            "warnings": self.warnings,
        }
