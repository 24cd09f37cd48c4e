"""督办单: one page per task, sent to its units: the item, the units, the time limit and what is
asked, and under a cut line the reply slip (回执) the lead unit fills in and sends back."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from models.rules.lights import days_overdue
from workflows.documents.common import due_phrase, point_label, units_few, units_text
from workflows.documents.gongwen import Blank, Cell, Document, cn_date, display_width
from workflows.lookback_outline import status_text

BODY_LIMIT = 100  # characters of the task's text on the sheet: it must stay one page
TITLE_LIMIT = 60
UNITS_IN_HALF = 22  # characters of unit names that fit two lines of a half-width cell
UNITS_IN_FULL = 29  # characters of a line across the form


@dataclass
class SheetTask:
    code: str
    plan_title: str
    path: list[str]
    title: str
    body: str
    lead: list[str]
    support: list[str]
    deadline_text: str
    due_date: dt.date | None
    status: str
    progress: int
    note: str  # the latest progress or deferral reason


def sheet_title(task: SheetTask) -> str:
    return f"督办单（{task.code}）"


def render_sheet(task: SheetTask, *, issuer: str, as_of: dt.date, reply_by: dt.date) -> bytes:
    doc = Document(title=sheet_title(task), author=issuer)
    doc.doc.add_paragraph("督  办  单", style="Title")
    doc.paragraph(
        f"督办编号：{as_of.year}-{task.code}\t交办日期：{cn_date(as_of)}", style="Note", align="center"
    )
    late = days_overdue(task.due_date, as_of)
    state = f"{status_text(task.status)}，进度{task.progress}%"
    if late:
        state += f"，已逾期{late}天"
    if task.note:
        state += f"。最近报送：{task.note.strip()}"
    body = task.body.strip() or task.title
    body = clip(body, BODY_LIMIT)
    title = clip(task.title, TITLE_LIMIT)
    label = lambda text: Cell(text, label=True)  # noqa: E731
    doc.form(
        [28, 50, 28, 50],
        [
            [
                label("督办事项"),
                Cell(f"《{clip(task.plan_title, 40)}》{point_label(task.path)}：{title}", span=3),
            ],
            [label("任务内容"), Cell(body, span=3)],
            *unit_rows(task),
            [
                label("完成时限"),
                due_phrase(task.deadline_text, task.due_date, as_of.year),
                label("办理情况"),
                state,
            ],
            [
                label("办理要求"),
                Cell(
                    f"请牵头单位会同配合单位抓紧办理，于{cn_date(reply_by)}前填写回执报送{issuer}；"
                    "逾期未办结且无正当理由的，将予以通报。",
                    span=3,
                ),
            ],
            [label("督办单位"), issuer, label("联系人及电话"), str(Blank("联系人、电话"))],
        ],
        size=12,
    )
    doc.paragraph(
        "－－－－－－－－－－－－（沿此线剪下）－－－－－－－－－－－－", style="Note", align="center"
    )
    doc.doc.add_paragraph("回  执", style="Heading 1").paragraph_format.first_line_indent = 0
    doc.doc.paragraphs[-1].alignment = 1
    doc.form(
        [28, 50, 28, 50],
        [
            [label("督办编号"), f"{as_of.year}-{task.code}", label("承办单位"), units_few(task.lead)],
            [label("督办事项"), Cell(title, span=3)],
            [label("办理情况"), Cell("", span=3)],
            [label("是否办结"), Cell("□已办结　　□未办结（预计完成时间：　　年　　月　　日）", span=3)],
            [label("佐证材料"), Cell("", span=3)],
            [label("承办人"), "", label("联系电话"), ""],
            [label("单位负责人\n（签字）"), "", label("报送日期"), "　　年　　月　　日"],
        ],
        size=12,
        heights_mm=[0, 0, max(18, 36 - 6 * extra_lines(task)), 0, 12, 9, 12],
    )
    return doc.to_bytes()


def unit_rows(task: SheetTask) -> list[list[str | Cell]]:
    """Lead and supporting units side by side, or each across the form when one list is long (a
    point led by eighteen units would otherwise fill half a page one name per line)."""
    lead, support = units_text(task.lead), units_text(task.support, none="—")
    label = lambda text: Cell(text, label=True)  # noqa: E731
    if max(display_width(lead), display_width(support)) <= UNITS_IN_HALF:
        return [[label("牵头单位"), lead, label("配合单位"), support]]
    rows: list[list[str | Cell]] = [[label("牵头单位"), Cell(lead, span=3)]]
    if task.support:
        rows.append([label("配合单位"), Cell(support, span=3)])
    return rows


def extra_lines(task: SheetTask) -> int:
    """Lines the units take beyond the two of the side-by-side row: the reply box gives them back."""
    width = display_width(units_text(task.lead)) + display_width(units_text(task.support, none=""))
    if width <= 2 * UNITS_IN_HALF:
        return 0
    return max(0, math.ceil(width / UNITS_IN_FULL) - 1)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at the limit with an ellipsis (the full text is in the plan)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip("，、；。,;") + "……"
