"""Document text -> parsed plan: the parser's one entry point.

Pipeline: read -> clean -> (Traditional -> Simplified shadow for matching) -> header + outline or
task table -> one ParsedTask per leaf point with its units and deadline. Pure: no database, no
Prefect, nothing written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from models.errors import BadInput
from models.plan import Deadline, DeadlineType, ParsedPlan, ParsedTask, PlanKind, SectionKind
from parsing.cleaning import clean_text
from parsing.deadlines import find_deadline
from parsing.header import is_signature_line, read_header
from parsing.numbering import match_marker
from parsing.reading import read_document
from parsing.script import is_traditional, to_simplified
from parsing.sentences import split_title
from parsing.structure import Node, build_outline
from parsing.tables import Row, header_roles, parse_table, split_row
from parsing.units import UnitRefs, find_units, split_unit_list

_REQUIREMENTS = (
    "总体要求",
    "指导思想",
    "工作目标",
    "基本原则",
    "主要目标",
    "目标任务",
    "总体目标",
    "工作原则",
)
_SAFEGUARDS = ("保障措施", "工作要求", "组织保障", "组织实施", "工作保障", "保障机制", "有关要求", "工作措施")


# Lines that close an official document after its signature: attachments, copy lists, print notes.
_CLOSING = re.compile(
    r"^[（(]?(?:附件|抄送|抄报|印发|此件|联系人|联系电话|信息公开选项|公开方式)|.{0,30}\d{4}年\d{1,2}月\d{1,2}日印发$"
)


@dataclass
class _Line:
    no: int
    text: str
    norm: str  # Simplified form of text (the same string for Simplified documents)


def parse_document(path: str | Path) -> ParsedPlan:
    """Read and parse one document file; BadInput names the file when it cannot be used."""
    return parse_text(read_document(path), source=str(path))


def parse_text(text: str, *, source: str = "<input>") -> ParsedPlan:
    cleaned = clean_text(text)
    if not cleaned.lines:
        raise BadInput("no text left after removing web noise: not a work plan", source=source)
    traditional = is_traditional("\n".join(line.text for line in cleaned.lines))
    lines = [
        _Line(line.no, line.text, to_simplified(line.text) if traditional else line.text)
        for line in cleaned.lines
    ]
    plan = ParsedPlan(traditional=traditional, warnings=list(cleaned.repairs))

    table_at = _find_table_header(lines)
    body_start = table_at if table_at is not None else _first_marker(lines)
    head = lines[:body_start] if body_start is not None else lines
    body = lines[body_start:] if body_start is not None else []
    body, tail = _split_signature(body)

    header = read_header([(x.text, x.norm) for x in head], [(x.text, x.norm) for x in tail], cleaned.meta)
    plan.title, plan.issuer, plan.doc_number, plan.year = (
        header.title,
        header.issuer,
        header.doc_number,
        header.year,
    )
    if header.is_report:
        plan.kind = PlanKind.REPORT
        plan.warnings.append("the document is a report (a review of past work), not a plan: no tasks")
        return plan
    if table_at is not None:
        plan.tasks = _table_tasks(body, plan)
        if _first_marker(head) is not None:
            plan.warnings.append(
                f"line {lines[table_at].no}: the task table is taken as the tasks; "
                "numbered points in the text before it are not"
            )
    else:
        plan.tasks = _outline_tasks(body, plan)
    if not plan.tasks:
        plan.warnings.append("no numbered points found: the document yields no tasks")
    return plan


def _find_table_header(lines: list[_Line]) -> int | None:
    for index, line in enumerate(lines):
        cells = split_row(line.norm)
        if cells and header_roles(cells):
            return index
    return None


def _first_marker(lines: list[_Line]) -> int | None:
    return next((i for i, line in enumerate(lines) if match_marker(line.norm)), None)


def _split_signature(body: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Cut the trailing signature (issuer, date, 附件 lines) off the last point."""
    end = len(body)
    while end > 1 and (is_signature_line(body[end - 1].norm) or _CLOSING.match(body[end - 1].norm)):
        end -= 1
    return body[:end], body[end:]


