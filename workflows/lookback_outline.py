"""What the look-back report says, shared by its three formats: labels, wording, table rows and
the outline of chapters.

Markdown and DOCX lay out the same outline (`chapters`) and the XLSX sheets use the same labels, so
a leader reading the DOCX and a clerk filtering the XLSX never see different numbers or words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.reads.lookback import NO_LEAD, Counts, Lookback
from models.reads.names import path_label
from models.vocabulary import CATEGORIES, SECTIONS, STATUSES
from models.vocabulary.i18n import _
from models.writes.carry_over import CarryOverReport

DEFAULT_ISSUER = "政务公开办"

CATEGORY_LABELS = CATEGORIES  # the words of models.vocabulary
SECTION_KINDS = SECTIONS
COUNT_HEADERS = [
    _("total tasks"),
    *(CATEGORIES[c] for c in ("done", "overdue", "ongoing", "in_progress", "not_started")),
    _("completion rate"),
    _("cancelled (not counted)"),
]
DEFINITIONS = (
    "统计口径：已撤回的任务不计入；已取消的任务单列，不计入任务总数和完成率。其余每项任务只归入一类，"
    "依次判断：已完成；逾期未完成（未办结且到期日早于截至日期，延期任务按延期后的日期判断）；"
    "持续推进（长期坚持、持续推进或定期开展的任务，无截止日期）；推进中（含已延期但未到新期限的任务）；"
    "未开始。各类之和等于任务总数。完成率 = 已完成 ÷（任务总数 − 持续推进），即按有明确完成时限的任务计算；"
    "持续推进事项没有截止日期，单独统计，不计入完成率。"
)
RATE_NOTE = "完成率按有明确完成时限的任务计算，持续推进事项单独统计，不计入完成率。"
UNIT_NOTE = f"按牵头单位统计：一项任务有多个牵头单位的，分别计入各单位；未明确牵头单位的任务计入“{NO_LEAD}”。"


# --- Wording ---------------------------------------------------------------------------------


def report_title(lookback: Lookback) -> str:
    return f"{lookback.title}落实情况回头看报告"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def rate_text(counts: Counts) -> str:
    return "—" if counts.rate is None else f"{counts.rate:.1f}%"


def count_cells(counts: Counts) -> list[Any]:
    return [
        counts.total,
        counts.done,
        counts.overdue,
        counts.ongoing,
        counts.in_progress,
        counts.not_started,
        rate_text(counts),
        counts.cancelled,
    ]


def overview(lookback: Lookback) -> str:
    t = lookback.totals
    plans = f"{len(lookback.plans)}个计划" if lookback.plan is None else "该计划"
    text = (
        f"截至{cn_date(lookback.as_of)}，{plans}共有任务{t.total}项，其中有明确完成时限的{t.dated}项，"
        f"已完成{t.done}项，完成率{rate_text(t)}；逾期未完成{t.overdue}项，推进中{t.in_progress}项，"
        f"未开始{t.not_started}项。持续推进事项{t.ongoing}项，单独统计，不计入完成率。"
    )
    if t.cancelled:
        text += f"另有{t.cancelled}项已取消，不计入统计。"
    carried = sum(1 for item in lookback.unfinished if item.carried_to)
    if carried:
        text += f"未完成事项中已有{carried}项转入整改清单。"
    return text


def issuer_of(lookback: Lookback, issuer: str | None) -> str:
    if issuer:
        return issuer
    found = {p.issuer for p in lookback.plans if p.issuer}
    return found.pop() if len(found) == 1 else DEFAULT_ISSUER


def path_text(path: list[str]) -> str:
    return path_label(path)


def due_text(due: dt.date | None, text: str) -> str:
    if due and text:
        return f"{text}（{due.isoformat()}）"
    return text or (due.isoformat() if due else "—")


def status_text(status: str) -> str:
    return STATUSES.get(status, status)


def reason_text(reason: str, kind: str) -> str:
    if not reason:
        return "（未报送）"
    return f"延期原因：{reason}" if kind == "defer" else reason


def section_name(label: str, title: str) -> str:
    return f"{label} {title}" if title and title != label else label


def plan_rows(lookback: Lookback) -> list[list[Any]]:
    return [[p.title or p.key, p.key, p.year or "", *count_cells(p.counts)] for p in lookback.plans]


def section_rows(lookback: Lookback) -> list[list[Any]]:
    return [
        [
            plan_label(lookback, s.plan),
            s.label,
            s.title,
            SECTION_KINDS.get(s.kind, s.kind),
            *count_cells(s.counts),
        ]
        for s in lookback.sections
    ]


def unit_rows(lookback: Lookback) -> list[list[Any]]:
    return [[u.unit, *count_cells(u.counts)] for u in lookback.units]


def plan_label(lookback: Lookback, key: str) -> str:
    """The short name of a plan of the look-back, for its tables (never the key)."""
    return next((p.name or p.title or p.key for p in lookback.plans if p.key == key), key)


def unfinished_rows(lookback: Lookback) -> list[list[Any]]:
    return [
        [
            number,
            item.code,
            plan_label(lookback, item.plan),
            path_text(item.path),
            item.title,
            "、".join(item.lead) or "—",
            due_text(item.due_date, item.deadline_text),
            CATEGORY_LABELS.get(item.category, item.category),
            f"{status_text(item.status)} {item.progress}%",
            item.last_update.isoformat() if item.last_update else "—",
            reason_text(item.reason, item.reason_kind),
            item.carried_to or "",
        ]
        for number, item in enumerate(lookback.unfinished, start=1)
    ]


UNFINISHED_HEADERS = [
    "序号",
    "任务编号",
    "计划",
    "序号路径",
    "任务",
    "牵头单位",
    "完成时限",
    "类别",
    "状态",
    "最近更新",
    "原因或进展",
    "转入整改",
]


def ongoing_rows(lookback: Lookback) -> list[list[Any]]:
    return [
        [
            number,
            item.code,
            plan_label(lookback, item.plan),
            path_text(item.path),
            item.title,
            "、".join(item.lead) or "—",
            item.deadline_text or "—",
            f"{status_text(item.status)} {item.progress}%",
            item.last_update.isoformat() if item.last_update else "—",
            item.note or "（未报送进展）",
        ]
        for number, item in enumerate(lookback.ongoing, start=1)
    ]


ONGOING_HEADERS = [
    "序号",
    "任务编号",
    "计划",
    "序号路径",
    "任务",
    "牵头单位",
    "时限表述",
    "状态",
    "最近更新",
    "最新进展",
]


def summary_heading(row: Any) -> str:
    scope = f"（{row.plan_title or row.plan}）" if row.plan else "（全年）"
    return f"{row.unit}{scope}"


def summary_meta(row: Any) -> str:
    by = f"，报送人：{row.submitted_by}" if row.submitted_by else ""
    source = f"，来源：{row.source}" if row.source else ""
    return f"报送时间：{row.submitted_at.date().isoformat()}{by}{source}"


def cn_number(number: int) -> str:
    """一, 二 … for chapter and summary numbers."""
    from parsing.numbering import int_to_cn

    return int_to_cn(number)


Block = str | tuple


def chapters(lookback: Lookback, carried: CarryOverReport | None) -> list[tuple[str, list[Block]]]:
    """The report's chapters as (heading, blocks): paragraphs, ("table", headers, rows) and
    ("sub", heading). One outline for Markdown and DOCX, so they never drift apart."""
    totals = ["合计", "", "", *count_cells(lookback.totals)]
    outline: list[tuple[str, list[Block]]] = [
        ("总体情况", [overview(lookback), DEFINITIONS]),
        (
            "各计划完成情况",
            [("table", ["计划", "计划编号", "年度", *COUNT_HEADERS], [*plan_rows(lookback), totals])],
        ),
        (
            "各部分完成情况",
            [("table", ["计划编号", "部分", "标题", "类别", *COUNT_HEADERS], section_rows(lookback))],
        ),
        (
            "各单位完成情况",
            [UNIT_NOTE, ("table", ["牵头单位", *COUNT_HEADERS], unit_rows(lookback))],
        ),
        (
            "未完成事项",
            [
                f"共{len(lookback.unfinished)}项（未办结的全部任务，含持续推进事项），原因取最近一次报送的延期原因或进展情况。",
                ("table", UNFINISHED_HEADERS, unfinished_rows(lookback)),
            ],
        ),
        (
            "持续性事项",
            [
                f"共{len(lookback.ongoing)}项（长期坚持、持续推进或定期开展的任务），列出最近一次报送的进展。",
                ("table", ONGOING_HEADERS, ongoing_rows(lookback)),
            ],
        ),
    ]
    summaries: list[Block] = []
    if not lookback.summaries:
        summaries.append("尚未收到各单位的落实情况总结。")
    for number, row in enumerate(lookback.summaries, start=1):
        summaries.append(("sub", f"（{cn_number(number)}）{summary_heading(row)}"))
        summaries += [line.strip() for line in row.text.splitlines() if line.strip()]
        summaries.append(summary_meta(row))
    outline.append(("各单位落实情况总结", summaries))
    if carried is not None and not carried.dry_run and carried.plans:
        blocks: list[Block] = []
        for target in carried.plans:
            blocks.append(
                f"{len(target.created)}项未完成事项转入《{target.title}》（{target.key}）"
                + (f"，另有{target.skipped}项此前已转入" if target.skipped else "")
                + "。"
            )
            if target.created:
                blocks.append(("table", ["原任务", "整改任务"], [list(pair) for pair in target.created]))
        outline.append(("转入整改情况", blocks))
    return outline
