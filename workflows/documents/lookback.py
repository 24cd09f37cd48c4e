"""The look-back (回头看) as an official document the office finishes and sends up.

Title with the agency and the period; 一、总体情况 (figures and the completion table),
二、主要成效 (by section: what was finished, ongoing work with its latest progress),
三、存在问题 (overdue items with their reasons, lagging units, silent ongoing points),
四、下一步工作打算 (where the unfinished items go). The figures come from the ledger; the prose is
the office's and is left as highlighted 【待补充：…】. The tables are attachments after the
signature: the completion tables, the unfinished items and the ongoing items in landscape, the
units' own summaries and the carry-over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from models.reads.lookback_views import NAMED_DONE, NO_LEAD, Lookback
from models.rules.lights import days_overdue
from models.writes.carry_over_report import CarryOverReport
from workflows.documents.common import (
    COUNT_COLUMNS,
    SHORT_COUNT_COLUMNS,
    agency,
    count_values,
    due_phrase,
    period_text,
    plan_names,
    point_label,
    section_label,
    short_date,
    signer,
    state_text,
    units_few,
    units_text,
)
from workflows.documents.gongwen import Blank, Column, Document, Group, Outline, cn_date, display_width
from workflows.lookback_outline import (
    DEFINITIONS,
    SECTION_KINDS,
    UNIT_NOTE,
    cn_number,
    rate_text,
    reason_text,
    summary_heading,
    summary_meta,
)

LISTED = NAMED_DONE  # items named in the prose of a part; the attachments list them all
LISTED_OVERDUE = 10


@dataclass
class Survey:
    """What the prose says about the long lists, gathered in one pass over each: counts and the
    first few items it names. The lists themselves may be read from the database as they are gone
    through (models.reads.long_lists.Items), so nothing here keeps more than a few items of each."""

    # Per section, the text the prose gives for the first LISTED done items and ongoing items with
    # a note (a big ledger has thousands of sections: their text only, not the items, is kept).
    done: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    done_count: Counter[tuple[str, str]] = field(default_factory=Counter)  # per section: all
    reported: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    reported_count: int = 0
    silent: list[Any] = field(default_factory=list)  # ongoing without a note, not done
    silent_count: int = 0
    deferred: int = 0
    overdue: list[Any] = field(default_factory=list)  # the first LISTED_OVERDUE
    overdue_count: int = 0
    orphans: int = 0  # overdue with no lead unit
    open_count: int = 0  # unfinished but not ongoing
    carried: bool = False
    # The widest cell (display_width) of each fitted column of the attachments' lists, by column
    # index, measured in this pass: the tables then go through their lists once more, not twice.
    unfinished_widest: dict[int, float] = field(default_factory=dict)
    ongoing_widest: dict[int, float] = field(default_factory=dict)


class _Made(dict[Any, Any]):
    """key -> `make(*key)` (`make(key)` when `spread` is false), made on first use. A long list's
    columns hold a few values over thousands of rows (paths, states, dates, deadlines): each
    distinct one is worked out (and measured) once, while at most _MADE of them are kept."""

    def __init__(self, make: Callable[..., Any], *, spread: bool = False) -> None:
        super().__init__()
        self.make, self.spread = make, spread

    def __missing__(self, key: Any) -> Any:
        if len(self) >= _MADE:
            self.clear()
        made = self[key] = self.make(*key) if self.spread else self.make(key)
        return made


def _measured(text: Callable[..., Any]) -> Callable[..., float]:
    """The display_width of what `text` gives, as column_widths measures a cell."""
    return lambda *key: display_width(str(text(*key)))


_MADE = 2_000


def _widths(columns: dict[int, float]) -> dict[int, float]:
    """Each fitted column's widest cell by column index, as Survey keeps them: a column whose
    cells are all empty is left out (column_widths reads it as 0)."""
    return {index: width for index, width in columns.items() if width > 0.0}


def survey(lookback: Lookback) -> Survey:
    found = Survey()
    year = lookback.year
    # The lists in the order the look-back reads them (lookback_processes.FORMAT_LISTS): a helper
    # following their files goes through each as it comes, not waiting for the last one first.
    # The fitted columns of _attachment_unfinished's rows (序号, 编号, 序号路径, 进展状态, 最近更新
    # and, when there is one, 转入整改).
    codes = path_widest = state_widest = date_widest = carried = 0.0
    paths = _Made(_measured(point_label))
    dates = _Made(_measured(partial(short_date, year=year)))
    states = _Made(_measured(state_text), spread=True)
    for item in lookback.unfinished:
        code = item.code
        width = 0.5 * len(code) if type(code) is str and code.isascii() else display_width(str(code))
        if width > codes:
            codes = width
        width = paths[tuple(item.path)]
        if width > path_widest:
            path_widest = width
        category, status = item.category, item.status
        width = states[category, status, item.progress]
        if width > state_widest:
            state_widest = width
        width = dates[item.last_update]
        if width > date_widest:
            date_widest = width
        if item.carried_to:
            found.carried = True
            width = display_width(str(item.carried_to))
            if width > carried:
                carried = width
        found.deferred += status == "deferred"
        found.open_count += category != "ongoing"
        if category == "overdue":
            found.overdue_count += 1
            found.orphans += not item.lead
            if len(found.overdue) < LISTED_OVERDUE:
                found.overdue.append(item)
    count = len(lookback.unfinished)
    found.unfinished_widest = _widths(
        {
            0: display_width(str(count)) if count else 0.0,
            1: codes,
            2: path_widest,
            6: state_widest,
            7: date_widest,
            9: carried,
        }
    )
    # The fitted columns of _attachment_ongoing's rows (序号, 编号, 序号路径, 最近更新): the
    # numbers are measured once, by the last (the widest), the codes as they come (each distinct).
    codes = path_widest = date_widest = 0.0
    paths = _Made(_measured(point_label))
    dates = _Made(_measured(partial(short_date, year=year)))
    for entry in lookback.ongoing:
        code = entry.code
        width = 0.5 * len(code) if type(code) is str and code.isascii() else display_width(str(code))
        if width > codes:
            codes = width
        width = paths[tuple(entry.path)]
        if width > path_widest:
            path_widest = width
        width = dates[entry.last_update]
        if width > date_widest:
            date_widest = width
        if entry.note:
            found.reported_count += 1
            few = found.reported.setdefault((entry.plan, entry.path[0]), [])
            if len(few) < LISTED:
                few.append(f"{entry.title}：{entry.note.strip().rstrip('。')}。")
        elif entry.status != "done":
            found.silent_count += 1
            if len(found.silent) < LISTED:
                found.silent.append(entry)
    count = len(lookback.ongoing)  # known once the list has been gone through: no query
    found.ongoing_widest = _widths(
        {0: display_width(str(count)) if count else 0.0, 1: codes, 2: path_widest, 6: date_widest}
    )
    # The first few done items of each section (done_named: only those are read), the rest counted
    # from the sections' counts; or every done item, counted as it comes.
    named = lookback.done_named
    for item in lookback.done if named is None else named:
        key = (item.plan, item.path[0])
        if named is None:
            found.done_count[key] += 1
        few = found.done.setdefault(key, [])
        if len(few) < LISTED:
            few.append(f"{item.title}（{units_text(item.lead)}）")
    if named is not None:
        for section in lookback.sections:
            found.done_count[(section.plan, section.label)] += section.counts.done
    return found


class Grouped:
    """A long list's table rows, under a group row per plan when the look-back covers several
    plans: made as they are read, each time the table goes through them."""

    def __init__(self, lookback: Lookback, items: Any, row: Any) -> None:
        self.lookback, self.items, self.row = lookback, items, row

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Any]:
        titles = {p.key: p.title or p.key for p in self.lookback.plans}
        several = len(self.lookback.plans) > 1
        current = None
        for number, item in enumerate(self.items, start=1):
            if several and item.plan != current:
                current = item.plan
                yield Group(f"《{titles.get(item.plan, item.plan)}》")
            yield self.row(number, item)


def report_title(lookback: Lookback, issuer: str | None = None) -> str:
    """The agency, the period and the subject: 吉林省市场监督管理厅2021年政务公开工作要点落实情况回头看报告."""
    who = agency(lookback, issuer)
    if lookback.plan:
        subject = lookback.plans[0].title or lookback.plan
        if str(lookback.year) not in subject:
            subject = f"{lookback.year}年{subject}"
        if who and who not in subject:
            subject = f"{who}{subject}"
    else:
        subject = f"{who}{lookback.year}年度工作任务"
    return f"{subject}落实情况回头看报告"


def render_lookback(
    lookback: Lookback, *, issuer: str | None = None, carried: CarryOverReport | None = None
) -> bytes:
    return lookback_document(lookback, issuer=issuer, carried=carried).to_bytes()


def lookback_document(
    lookback: Lookback, *, issuer: str | None = None, carried: CarryOverReport | None = None
) -> Document:
    """The document, its long tables still to be read (when it is saved)."""
    title = report_title(lookback, issuer)
    doc = Document(title=title, author=signer(lookback, issuer))
    doc.title(title, period_text(lookback))
    outline = Outline()
    found = survey(lookback)
    _overall(doc, outline, lookback, found)
    _achievements(doc, outline, lookback, found)
    _problems(doc, outline, lookback, found)
    _next_steps(doc, outline, lookback, carried, found)
    attachments: list[tuple[str, Any]] = [
        ("完成情况统计表", _attachment_counts),
        (
            "未完成事项清单",
            partial(_attachment_unfinished, carried=found.carried, widest=found.unfinished_widest),
        ),
        ("持续推进事项进展情况", partial(_attachment_ongoing, widest=found.ongoing_widest)),
    ]
    if lookback.summaries:
        attachments.append(("各单位落实情况总结", _attachment_summaries))
    if carried is not None and not carried.dry_run and carried.plans:
        attachments.append(("转入整改情况", partial(_attachment_carried, carried=carried)))
    doc.attachment_note([name for name, _ in attachments])
    doc.signature(signer(lookback, issuer), lookback.as_of)
    for number, (name, write) in enumerate(attachments, start=1):
        write(doc, lookback, number=number, name=name)
    return doc


# --- The body --------------------------------------------------------------------------------


def _overall(doc: Document, outline: Outline, lookback: Lookback, found: Survey) -> None:
    t = lookback.totals
    doc.heading(1, outline.next(1) + "总体情况")
    year = lookback.year
    if lookback.plan:
        doc.paragraph(f"{year}年，{plan_names(lookback)}共部署任务{t.total + t.cancelled}项。")
    else:
        doc.paragraph(
            f"{year}年，共部署工作计划{len(lookback.plans)}项（{plan_names(lookback)}），"
            f"分解任务{t.total + t.cancelled}项。"
        )
    text = (
        f"截至{cn_date(lookback.as_of)}，有明确完成时限的任务{t.dated}项，已完成{t.done}项，"
        f"完成率{rate_text(t)}；逾期未完成{t.overdue}项，推进中{t.in_progress}项，未开始{t.not_started}项。"
    )
    if t.ongoing:
        reported = found.reported_count
        text += (
            f"另有持续推进事项{t.ongoing}项（长期坚持、持续推进或定期开展，无截止日期），单独统计，"
            f"不计入完成率，其中{reported}项报送了最新进展。"
        )
    if t.cancelled:
        text += f"已取消{t.cancelled}项，不计入统计。"
    doc.paragraph(text)
    rows: list[Any] = []
    if len(lookback.plans) > 1:
        first = Column("计划", weight=1, align="left")
        rows = [[p.title or p.key, *count_values(p.counts, short=True)] for p in lookback.plans]
    else:
        first = Column("部分", weight=1, align="left")
        rows = [
            [section_label(s.label, s.title), *count_values(s.counts, short=True)] for s in lookback.sections
        ]
    rows.append(["合计", *count_values(t, short=True)])
    doc.table([first, *SHORT_COUNT_COLUMNS], rows)
    doc.paragraph(
        "完成率 = 已完成 ÷ 有时限任务；持续推进事项单列，不计入完成率。统计口径和分单位情况见附件1。"
    )
    doc.paragraph(Blank("全年工作的总体情况：组织领导、工作机制、推进措施和总体评价"))


def _achievements(doc: Document, outline: Outline, lookback: Lookback, found: Survey) -> None:
    doc.heading(1, outline.next(1) + "主要成效")
    # A part per section, thousands on a big ledger: written as XML when the document is saved.
    # The later parts number their headings from 一、 on, so this part numbers its own.
    doc.stream(_achievement_paragraphs(doc, Outline(list(outline.counters)), lookback, found))


def _achievement_paragraphs(
    doc: Document, outline: Outline, lookback: Lookback, found: Survey
) -> Iterator[str]:
    several = len(lookback.plans) > 1
    titles = {p.key: p.title or p.key for p in lookback.plans}
    current_plan = None
    for section in lookback.sections:
        if several and section.plan != current_plan:
            current_plan = section.plan
            yield doc.heading_xml(2, outline.next(2) + f"《{titles[section.plan]}》落实情况")
        level = 3 if several else 2
        yield doc.heading_xml(
            level, outline.next(level) + (section.title or section_label(section.label, ""))
        )
        c = section.counts
        figures = f"本部分任务{c.total}项，已完成{c.done}项"
        if c.ongoing:
            figures += f"，持续推进{c.ongoing}项"
        if c.unfinished - c.ongoing:
            figures += f"，尚未完成{c.unfinished - c.ongoing}项"
        yield doc.paragraph_xml(figures + "。")
        finished = found.done.get((section.plan, section.label), [])
        if finished:
            names = "；".join(finished[:LISTED])
            count = found.done_count[(section.plan, section.label)]
            more = f"等{count}项" if count > LISTED else ""
            yield doc.paragraph_xml(f"已完成：{names}{more}。")
        reported = found.reported.get((section.plan, section.label), [])
        for text in reported[:LISTED]:
            yield doc.paragraph_xml(text)
        yield doc.paragraph_xml(Blank("本部分工作的主要做法、取得的成效和典型经验"))


def _problems(doc: Document, outline: Outline, lookback: Lookback, found: Survey) -> None:
    t = lookback.totals
    doc.heading(1, outline.next(1) + "存在问题")
    deferred = found.deferred
    doc.paragraph(
        f"截至{cn_date(lookback.as_of)}，逾期未完成{t.overdue}项，未开始{t.not_started}项，"
        f"推进中{t.in_progress}项" + (f"，其中申请延期{deferred}项" if deferred else "") + "。"
    )
    overdue = found.overdue
    doc.heading(2, outline.next(2) + "逾期未完成事项")
    if not overdue:
        doc.paragraph("无逾期未完成事项。")
    for item in overdue[:LISTED_OVERDUE]:
        late = days_overdue(item.due_date, lookback.as_of)
        reason = reason_text(item.reason, item.reason_kind)
        doc.paragraph(
            f"{outline.next(3)}{item.title}（{point_label(item.path)}，牵头单位：{units_few(item.lead)}；"
            f"完成时限：{due_phrase(item.deadline_text, item.due_date, lookback.year)}，已逾期{late}天）。"
            + ("未报送原因。" if reason == "（未报送）" else f"{reason.rstrip('。')}。")
        )
    if found.overdue_count > LISTED_OVERDUE:
        doc.paragraph(f"其余{found.overdue_count - LISTED_OVERDUE}项见附件2。")
    doc.heading(2, outline.next(2) + "进度滞后的单位")
    behind = [u for u in lookback.units if u.counts.overdue and u.unit != NO_LEAD]
    if behind:
        doc.paragraph(
            "有逾期未完成任务的牵头单位："
            + "、".join(f"{u.unit}（{u.counts.overdue}项）" for u in behind)
            + "。"
        )
    else:
        doc.paragraph("各牵头单位均无逾期未完成任务。")
    orphans = found.orphans
    if orphans:
        doc.paragraph(f"另有{orphans}项逾期任务未明确牵头单位，需明确责任单位。")
    silent = found.silent
    if silent:
        doc.heading(2, outline.next(2) + "持续推进事项报送情况")
        names = "；".join(e.title for e in silent[:LISTED]) + (
            f"等{found.silent_count}项" if found.silent_count > LISTED else ""
        )
        doc.paragraph(f"{found.silent_count}项持续推进事项本年未报送进展：{names}。")
    doc.paragraph(Blank("问题产生的原因分析（主观原因和客观原因）"))


def _next_steps(
    doc: Document, outline: Outline, lookback: Lookback, carried: CarryOverReport | None, found: Survey
) -> None:
    doc.heading(1, outline.next(1) + "下一步工作打算")
    open_items = found.open_count
    if carried is not None and not carried.dry_run and carried.plans:
        target = carried.plans[0]
        doc.paragraph(
            f"对{carried.created + carried.skipped}项未完成事项，已转入《{target.title}》，"
            "逐项明确责任单位和完成时限，纳入督办，办结销号。"
        )
    elif open_items:
        doc.paragraph(
            f"对{open_items}项未完成事项，拟转入{lookback.year + 1}年度整改清单，"
            "逐项明确责任单位和完成时限，纳入督办，办结销号。"
        )
    if lookback.totals.ongoing:
        doc.paragraph("持续推进事项按月调度进展，常态化推进。")
    doc.paragraph(Blank("下一步工作措施：健全机制、压实责任、加强督办等"))


# --- The attachments -------------------------------------------------------------------------


def _attachment_counts(doc: Document, lookback: Lookback, *, number: int, name: str) -> None:
    doc.attachment(number, name, landscape=True)
    sub = Outline()
    doc.heading(2, sub.next(2) + "按计划统计")
    rows: list[Any] = [[p.title or p.key, *count_values(p.counts)] for p in lookback.plans]
    rows.append(["合计", *count_values(lookback.totals)])
    doc.table([Column("计划", align="left"), *COUNT_COLUMNS], rows)
    doc.heading(2, sub.next(2) + "按部分统计")
    titles = {p.key: p.title or p.key for p in lookback.plans}
    several = len(lookback.plans) > 1
    section_rows: list[Any] = []
    for section in lookback.sections:
        if several and (not section_rows or section_rows[-1][-1] != section.plan):
            section_rows.append([Group(f"《{titles[section.plan]}》"), section.plan])
        section_rows.append(
            [
                section_label(section.label, section.title),
                SECTION_KINDS.get(section.kind, section.kind),
                *count_values(section.counts),
                section.plan,
            ]
        )
    doc.table(
        [Column("部分", align="left"), Column("类别", fit=True), *COUNT_COLUMNS],
        [row[0] if isinstance(row[0], Group) else row[:-1] for row in section_rows],
    )
    doc.heading(2, sub.next(2) + "按牵头单位统计")
    doc.table(
        [Column("牵头单位", align="left"), *COUNT_COLUMNS],
        [[u.unit, *count_values(u.counts)] for u in lookback.units],
    )
    doc.paragraph(UNIT_NOTE, style="Note")
    doc.paragraph(DEFINITIONS, style="Note")


def _attachment_unfinished(
    doc: Document,
    lookback: Lookback,
    *,
    number: int,
    name: str,
    carried: bool,
    widest: dict[int, float] | None = None,
) -> None:
    doc.attachment(number, name, landscape=True)
    year = lookback.year
    columns = [
        Column("序号", fit=True),
        Column("编号", fit=True),
        Column("序号路径", fit=True),
        Column("任务", weight=2.6, align="left"),
        Column("牵头单位", weight=2.2),
        Column("完成时限", weight=1.2),
        Column("进展状态", fit=True, max_chars=7),
        Column("最近更新", fit=True),
        Column("原因或进展", weight=3, align="left"),
    ]
    if carried:
        columns.append(Column("转入整改", fit=True))

    # Each distinct deadline, state and date worked out once (thousands of rows share them).
    dues = _Made(partial(due_phrase, year=year), spread=True)
    states = _Made(state_text, spread=True)
    dates = _Made(partial(short_date, year=year))

    def row(n: int, item: Any) -> list[Any]:
        values = [
            n,
            item.code,
            point_label(item.path),
            item.title,
            units_text(item.lead),
            dues[item.deadline_text, item.due_date],
            states[item.category, item.status, item.progress],
            dates[item.last_update],
            reason_text(item.reason, item.reason_kind),
        ]
        return [*values, item.carried_to or ""] if carried else values

    doc.table(columns, Grouped(lookback, lookback.unfinished, row), empty="无未完成事项。", widest=widest)
    doc.paragraph(
        f"共{len(lookback.unfinished)}项（未办结的全部任务，含持续推进事项）。原因或进展取最近一次报送的延期原因或进展情况。",
        style="Note",
    )


def _attachment_ongoing(
    doc: Document, lookback: Lookback, *, number: int, name: str, widest: dict[int, float] | None = None
) -> None:
    doc.attachment(number, name, landscape=True)
    year = lookback.year
    columns = [
        Column("序号", fit=True),
        Column("编号", fit=True),
        Column("序号路径", fit=True),
        Column("任务", weight=3, align="left"),
        Column("牵头单位", weight=2),
        Column("时限表述", weight=1),
        Column("最近更新", fit=True),
        Column("最新进展", weight=4, align="left"),
    ]

    dates = _Made(partial(short_date, year=year))

    def row(n: int, item: Any) -> list[Any]:
        return [
            n,
            item.code,
            point_label(item.path),
            item.title,
            units_text(item.lead),
            item.deadline_text or "—",
            dates[item.last_update],
            item.note or "（未报送进展）",
        ]

    doc.table(columns, Grouped(lookback, lookback.ongoing, row), empty="无持续推进事项。", widest=widest)


def _attachment_summaries(doc: Document, lookback: Lookback, *, number: int, name: str) -> None:
    doc.attachment(number, name)
    for index, row in enumerate(lookback.summaries, start=1):
        doc.heading(2, f"（{cn_number(index)}）{summary_heading(row)}")
        for line in row.text.splitlines():
            if line.strip():
                doc.paragraph(line.strip())
        doc.paragraph(summary_meta(row), style="Note")


def _attachment_carried(
    doc: Document, lookback: Lookback, *, number: int, name: str, carried: CarryOverReport
) -> None:
    doc.attachment(number, name)
    for target in carried.plans:
        doc.paragraph(
            f"{len(target.created)}项未完成事项转入《{target.title}》"
            + (f"，另有{target.skipped}项此前已转入" if target.skipped else "")
            + "。"
        )
        if target.created:
            doc.table(
                [Column("原任务编号", fit=True), Column("整改任务编号", fit=True)],
                [list(pair) for pair in target.created],
            )
