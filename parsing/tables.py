"""Task tables flattened to text: `序号 | 工作任务 | 责任单位 | 完成时限`.

任务分工方案 often carry their tasks in a table. Copied to text, each row becomes one line of cells
separated by `|` (or tabs). Group rows (`一、重点领域信息公开` alone on a row) name the section the
following rows belong to; ragged rows (a missing or extra cell) are mapped as well as they can be
and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsing.numbering import Scheme, cn_to_int, int_to_cn, match_marker

# Spaces around a separator go with it, but not a tab: `a\t\tb` has an empty cell between.
_SPLIT = re.compile(r"[^\S\t]*[|｜\t][^\S\t]*")

# Column roles by header text; the first matching role wins, checked in this order.
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("seq", re.compile(r"^(?:序号|编号|序|No\.?)$", re.I)),
    ("lead", re.compile(r"牵头|主责")),
    ("support", re.compile(r"配合|协办|参与|协同")),
    ("units", re.compile(r"责任|承办|负责")),
    ("deadline", re.compile(r"时限|时间|期限|节点|进度")),
    ("group", re.compile(r"^(?:类别|领域|重点领域|板块|项目|分类)$")),
    ("task", re.compile(r"任务|事项|工作|内容|措施|要求|目标")),
    ("remark", re.compile(r"备注|说明")),
]
_RULE = re.compile(r"^:?-{2,}:?$")
_NUMBER = re.compile(r"^\d{1,3}[.．、]?$")
_GROUP = re.compile(r"^([一二三四五六七八九十]+)[、.．]")


def split_row(line: str) -> list[str] | None:
    """The cells of a table row, or None when the line is not one."""
    if "|" not in line and "｜" not in line and "\t" not in line:
        return None
    text = line.strip()
    if len(text) > 1 and text[0] in "|｜" and text[-1] in "|｜":
        text = text[1:-1]  # a bordered row `| a | b |`; a lone leading `|` is an empty first cell
    cells = [cell.strip() for cell in _SPLIT.split(text)]
    return cells if len(cells) >= 2 else None


def header_roles(cells: list[str]) -> list[str] | None:
    """Column roles when the row is a task-table header (it must name a task column and a unit or
    time column), else None."""
    roles = []
    for cell in cells:
        name = re.sub(r"\s+", "", cell)
        roles.append(next((role for role, pattern in _ROLES if pattern.search(name)), "other"))
    # A second task-like column holds the details of the first.
    if roles.count("task") > 1:
        first = roles.index("task")
        roles = [("body" if role == "task" and i != first else role) for i, role in enumerate(roles)]
    has_task = "task" in roles
    has_detail = any(role in roles for role in ("units", "lead", "support", "deadline"))
    return roles if has_task and has_detail else None


@dataclass
class Row:
    line: int
    path: list[str]
    task: str
    body: str = ""
    units: str = ""
    lead: str = ""
    support: str = ""
    deadline: str = ""
    group: str = ""  # the text of a 类别/领域 column, when the table has one
    extra: list[str] = field(default_factory=list)


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_table(lines: list[tuple[int, str]], roles: list[str]) -> Table:
    """Rows of a task table, from the lines after its header row."""
    table = Table()
    group: str | None = None
    group_name = ""
    groups_seen = 0
    last_seq = 0
    for number, line, cells in _join_broken_rows(lines, len(roles)):
        if cells is None and _GROUP.match(line.strip()):
            cells = [line.strip()]  # a group row spanning the table: one merged cell, no separators
        if cells is None:
            # A cell broken over lines: the text continues the previous row's task.
            if table.rows and line.strip():
                table.rows[-1].body = "\n".join(filter(None, [table.rows[-1].body, line.strip()]))
            continue
        filled = [cell for cell in cells if cell]
        if not filled or all(_RULE.match(cell) for cell in filled):
            continue  # empty, or a Markdown rule row `|---|:---:|`
        group_label = _group_label(cells, filled, roles)
        if group_label is not None:
            groups_seen += 1
            group = group_label or int_to_cn(groups_seen)
            continue
        row = _map_row(number, cells, roles, table.warnings)
        if row is None:
            continue
        if row.group and row.group != group_name:
            # A 类别 column names the group on its first row (merged cells leave it empty below).
            group_name = row.group
            groups_seen += 1
            found = _GROUP.match(row.group)
            group = found.group(1) if found else int_to_cn(groups_seen)
        seq = row.path[0] if row.path else ""
        if not seq:
            seq = str(last_seq + 1)
            table.warnings.append(f"line {number}: table row without 序号: numbered {seq}")
        last_seq = int(seq) if seq.isdigit() else last_seq
        row.path = [group, seq] if group else [seq]
        table.rows.append(row)
    return table


def _join_broken_rows(lines: list[tuple[int, str]], width: int) -> list[tuple[int, str, list[str] | None]]:
    """Rejoin a row whose cell text broke over two lines: `8 | 规范办理，` + `严格时限。 | 市司法局 | 持续推进`.

    Two short rows are one when their cells, the broken cell counted once, fill the header exactly
    and the second does not start with a serial number of its own.
    """
    joined: list[tuple[int, str, list[str] | None]] = []
    for number, line in lines:
        cells = split_row(line)
        if joined and cells is not None:
            previous = joined[-1][2]
            if (
                previous is not None
                and len(previous) < width
                and len(previous) + len(cells) - 1 == width
                and not _NUMBER.match(cells[0])
            ):
                merged = [*previous[:-1], previous[-1] + cells[0], *cells[1:]]
                joined[-1] = (joined[-1][0], joined[-1][1], merged)
                continue
        joined.append((number, line, cells))
    return joined


def _group_label(cells: list[str], filled: list[str], roles: list[str]) -> str | None:
    """'一' for a group row `一、重点领域…`, '' for an unnumbered group row, None for a task row."""
    first = filled[0]
    found = _GROUP.match(first)
    marker = match_marker(first)
    if len(filled) == 1 and not _NUMBER.match(first):
        if found:
            return found.group(1)
        return (marker and marker.scheme is Scheme.CN_DUN and int_to_cn(marker.value or 1)) or ""
    # `一 | 重点领域信息公开 |  |` — a numeral cell and a title, the rest empty.
    if len(filled) == 2 and cn_to_int(first) is not None and "seq" in roles and cells[0] == first:
        return first
    return None


def _map_row(number: int, cells: list[str], roles: list[str], warnings: list[str]) -> Row | None:
    values: dict[str, str] = {}
    extra: list[str] = []
    cells = list(cells)
    columns = list(roles)
    if "seq" in columns and cells and not _NUMBER.match(cells[0]) and len(cells) < len(columns):
        # The 序号 cell is missing (merged or lost): map the others to the remaining columns.
        columns.remove("seq")
    if len(cells) != len(columns):
        warnings.append(f"line {number}: table row has {len(cells)} cells where the header has {len(roles)}")
    for role, cell in zip(columns, cells, strict=False):
        if role in values and cell:
            values[role] = f"{values[role]}；{cell}"
        elif cell:
            values[role] = cell
    extra = cells[len(columns) :]
    task = values.get("task", "")
    if not task:
        return None
    seq = values.get("seq", "").rstrip(".．、")
    return Row(
        line=number,
        path=[seq] if seq else [],
        task=task,
        body="\n".join(filter(None, [values.get("body", ""), *extra])),
        units=values.get("units", ""),
        lead=values.get("lead", ""),
        support=values.get("support", ""),
        deadline=values.get("deadline", ""),
        group=values.get("group", ""),
        extra=extra,
    )