def _outline_tasks(body: list[_Line], plan: ParsedPlan) -> list[ParsedTask]:
    outline = build_outline([(x.no, x.text, x.norm) for x in body])
    plan.warnings.extend(outline.warnings)
    tasks = []
    for leaf in outline.leaves():
        text = "\n".join([leaf.head, *(t for t, _ in leaf.lines)])
        norm = "\n".join([leaf.head_norm, *(n for _, n in leaf.lines)])
        # The deadline first: a labelled 完成时限 often sits inside the units clause cut out below.
        deadline = _deadline(text, norm, plan.year) or _inherited_deadline(leaf, plan.year)
        units = find_units(norm)
        if units.span and len(text) == len(norm):
            start, end = units.span
            text, norm = text[:start] + text[end:], norm[:start] + norm[end:]
        if units.empty:
            units = _inherited_units(leaf)
        # The title is the first sentence of the marker line; a heading line without a full stop
        # is a title of its own, and the lines below it are the body.
        first, _, following = text.strip().partition("\n")
        title, rest = split_title(first)
        body_text = "\n".join(part for part in (rest, following.strip()) if part)
        tasks.append(
            ParsedTask(
                path=leaf.path,
                title=title,
                body=body_text,
                lead_units=list(units.lead),
                support_units=list(units.support),
                units_open_ended=units.open_ended,
                deadline=deadline,
                section=_section(leaf),
                line=leaf.line,
            )
        )
    return tasks


def _deadline(text: str, norm: str, year: int | None, labelled: str | None = None) -> Deadline | None:
    found = find_deadline(norm, year, labelled=labelled)
    if found.type is DeadlineType.NONE:
        return None
    # The phrase was found in the Simplified shadow: give it back as the document wrote it.
    at = norm.find(found.text)
    if at >= 0 and len(text) == len(norm) and found.text:
        found.text = text[at : at + len(found.text)]
    return found


def _inherited_units(leaf: Node) -> UnitRefs:
    node = leaf.parent
    while node is not None:
        units = find_units(node.head_norm)
        if not units.empty:
            return units
        node = node.parent
    return UnitRefs()


def _inherited_deadline(leaf: Node, year: int | None) -> Deadline:
    node = leaf.parent
    while node is not None:
        found = _deadline(node.head, node.head_norm, year)
        if found:
            return found
        node = node.parent
    return Deadline()


def _section(leaf: Node) -> SectionKind:
    node = leaf
    while node.parent is not None:
        node = node.parent
    title = split_title(node.head_norm)[0].strip()
    if len(title) <= 10 and any(word in title for word in _REQUIREMENTS):
        return SectionKind.REQUIREMENTS
    if len(title) <= 10 and any(word in title for word in _SAFEGUARDS):
        return SectionKind.SAFEGUARDS
    return SectionKind.TASKS


def _table_tasks(body: list[_Line], plan: ParsedPlan) -> list[ParsedTask]:
    header_cells = split_row(body[0].norm) or []
    roles = header_roles(header_cells) or []
    # The table is parsed on the original text: cells carry no keywords the parser matches on,
    # and the Simplified shadow is used for units and deadlines below.
    table = parse_table([(x.no, x.text) for x in body[1:]], roles)
    plan.warnings.extend(table.warnings)
    return [_row_task(row, plan.year) for row in table.rows]


def _row_task(row: Row, year: int | None) -> ParsedTask:
    title, rest = split_title(row.task)
    body = "\n".join(filter(None, [rest, row.body]))
    if row.lead or row.support:
        lead = split_unit_list(to_simplified(row.lead)) if row.lead else UnitRefs()
        support = split_unit_list(to_simplified(row.support)) if row.support else UnitRefs()
        units = UnitRefs(
            lead=lead.lead + lead.support,
            support=support.lead + support.support,
            open_ended=lead.open_ended or support.open_ended,
        )
    else:
        units = (
            split_unit_list(to_simplified(row.units)) if row.units else find_units(to_simplified(row.task))
        )
    text = f"{row.task}\n{row.body}"
    deadline = _deadline(text, to_simplified(text), year, labelled=to_simplified(row.deadline) or None)
    return ParsedTask(
        path=row.path,
        title=title,
        body=body,
        lead_units=list(units.lead),
        support_units=list(units.support),
        units_open_ended=units.open_ended,
        deadline=deadline or Deadline(),
        line=row.line,
    )
