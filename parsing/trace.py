"""Why each line of a document became what it became: the record behind `duban parse --explain`.

The parser fills a Trace when given one (parsing.plan.parse_text): noise and why, the title, the
points with their paths and repairs, the unit clauses with the roles read from them, the deadlines,
table rows and their columns, and the body text each point keeps — every detail in Chinese, for the
clerk. parsing.explain renders it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from models.plan import DeadlineType, ParsedTask, SectionKind
from parsing.cleaning import NOISE_REASONS
from parsing.header import is_date_line, is_signature_line

if TYPE_CHECKING:
    from parsing.structure import Node
    from parsing.tables import Row
    from parsing.units import UnitRefs


class _Line(Protocol):
    no: int
    text: str
    norm: str


_ROLE_NAMES = {
    "seq": "序号",
    "task": "任务",
    "body": "具体内容",
    "units": "责任单位",
    "lead": "牵头单位",
    "support": "配合单位",
    "deadline": "完成时限",
    "group": "分类",
    "remark": "备注",
    "other": "其他",
}
_DEADLINE_NAMES = {
    DeadlineType.DATE: "具体日期",
    DeadlineType.PERIOD_END: "期末",
    DeadlineType.RECURRING: "周期性",
    DeadlineType.ONGOING: "长期",
    DeadlineType.NONE: "无",
}
_SECTION_NAMES = {
    SectionKind.TASKS: "",
    SectionKind.REQUIREMENTS: "（总体要求类，不计入台账任务）",
    SectionKind.SAFEGUARDS: "（保障措施类）",
}


_NOTICE_MAX = 80  # a notice's title line; a longer line that cites 印发 is prose


@dataclass
class Entry:
    no: int  # line number in the document
    order: int  # position among the document's lines (several pieces may share a line number)
    text: str
    label: str
    detail: str = ""


@dataclass
class Trace:
    entries: list[Entry] = field(default_factory=list)

    def add(self, no: int, text: str, label: str, detail: str = "") -> None:
        self.entries.append(Entry(no, len(self.entries), text, label, detail))

    def noise(self, no: int, text: str, kind: str) -> None:
        self.add(no, text, "噪声", f"去掉：{NOISE_REASONS.get(kind, kind)}")

    def head(self, lines: Sequence[_Line], title_line: int | None) -> None:
        for index, line in enumerate(lines):
            if index == title_line:
                self.add(line.no, line.text, "标题", "文件标题")
            elif "印发" in line.norm and ("现将" in line.norm or len(line.norm) <= _NOTICE_MAX):
                self.add(line.no, line.text, "文头", "印发通知（不是任务）")
            elif is_date_line(line.norm) or is_signature_line(line.norm):
                self.add(line.no, line.text, "文头", "发文机关或日期")
            else:
                self.add(line.no, line.text, "文头", "第一个编号条目之前的文字（不是任务）")

    def tail(self, lines: Sequence[_Line]) -> None:
        for line in lines:
            self.add(line.no, line.text, "落款", "落款、日期或附件说明（不属于任何任务）")

    def report(self, lines: Sequence[_Line]) -> None:
        for line in lines:
            self.add(line.no, line.text, "报告正文", "这是一份报告，不生成任务")

    def table_header(self, lines: Sequence[_Line], roles: list[str]) -> None:
        columns = "｜".join(_ROLE_NAMES.get(role, role) for role in roles)
        for line in lines:
            self.add(line.no, line.text, "表头", f"任务表的列：{columns}")

    def row(self, row: Row, task: ParsedTask) -> None:
        self.add(row.line, row.task, "任务", f"表格行 {' > '.join(task.path)}：{_describe(task)}")

    def table_rest(self, lines: Sequence[_Line], row_lines: Collection[int]) -> None:
        taken = {entry.no for entry in self.entries if entry.label == "任务"}
        for line in lines:
            if line.no in taken:
                continue
            if line.no in row_lines:
                self.add(line.no, line.text, "分组", "表格中的分组行，给下面各行的路径加上分组编号")
            else:
                self.add(line.no, line.text, "正文", "表格中的续行，并入上一行")

    def point(self, leaf: Node, task: ParsedTask, units: UnitRefs, covers: Sequence[str] = ()) -> None:
        """A leaf point's lines; `covers`: the paths a closing units line of this point applies to."""
        numbers = [leaf.line, *leaf.line_numbers]
        texts = [leaf.head, *(text for text, _ in leaf.lines)]
        offset = 0
        for index, (no, text) in enumerate(zip(numbers, texts, strict=True)):
            start, end = offset, offset + len(text)  # the line's span in the point's text
            offset = end + 1
            labels: list[tuple[str, str]] = []
            if index == 0:
                repaired = leaf.marker.damaged or (leaf.value != leaf.marker.value)
                note = f"；原编号“{leaf.marker.raw}”按顺序读作{leaf.label}" if repaired else ""
                path = " > ".join(task.path)
                section = _SECTION_NAMES[task.section]
                labels.append(
                    ("任务", f"{path}：{task.title}{section}{note}；{_units(task)}；时限：{_deadline(task)}")
                )
            if any(s < end and start < e for s, e in units.spans):
                shared = f"（适用于{'、'.join(covers)}）" if covers else ""
                labels.append(("责任单位", _units(task) + shared))
            if task.deadline.text and task.deadline.text in text:
                labels.append(("完成时限", _deadline(task)))
            if not labels:
                labels.append(("正文", f"属于 {' > '.join(task.path)}"))
            for label, detail in labels:
                self.add(no, text if index else f"{leaf.marker.raw}{text}", label, detail)

    def heading(self, node: Node) -> None:
        path = " > ".join(node.path)
        self.add(
            node.line, f"{node.marker.raw}{node.head}", "层级标题", f"{path}：下面有编号条目，本身不是任务"
        )
        for no, (text, _) in zip(node.line_numbers, node.lines, strict=True):
            self.add(no, text, "正文", f"属于层级标题 {path}")


def _units(task: ParsedTask) -> str:
    lead = "、".join(task.lead_units) or "无"
    support = "、".join(task.support_units) or "无"
    return f"牵头：{lead}；配合：{support}"


def _deadline(task: ParsedTask) -> str:
    deadline = task.deadline
    kind = _DEADLINE_NAMES[deadline.type]
    date = f" {deadline.date.isoformat()}" if deadline.date else ""
    return f"{kind}{date}（原文“{deadline.text}”）" if deadline.text else kind


def _describe(task: ParsedTask) -> str:
    return f"{task.title}；{_units(task)}；完成时限：{_deadline(task)}"
