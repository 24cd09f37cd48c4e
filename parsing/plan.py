"""Document text -> parsed plan: the parser's one entry point.

Pipeline: read -> clean (noise out, one-line bodies split into paragraphs) -> Simplified shadow for
matching -> a task table, or the outline chosen over the whole sequence of marker candidates ->
the document's own header (title, kind, year) -> one ParsedTask per leaf point or table row, with
its units and deadline. Pure: no database, no Prefect, nothing written. With a Trace, every line's
fate is recorded for `duban parse --explain`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from models.errors import BadInput
from models.plan import Deadline, DeadlineType, ParsedPlan, ParsedTask, PlanKind, SectionKind
from models.vocabulary.i18n import _
from parsing.cleaning import clean_text
from parsing.deadlines import find_deadline
from parsing.header import is_date_line, is_signature_line, is_title_line, read_header
from parsing.inline import split_inline_points
from parsing.numbering import Marker, match_marker
from parsing.reading import read_document
from parsing.script import is_traditional, to_simplified
from parsing.sentences import split_title
from parsing.structure import Node, Outline, outline_from
from parsing.tables import Row, Table, find_header, parse_table
from parsing.trace import Trace
from parsing.units import UnitRefs, find_units, first_listed_leads, split_unit_list

_REQUIREMENTS = (
    "总体要求",
    "指导思想",
    "工作目标",
    "基本原则",
    "主要目标",
    "目标任务",
    "总体目标",
    "工作原则",
    "总体思路",
)
_SAFEGUARDS = (
    "保障措施",
    "工作要求",
    "组织保障",
    "组织实施",
    "工作保障",
    "保障机制",
    "有关要求",
    "工作措施",
    "实施步骤",
)

# Lines that close an official document after its signature: attachments, copy lists, print notes.
_CLOSING = re.compile(
    r"^[（(]?(?:附件|抄送|抄报|印发|此件|联系人|联系电话|信息公开选项|公开方式)|.{0,30}\d{4}年\d{1,2}月\d{1,2}日印发$"
)


@dataclass
class _Line:
    no: int
    text: str
    norm: str  # Simplified form of text (the same string for Simplified documents)


def parse_document(path: str | Path, *, known_units: Collection[str] = ()) -> ParsedPlan:
    """Read and parse one document file; BadInput names the file when it cannot be used."""
    return parse_text(read_document(path), source=str(path), known_units=known_units)


def parse_text(
    text: str, *, source: str = "<input>", known_units: Collection[str] = (), trace: Trace | None = None
) -> ParsedPlan:
    """The parsed plan of one document's text. `known_units` (the registry's names and aliases, in
    Simplified Chinese) helps recognise units in prose; the parser works without it."""
    cleaned = clean_text(text)
    if trace is not None:
        for line, kind in cleaned.dropped:
            trace.noise(line.no, line.text, kind)
    if not cleaned.lines:
        raise BadInput(
            _("no text left once the web page's clutter is removed: this is not a work plan"),
            code="document.no_plan_text",
            source=source,
        )
    traditional = is_traditional("\n".join(line.text for line in cleaned.lines))
    lines = [
        _Line(line.no, line.text, to_simplified(line.text) if traditional else line.text)
        for line in cleaned.lines
    ]
    plan = ParsedPlan(traditional=traditional, warnings=list(cleaned.repairs))
    known = frozenset(known_units)
    # A document may state its own rule for units: `排在第一位的为牵头单位`.
    first_leads = first_listed_leads("\n".join(x.norm for x in lines))

    # The tasks are the rows of a task table whose rows are numbered, else the outline's points (an
    # unnumbered table inside a point is that point's text); a table with no numbers and no outline
    # around it is still the task list, numbered in order.
    lines = _inline(lines, known)
    content, tail = _split_signature(lines)
    markers = [match_marker(x.norm) for x in content]
    outline = outline_from([(x.no, x.text, x.norm) for x in content], markers, _boundaries(content, markers))
    found = find_header([line.norm for line in content])
    table: Table | None = None
    if found is not None:
        table = parse_table([(x.no, x.norm) for x in content[found.end :]], found.roles, found.layout)
        if not table.numbered and outline.roots:
            table, found = None, None
    if found is not None:
        head, body = content[: found.index], content[found.end :]
    else:
        first = outline.first_line if outline.first_line is not None else len(content)
        head, body = content[:first], content[first:]
    # The opening prose of a body (a table's rows are no prose: their dates are deadlines).
    opening = " ".join(x.norm for x in body[:3]) if table is None else ""
    header = read_header(
        [(x.text, x.norm) for x in head],
        [(x.text, x.norm) for x in tail],
        cleaned.meta,
        opening,
        "\n".join(x.norm for x in lines),
    )
    plan.title, plan.issuer, plan.doc_number, plan.year = (
        header.title,
        header.issuer,
        header.doc_number,
        header.year,
    )
    if trace is not None:
        trace.head(head, header.title_line)
        trace.tail(tail)
    if header.is_report:
        plan.kind = PlanKind.REPORT
        plan.warnings.append("这是一份报告（回顾已做的工作），不是工作计划：不生成任务")
        if trace is not None:
            trace.report(body)
        return plan
    if found is not None and table is not None:
        if trace is not None:
            trace.table_header(content[found.index : found.end], found.roles)
        plan.tasks = _table_tasks(body, table, plan, known, trace, first_leads)
        if any(match_marker(x.norm) for x in head):
            plan.warnings.append(
                f"第{content[found.index].no}行：以任务表为准，表前正文中的编号条目不作为任务"
            )
    else:
        plan.warnings.extend(outline.warnings)
        plan.tasks = _outline_tasks(outline, plan, known, trace, first_leads)
    if not plan.tasks:
        plan.warnings.append("没有找到编号条目：文件不生成任务")
    return plan


def _inline(lines: list[_Line], known: frozenset[str]) -> list[_Line]:
    """Sub-points printed in one paragraph, each with its own unit clause, become lines of their own."""
    out: list[_Line] = []
    for line in lines:
        pieces = split_inline_points(line.norm, known)
        if len(pieces) == 1 or len(line.text) != len(line.norm):
            out.append(line)
            continue
        out.extend(
            _Line(line.no, line.text[start:end].strip(), line.norm[start:end].strip())
            for start, end in pieces
        )
    return out


def _boundaries(lines: list[_Line], markers: list[Marker | None]) -> set[int]:
    """Marker lines that follow a document boundary: since the previous marker, a date line (a
    notice's signature) and then a title line (the plan the notice issues)."""
    found: set[int] = set()
    seen = ""  # "" | "dated" | "titled": what the lines since the previous marker have shown
    for index, (line, marker) in enumerate(zip(lines, markers, strict=True)):
        if marker is not None:
            if seen == "titled":
                found.add(index)
            seen = ""
        elif is_date_line(line.norm):
            seen = "dated"
        elif seen and is_title_line(line.norm):
            seen = "titled"
    return found


def _split_signature(body: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Cut the trailing signature (issuer, date, 附件 lines) off the last point. A short name alone
    at the end, with no date or closing line, is kept: it may be a table's last cell (`各科室`)."""
    end = len(body)
    while end > 1 and (is_signature_line(body[end - 1].norm) or _CLOSING.match(body[end - 1].norm)):
        end -= 1
    dated = any(is_date_line(x.norm) or _CLOSING.match(x.norm) for x in body[end:])
    return (body[:end], body[end:]) if dated else (body, [])


# --- outline points --------------------------------------------------------------------------------


@dataclass
class _Point:
    leaf: Node
    text: str
    norm: str
    units: UnitRefs
    closing_line: bool  # the units came from a line of their own after the point's text
    covers: list[str] = field(default_factory=list)  # paths its closing units line also applies to


def _outline_tasks(
    outline: Outline,
    plan: ParsedPlan,
    known: frozenset[str],
    trace: Trace | None,
    first_leads: bool,
) -> list[ParsedTask]:
    points: list[_Point] = []
    for leaf in outline.leaves():
        text = "\n".join([leaf.head, *(t for t, _ in leaf.lines)])
        norm = "\n".join([leaf.head_norm, *(n for _, n in leaf.lines)])
        units = find_units(norm, known=known)
        points.append(_Point(leaf, text, norm, units, _closes_with_units_line(norm, units)))
    _share_closing_units(points)
    carried: list[tuple[str, str]] = []
    heads: dict[int, UnitRefs] = {}
    tasks = []
    for point in points:
        leaf, text, norm, units = point.leaf, point.text, point.norm, point.units
        if units.empty:
            units = _inherited_units(leaf, known, heads)
        units = _with_carried(units, carried)
        carried += [item for item in units.carry if item not in carried]
        if first_leads:
            units = units.first_leads()
        deadline = _deadline(text, norm, plan.year, clauses=units.spans) or _inherited_deadline(
            leaf, plan.year
        )
        body_text = text
        if units.spans and len(text) == len(norm):
            for start, end in sorted(units.spans, reverse=True):
                body_text = body_text[:start] + body_text[end:]
        # The title is the first sentence of the marker line; a heading line without a full stop
        # is a title of its own, and the lines below it are the body.
        first, _, following = body_text.strip().partition("\n")
        title, rest = split_title(first)
        task = ParsedTask(
            path=leaf.path,
            title=title,
            body="\n".join(part for part in (rest, following.strip()) if part),
            lead_units=[_verbatim(name, text, norm) for name in units.lead],
            support_units=[_verbatim(name, text, norm) for name in units.support],
            units_open_ended=units.open_ended,
            deadline=deadline,
            section=_section(leaf),
            line=leaf.line,
        )
        tasks.append(task)
        if trace is not None:
            trace.point(leaf, task, units, point.covers)
    if trace is not None:
        for node in outline.nodes():
            if node.children:
                trace.heading(node)
    return tasks


def _closes_with_units_line(norm: str, units: UnitRefs) -> bool:
    """The point's units come only from a line of their own after its text (`（责任单位：…）`)."""
    if not units.spans or "\n" not in norm:
        return False
    start, end = units.spans[-1]
    line_start = norm.rfind("\n", 0, start) + 1
    line_end = norm.find("\n", end)
    line_end = len(norm) if line_end < 0 else line_end
    whole_line = not norm[line_start:start].strip() and not norm[end:line_end].strip("。；; ")
    return whole_line and line_start > 0 and len(units.spans) == 1


def _share_closing_units(points: list[_Point]) -> None:
    """A units line after the last sub-point of an item, where the other sub-points name no units of
    their own, closes the item as a whole: every leaf under it carries those units."""
    for point in points:
        if not point.closing_line or point.leaf.parent is None:
            continue
        parent = point.leaf.parent
        siblings = [p for p in points if p.leaf.parent is parent]
        if siblings[-1] is not point or len(siblings) < 2:
            continue
        if all(p.units.empty for p in siblings if p is not point):
            for sibling in siblings[:-1]:
                sibling.units = replace(point.units, span=None, spans=(), carry=())
            point.covers = [" > ".join(p.leaf.path) for p in siblings]


def _with_carried(units: UnitRefs, carried: list[tuple[str, str]]) -> UnitRefs:
    """Units a carry-forward clause of an earlier point (`以下均需各片区配合落实`) adds, with its role."""
    if not carried:
        return units
    lead, support = list(units.lead), list(units.support)
    for name, role in carried:
        if name in lead or name in support:
            continue
        (lead if role == "lead" else support).append(name)
    return replace(units, lead=tuple(lead), support=tuple(support))


def _verbatim(name: str, text: str, norm: str) -> str:
    """The name as the document wrote it (Traditional stays Traditional)."""
    if text == norm or len(text) != len(norm):
        return name
    at = norm.find(name)
    return text[at : at + len(name)] if at >= 0 else name


def _deadline(
    text: str,
    norm: str,
    year: int | None,
    labelled: str | None = None,
    clauses: tuple[tuple[int, int], ...] = (),
) -> Deadline:
    found = find_deadline(norm, year, labelled=labelled, clauses=clauses)
    if found.type is DeadlineType.NONE:
        return found
    # The phrase was found in the Simplified shadow: give it back as the document wrote it.
    at = norm.find(found.text)
    if at >= 0 and len(text) == len(norm) and found.text:
        found.text = text[at : at + len(found.text)]
    return found


def _inherited_units(leaf: Node, known: frozenset[str], heads: dict[int, UnitRefs]) -> UnitRefs:
    """A clause in a heading point's own line covers the points under it."""
    node = leaf.parent
    while node is not None:
        units = _head_units(node, known, heads)
        if not units.empty and units.spans:
            return replace(units, span=None, spans=(), carry=())
        node = node.parent
    return UnitRefs()


def _head_units(node: Node, known: frozenset[str], heads: dict[int, UnitRefs]) -> UnitRefs:
    if id(node) not in heads:  # a heading is asked once per point under it
        heads[id(node)] = find_units(node.head_norm, known=known)
    return heads[id(node)]


def _inherited_deadline(
    leaf: Node, year: int | None, known: frozenset[str], heads: dict[int, UnitRefs]
) -> Deadline:
    """A time labelled in a heading point's own line (`完成时限：…`) covers the points under it; a
    time word merely written in a heading (`确保完成全年目标`) does not."""
    node = leaf.parent
    while node is not None:
        units = _head_units(node, known, heads)
        found = find_deadline(node.head_norm, year, clauses=units.spans, places_only=True)
        if found.type is not DeadlineType.NONE:
            return found
        node = node.parent
    return Deadline()


def _section(leaf: Node) -> SectionKind:
    node = leaf
    while node.parent is not None:
        node = node.parent
    title = split_title(node.head_norm)[0].strip()
    if len(title) <= 12 and any(word in title for word in _REQUIREMENTS):
        return SectionKind.REQUIREMENTS
    if len(title) <= 12 and any(word in title for word in _SAFEGUARDS):
        return SectionKind.SAFEGUARDS
    return SectionKind.TASKS


# --- table rows ------------------------------------------------------------------------------------


def _table_tasks(
    body: list[_Line],
    table: Table,
    plan: ParsedPlan,
    known: frozenset[str],
    trace: Trace | None,
    first_leads: bool,
) -> list[ParsedTask]:
    # The table was read on the Simplified shadow; each cell is given back in the document's script.
    plan.warnings.extend(table.warnings)
    originals = {x.no: x for x in body}
    tasks = []
    for row in table.rows:
        line = originals.get(row.line)
        task = _row_task(row, plan.year, known, line, first_leads)
        tasks.append(task)
        if trace is not None:
            trace.row(row, task)
    if trace is not None:
        trace.table_rest(body, table.row_lines)
    return tasks


def _row_task(
    row: Row, year: int | None, known: frozenset[str], line: _Line | None, first_leads: bool
) -> ParsedTask:
    def original(value: str) -> str:
        if line is None or line.text == line.norm or len(line.text) != len(line.norm):
            return value
        at = line.norm.find(value)
        return line.text[at : at + len(value)] if value and at >= 0 else value

    task_text, body_text = original(row.task), original(row.body) if "\n" not in row.body else row.body
    title, rest = split_title(task_text)
    body = "\n".join(filter(None, [rest, body_text]))
    if row.lead or row.support:
        lead = split_unit_list(row.lead, known=known) if row.lead else UnitRefs()
        support = split_unit_list(row.support, known=known) if row.support else UnitRefs()
        units = UnitRefs(
            named_lead=bool(row.lead),
            lead=(*lead.lead, *lead.support),
            support=tuple(n for n in (*support.lead, *support.support) if n not in lead.lead + lead.support),
            open_ended=lead.open_ended or support.open_ended,
        )
    elif row.units:
        units = split_unit_list(row.units, known=known)
    else:
        units = find_units(f"{row.task}\n{row.body}", known=known)
    if first_leads:
        units = units.first_leads()
    norm = f"{row.task}\n{row.body}"
    deadline = _deadline(norm, norm, year, labelled=row.deadline or None)
    if deadline.text and line is not None:
        deadline.text = original(deadline.text)
    return ParsedTask(
        path=row.path,
        title=title,
        body=body,
        lead_units=[original(name) for name in units.lead],
        support_units=[original(name) for name in units.support],
        units_open_ended=units.open_ended,
        deadline=deadline,
        line=row.line,
    )
