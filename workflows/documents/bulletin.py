"""督办通报 第N期: completion by lead unit, and the lagging units named with their overdue items.

The office's bulletin on how the tasks stand: a bulletin head (name, issue, issuer, date, red
rule), the title, the figures, a table of the units ranked by completion rate, each unit with
overdue items named with those items and the reasons it gave, and the requirements (dates and any
further demands left to the office, highlighted).
"""

from __future__ import annotations

from typing import Any

from models.reads.lookback_views import NO_LEAD, Lookback, UnfinishedItem
from models.rules.lights import days_overdue
from workflows.documents.common import (
    agency,
    plan_names,
    point_label,
    short_date,
    signer,
    units_few,
    units_text,
)
from workflows.documents.gongwen import Blank, Column, Document, Group, Outline, cn_date, masthead
from workflows.lookback_outline import rate_text, reason_text

OVERDUE_COLUMNS = [
    Column("序号", fit=True),
    Column("事项", weight=2.6, align="left"),
    Column("牵头单位", weight=2.0, align="left"),
    Column("完成时限", fit=True, max_chars=6),
    Column("逾期天数", fit=True),
    Column("进展或原因", weight=2.0, align="left"),
]


def overdue_rows(lookback: Lookback, items: list[UnfinishedItem]) -> list[list[Any] | Group]:
    """The overdue items, most days late first, under a row naming their plan when there are several."""

    def late(item: UnfinishedItem) -> int:
        return days_overdue(item.due_date, lookback.as_of) or 0

    several = len({item.plan for item in items}) > 1
    rows: list[list[Any] | Group] = []
    number = 0
    for plan in lookback.plans:
        mine = sorted((i for i in items if i.plan == plan.key), key=lambda i: (-late(i), i.path))
        if not mine:
            continue
        if several:
            rows.append(Group(plan.title or plan.key))
        for item in mine:
            number += 1
            rows.append(
                [
                    number,
                    f"{item.title}（{point_label(item.path)}）",
                    units_few(item.lead, none="未明确"),
                    short_date(item.due_date, lookback.year),
                    late(item),
                    reason_text(item.reason, item.reason_kind),
                ]
            )
    return rows


def bulletin_title(lookback: Lookback) -> str:
    if lookback.plan:
        return f"关于《{lookback.plans[0].title or lookback.plan}》任务落实情况的通报"
    return f"关于{lookback.year}年度重点工作任务落实情况的通报"


def render_bulletin(lookback: Lookback, *, number: int, issuer: str | None = None) -> bytes:
    title = bulletin_title(lookback)
    who = signer(lookback, issuer)
    doc = Document(title=f"督办通报（{lookback.year}年第{number}期）", author=who)
    masthead(
        doc, "督办通报", f"{lookback.year}年第{number}期", agency(lookback, issuer) or who, lookback.as_of
    )
    doc.title(title)
    doc.paragraph("各有关单位：", indent=False)
    doc.paragraph(
        f"为推动{plan_names(lookback)}各项任务落实落细，现将截至{cn_date(lookback.as_of)}的落实情况通报如下。"
    )
    outline = Outline()
    t = lookback.totals
    doc.heading(1, outline.next(1) + "总体进展")
    text = (
        f"纳入督办的任务{t.total}项，其中有明确完成时限的{t.dated}项，已完成{t.done}项，完成率{rate_text(t)}；"
        f"逾期未完成{t.overdue}项，推进中{t.in_progress}项，未开始{t.not_started}项。"
    )
    if t.ongoing:
        text += f"持续推进事项{t.ongoing}项，按月调度，不计入完成率。"
    doc.paragraph(text)

    doc.heading(1, outline.next(1) + "各单位完成情况")
    doc.paragraph("按牵头单位统计，按完成率由高到低排列（未明确牵头单位的任务列于最后）。")
    # Units leading only 持续推进 points have no rate: named after the table, not given a row.
    unrated = [u.unit for u in lookback.units if not u.counts.dated and u.unit != NO_LEAD]
    units = sorted(
        (u for u in lookback.units if u.counts.dated or u.unit == NO_LEAD),
        key=lambda u: (
            u.unit == NO_LEAD,
            -(u.counts.rate if u.counts.rate is not None else -1),
            u.counts.overdue,
            u.unit,
        ),
    )
    rows = [
        [
            n,
            u.unit,
            u.counts.total,
            u.counts.dated,
            u.counts.done,
            rate_text(u.counts),
            u.counts.overdue,
            u.counts.ongoing,
        ]
        for n, u in enumerate(units, start=1)
    ]
    columns = [
        Column("序号", fit=True),
        Column("牵头单位", align="left"),
        Column("牵头任务", fit=True),
        Column("有时限任务", fit=True),
        Column("已完成", fit=True),
        Column("完成率", fit=True),
        Column("逾期未完成", fit=True),
        Column("持续推进", fit=True),
    ]
    doc.table(columns, rows)
    if unrated:
        doc.paragraph(f"{units_text(unrated)}牵头的均为持续推进事项，按月调度，未列入上表。")

    doc.heading(1, outline.next(1) + "进度滞后的单位和事项")
    overdue = [item for item in lookback.unfinished if item.category == "overdue"]
    by_unit: dict[str, int] = {}
    for item in overdue:
        for name in item.lead or [NO_LEAD]:
            by_unit[name] = by_unit.get(name, 0) + 1
    if not overdue:
        doc.paragraph("截至目前，无逾期未完成任务。")
    else:
        named = sorted((name for name in by_unit if name != NO_LEAD), key=lambda name: (-by_unit[name], name))
        if named:
            doc.paragraph(
                "以下单位牵头的任务逾期未完成，予以通报："
                + "、".join(f"{name}（{by_unit[name]}项）" for name in named)
                + "。"
            )
        if NO_LEAD in by_unit:
            doc.paragraph(f"另有{by_unit[NO_LEAD]}项逾期任务尚未明确牵头单位，请尽快明确责任单位。")
        # Each item once, with all its lead units: a task several units lead is one task late,
        # and listing it under every unit made the bulletin a full listing (13 pages).
        doc.paragraph(f"逾期未完成事项{len(overdue)}项，按逾期天数由多到少排列如下：")
        doc.table(OVERDUE_COLUMNS, overdue_rows(lookback, overdue))

    doc.heading(1, outline.next(1) + "工作要求")
    doc.paragraph(
        f"{outline.next(2)}请进度滞后的单位高度重视，逐项分析原因，制定整改措施，于",
        Blank("日期"),
        f"前将整改措施和办理进展报送{who}。",
    )
    doc.paragraph(
        f"{outline.next(2)}各牵头单位要会同配合单位加强调度，持续推进事项按月报送进展，办结的及时申请销号。"
    )
    doc.paragraph(outline.next(2), Blank("其他工作要求"))
    doc.signature(who, lookback.as_of)
    return doc.to_bytes()
