"""Task tables flattened to text, in every form a copy leaves them.

任务分工方案 and 台账 carry their tasks in a table (`序号 | 工作任务 | 责任单位 | 完成时限`). Copied to
text, a table arrives as rows of cells separated by `|` or tabs, as one cell per line, or as rows
whose cells are run together with spaces or nothing between them. Merged cells make rows ragged (a
category cell written only on its group's first row), group rows name sections at one or two levels
(`一、…`, `（一）…`), a group cell may sit in the first column of its group's first row, one row may
carry several levels at once, and a header may repeat after a page break.

One mechanism reads them all: each row's cells are matched to the header's columns by what they
hold (a serial number, unit names, a time, a sentence) with a small alignment programme, so a
missing or extra cell shifts nothing else; markers in the cells (`一、`, `（一）`, `1.`) give the
row's path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsing.deadlines import parse_phrase
from parsing.numbering import Marker, Scheme, cn_to_int, label, match_marker
from parsing.units import looks_like_unit, split_unit_list

# Spaces around a separator go with it, but not a tab: `a\t\tb` has an empty cell between.
_SPLIT = re.compile(r"[^\S\t]*[|｜\t][^\S\t]*")

# Column roles by header text; the first matching role wins, checked in this order.
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("seq", re.compile(r"^(?:序号|编号|序|No\.?|排序)$", re.I)),
    ("lead", re.compile(r"牵头|主责")),
    ("support", re.compile(r"配合|协办|参与|协同")),
    ("units", re.compile(r"责任|承办|负责|单位|部门|处室|科室")),
    ("deadline", re.compile(r"时限|时间|期限|节点|进度|时序")),
    ("group", re.compile(r"^(?:类别|领域|重点领域|板块|项目|分类|类型)$")),
    ("task", re.compile(r"任务|事项|工作|内容|措施|要求|目标|举措|分工")),
    ("remark", re.compile(r"备注|说明")),
]
_RULE = re.compile(r"^:?-{2,}:?$")
_NUMBER = re.compile(r"^(\d{1,3})[.．、]?$")
_HEADER_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z.]{1,8}$")
_TEXT_ROLES = ("task", "body")
_UNIT_ROLES = ("units", "lead", "support")


def split_row(line: str) -> list[str] | None:
    """The cells of a row separated by `|` or tabs, or None when the line has no separator."""
    if "|" not in line and "｜" not in line and "\t" not in line:
        return None
    text = line.strip()
    if len(text) > 1 and text[0] in "|｜" and text[-1] in "|｜":
        text = text[1:-1]  # a bordered row `| a | b |`; a lone leading `|` is an empty first cell
    cells = [cell.strip() for cell in _SPLIT.split(text)]
    while len(cells) > 1 and not cells[-1]:
        cells.pop()  # `a | b |`: the closing bar, not an empty cell
    return cells if len(cells) >= 2 else None


def header_roles(cells: list[str]) -> list[str] | None:
    """Column roles when the cells are a task-table header (a task column and a unit or time column),
    else None."""
    roles = []
    for cell in cells:
        name = re.sub(r"\s+", "", cell)
        if not name or len(name) > 12:
            roles.append("other")
            continue
        roles.append(next((role for role, pattern in _ROLES if pattern.search(name)), "other"))
    # A second task-like column holds the details of the first.
    if roles.count("task") > 1:
        first = roles.index("task")
        roles = [("body" if role == "task" and i != first else role) for i, role in enumerate(roles)]
    has_task = "task" in roles
    has_detail = any(role in roles for role in ("units", "lead", "support", "deadline"))
    known = sum(1 for role in roles if role != "other")
    return roles if has_task and has_detail and known >= 2 and known * 2 > len(roles) else None


@dataclass
class Header:
    """Where a table's header is and how its rows are laid out."""

    index: int  # first line of the header
    end: int  # line after the header
    roles: list[str]
    layout: str  # "cells" (| or tab), "stacked" (one cell per line), "run" (no separators)


def find_header(lines: list[str]) -> Header | None:
    """The first task-table header among the lines (Simplified text), in any of the three layouts."""
    for index, line in enumerate(lines):
        cells = split_row(line)
        if cells is not None:
            roles = header_roles(cells)
            if roles:
                return Header(index, index + 1, roles, "cells")
            continue
        words = line.split()
        if len(words) >= 3 and all(_HEADER_WORD.match(word) for word in words):
            roles = header_roles(words)
            if roles:
                return Header(index, index + 1, roles, "run")
        stacked = _stacked_header(lines, index)
        if stacked:
            return stacked
    return _headerless(lines)


# A table copied without its header row (the page lost it, or it was an image): rows of cells, most of
# them with a cell of unit names, read against the usual columns by what their cells hold.
_USUAL_ROLES = ["seq", "task", "body", "units", "deadline"]
_HEADERLESS_MIN_ROWS = 3


def _headerless(lines: list[str]) -> Header | None:
    rows = [
        (index, cells) for index, line in enumerate(lines) if (cells := split_row(line)) and len(cells) >= 2
    ]
    if len(rows) < _HEADERLESS_MIN_ROWS:
        return None
    with_units = sum(1 for _, cells in rows if any(_cell_kind(cell) == "detail" for cell in cells if cell))
    if with_units * 5 < len(rows) * 4:
        return None
    first = rows[0][0]
    return Header(first, first, list(_USUAL_ROLES), "cells")


def _stacked_header(lines: list[str], index: int) -> Header | None:
    """`序号` / `工作任务` / `责任单位` / `完成时限` each on its own line."""
    end = index
    while end < len(lines) and end - index < 8 and _HEADER_WORD.match(lines[end].strip()):
        end += 1
    if end - index < 3:
        return None
    for stop in range(end, index + 2, -1):
        roles = header_roles([line.strip() for line in lines[index:stop]])
        if roles and "other" not in roles:
            return Header(index, stop, roles, "stacked")
    return None


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
    group: str = ""  # the category the row belongs to (a merged cell), when the table has one
    extra: list[str] = field(default_factory=list)


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row_lines: set[int] = field(default_factory=set)  # source lines read as rows, for --explain
    numbered: int = 0  # rows whose serial number the document gives (a 序号 cell, a `1.` marker)


@dataclass
class _Cells:
    line: int
    cells: list[str]
    continuation: list[str] = field(default_factory=list)  # lines that continue the last cell


def parse_table(lines: list[tuple[int, str]], roles: list[str], layout: str = "cells") -> Table:
    """Rows of a task table, from the (line number, text) lines after its header."""
    table = Table()
    mapped: list[tuple[_Cells, dict[str, str], list[str], list[Marker]]] = []
    for item in _rows(lines, roles, layout):
        filled = [cell for cell in item.cells if cell]
        if not filled or all(_RULE.match(cell) for cell in filled):
            continue  # empty, or a Markdown rule row `|---|:---:|`
        if len(filled) >= 2 and header_roles(item.cells) == roles:
            continue  # the header again, after a page break
        sub = _subheader(item.cells, roles)
        if sub is not None:
            roles = sub  # a second header row naming the parts of a merged one: 责任单位 -> 牵头 | 配合
            continue
        cells, peeled = _peel_groups(item.cells)
        cells, seq = _pull_seq(cells, roles)
        values, extra = _align(cells, roles)
        if seq:
            values["seq"] = seq
        if extra:
            table.warnings.append(
                f"第{item.line}行：表格行有{len(item.cells)}个单元格，表头只有{len(roles)}列，多出的内容并入正文"
            )
        mapped.append((item, values, extra, peeled))
    # A task column left empty on some rows that still have their own requirement is a merged
    # category cell: the rows' titles are their requirement cells.
    category = "body" in roles and any(
        v.get("body") and not v.get("task") and _has_details(v) for _, v, _, _ in mapped
    )
    groups: list[tuple[Scheme, str]] = []  # open group levels (scheme, label)
    current = ""  # the category (merged cell) text of the rows below
    last_seq = 0
    seen: set[tuple[str, ...]] = set()
    for item, values, extra, peeled in mapped:
        task, body = values.get("task", ""), values.get("body", "")
        group_text = values.get("group", "")
        if category:
            group_text, task, body = task, body, ""
        filled = [cell for cell in item.cells if cell]
        numeral = _CN_NUMERAL.match(filled[0]) is not None
        heading = (len(filled) == 1 or numeral) and not _NUMBER.match(filled[0])
        if heading and not _has_details(values) and not peeled:
            # A group heading spanning the table (`一、重点领域…`, `一 | 重点领域…`).
            groups = _group_row(groups, filled[0], "")
            table.row_lines.add(item.line)
            continue
        markers = [*peeled, *_markers(group_text)]
        if group_text and group_text != current:
            current = group_text
            if not markers and groups and not peeled:
                groups = []  # a new unnumbered category: the rows below have no group numeral
        for marker in markers:
            groups = _open_group(groups, marker)
        seq, task = _seq_and_task(values.get("seq", ""), task)
        if not task:
            continue
        if seq:
            table.numbered += 1
        else:
            seq = str(last_seq + 1)
            table.warnings.append(f"第{item.line}行：表格行没有序号，按顺序编为{seq}")
        last_seq = int(seq) if seq.isdigit() else last_seq
        path = [group for _, group in groups] + [seq]
        if tuple(path) in seen:
            table.warnings.append(f"第{item.line}行：表格行的编号{'/'.join(path)}与前面的行重复")
        seen.add(tuple(path))
        table.rows.append(
            Row(
                line=item.line,
                path=path,
                task=task,
                body="\n".join(filter(None, [body, *extra, *item.continuation])),
                units=values.get("units", ""),
                lead=values.get("lead", ""),
                support=values.get("support", ""),
                deadline=values.get("deadline", ""),
                group=current,
                extra=extra,
            )
        )
        table.row_lines.add(item.line)
    _fill_merged_leads(table.rows, roles)
    return table


_GROUP_SCHEMES = (Scheme.PART, Scheme.CN_DUN, Scheme.CN_PAREN)
_CN_NUMERAL = re.compile(r"^[一二三四五六七八九十]{1,3}$")


def _group_marker(text: str) -> Marker | None:
    marker = match_marker(text.strip()) if text else None
    return marker if marker and marker.scheme in _GROUP_SCHEMES and marker.value else None


def _markers(text: str) -> list[Marker]:
    """Group markers in a category cell (two group columns are joined with `；`)."""
    return [m for part in text.split("；") if (m := _group_marker(part)) is not None]


def _peel_groups(cells: list[str]) -> tuple[list[str], list[Marker]]:
    """`一、重点领域 | （一）财政公开 | 1 | 公开预决算 | …`: group cells leading a row that holds
    several levels at once are the row's groups, not its columns."""
    peeled: list[Marker] = []
    while cells and (marker := _group_marker(cells[0])) is not None:
        if sum(1 for cell in cells[1:] if cell) < 2:
            break
        peeled.append(marker)
        cells = cells[1:]
    return cells, peeled


def _subheader(cells: list[str], roles: list[str]) -> list[str] | None:
    """The roles refined by a second header row (`| | 牵头 | 配合 | |` under a `责任单位` spanning two
    columns), or None when the row is no such row. Its empty edge cells may be lost in the copy: it
    is placed where its names fall under the merged header cell."""
    names = [re.sub(r"\s+", "", cell) for cell in cells]
    if not any(names) or len(names) > len(roles):
        return None
    found = [
        next((role for role, pattern in _ROLES if pattern.search(name)), None) if name else ""
        for name in names
    ]
    if any(role is None for role in found) or any(len(name) > 8 for name in names):
        return None
    for pad in range(len(roles) - len(names) + 1):
        refined = list(roles)
        fits = True
        for index, role in enumerate(found):
            if not role:
                continue
            column = pad + index
            fits &= roles[column] in ("units", "other", role)
            refined[column] = role
        if fits and refined != roles:
            return refined
    return None


def _pull_seq(cells: list[str], roles: list[str]) -> tuple[list[str], str]:
    """A serial number in a table whose header names no 序号 column (the number cell had no header)."""
    if "seq" in roles:
        return cells, ""
    for index, cell in enumerate(cells):
        found = _NUMBER.match(cell)
        if found and sum(1 for other in cells if other) > 1:
            return cells[:index] + cells[index + 1 :], found.group(1)
    return cells, ""


def _group_row(groups: list[tuple[Scheme, str]], heading: str, seq: str) -> list[tuple[Scheme, str]]:
    """A row with no task details is a group heading: `一、…` (or `一 | 重点领域…`) opens a
    numbered group; unnumbered text closes the group numerals."""
    marker = _group_marker(heading)
    if marker is not None:
        return _open_group(groups, marker)
    numeral = seq.strip() or heading.strip()
    if _CN_NUMERAL.match(numeral):
        return _open_group(groups, Marker(Scheme.CN_DUN, cn_to_int(numeral), "", numeral))
    return []


def _has_details(values: dict[str, str]) -> bool:
    return any(values.get(role) for role in (*_UNIT_ROLES, "deadline"))


def _open_group(groups: list[tuple[Scheme, str]], marker: Marker) -> list[tuple[Scheme, str]]:
    """The group levels after a group marker: it replaces its own level and closes deeper ones."""
    schemes = [scheme for scheme, _ in groups]
    if marker.scheme in schemes:
        groups = groups[: schemes.index(marker.scheme)]
    elif groups and _RANK[marker.scheme] <= _RANK[groups[-1][0]]:
        groups = [g for g in groups if _RANK[g[0]] < _RANK[marker.scheme]]
    return [*groups, (marker.scheme, label(marker.scheme, marker.value or 1))]


_RANK = {Scheme.PART: 0, Scheme.CN_DUN: 1, Scheme.CN_PAREN: 2}


def _seq_and_task(seq_cell: str, task: str) -> tuple[str, str]:
    """The row's serial number (its 序号 cell, or the `1.` its task cell starts with) and its task text
    without that marker."""
    number = _NUMBER.match(seq_cell.strip())
    marker = match_marker(task)
    if marker and marker.scheme in (Scheme.AR_DOT, Scheme.AR_PAREN) and marker.value:
        offset = len(task) - len(marker.rest)
        return (number.group(1) if number else str(marker.value)), task[offset:].strip()
    return (number.group(1) if number else ""), task


def _fill_merged_leads(rows: list[Row], roles: list[str]) -> None:
    """A 牵头单位 cell merged over several rows (written once, then missing) leads them all, in a
    table whose rows otherwise have it."""
    if "lead" not in roles or sum(1 for row in rows if row.lead) < len(rows) / 2:
        return
    previous = ""
    for row in rows:
        if row.lead:
            previous = row.lead
        elif previous:
            row.lead = previous


# --- cells to rows --------------------------------------------------------------------------------


def _rows(lines: list[tuple[int, str]], roles: list[str], layout: str) -> list[_Cells]:
    if layout == "stacked":
        return _stacked_rows(lines)
    rows: list[_Cells] = []
    for number, line in lines:
        text = line.strip()
        if not text:
            continue
        cells = split_row(text)
        if cells is None and layout == "run":
            cells = _run_cells(text, roles)
        if cells is None:
            bare = text.strip("|｜ \t")
            if _group_marker(bare) is not None:
                rows.append(_Cells(number, [bare]))  # a group row spanning the table: one merged cell
            elif rows:
                rows[-1].continuation.append(text)  # a cell broken over lines
            continue
        if rows and _broken_row(rows[-1], cells, roles):
            previous = rows[-1]
            previous.cells = [*previous.cells[:-1], previous.cells[-1] + cells[0], *cells[1:]]
            continue
        rows.append(_Cells(number, cells))
    return rows


def _broken_row(previous: _Cells, cells: list[str], roles: list[str]) -> bool:
    """`8 | 规范办理，` + `严格时限。 | 市司法局 | 持续推进`: two short rows that are one when, the
    broken cell counted once, they fill the header exactly and the second has no serial number."""
    width = len(roles)
    return (
        len(previous.cells) < width
        and len(previous.cells) + len(cells) - 1 == width
        and not _NUMBER.match(cells[0])
        and not match_marker(cells[0])
        and not previous.continuation
    )


def _stacked_rows(lines: list[tuple[int, str]]) -> list[_Cells]:
    """One cell per line. A row ends with its details (units, time): the next sentence, serial number
    or group heading starts the next row; a second serial number starts one too."""
    rows: list[_Cells] = []
    detailed = numbered = False
    for number, line in lines:
        text = line.strip()
        if not text:
            continue
        kind = _cell_kind(text)
        starts = not rows or (detailed and kind != "detail") or (kind == "number" and numbered)
        if starts:
            rows.append(_Cells(number, []))
            detailed = numbered = False
        rows[-1].cells.append(text)
        detailed |= kind == "detail"
        numbered |= kind == "number"
    return rows


def _cell_kind(cell: str) -> str:
    """ "number", "group", "detail" (unit names or a time) or "text"."""
    if _NUMBER.match(cell):
        return "number"
    if _group_marker(cell) is not None:
        return "group"
    if _is_time_cell(cell):
        return "detail"
    if len(cell) <= 120:
        refs = split_unit_list(cell)
        names = [*refs.lead, *refs.support]
        if names and all(looks_like_unit(name) for name in names):
            return "detail"
    return "text"


# What may end a row written without separators: its time, then its units before it.
_TRAILING_TIME = re.compile(
    r"(?:(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号])?(?:底|末|中旬|上旬|下旬)?(?:之?前)?|(?:\d{4}年)?(?:第[一二三四]季度|[上下]半年)"
    r"|(?:\d{4}年)?年(?:底|末|内)前?|长期坚持|长期推进|持续推进|每季度|每月|每年|每半年)$"
)
_UNIT_START = re.compile(r"[市县区省州镇乡各中国自全党团委]")


def _run_cells(text: str, roles: list[str]) -> list[str] | None:
    """Cells of a row written without separators, split by what the columns hold: `1 推进财政信息
    公开 市财政局 2022年6月底前` (a serial number first, the time last, unit names before it, the task
    in between). None when the line does not read as a row."""
    words = text.split()
    if len(words) == len(roles):
        return words
    rest = text
    cells: dict[str, str] = {}
    number = re.match(r"^(\d{1,3})[.．、]?\s*", rest)
    if "seq" in roles and number:
        cells["seq"], rest = number.group(1), rest[number.end() :]
    if "deadline" in roles:
        time = _TRAILING_TIME.search(rest.rstrip())
        if time:
            cells["deadline"], rest = time.group(), rest[: time.start()].rstrip()
    unit_role = next((role for role in roles if role in _UNIT_ROLES), None)
    if unit_role:
        at = _units_start(rest)
        if at is not None:
            cells[unit_role], rest = rest[at:].strip(), rest[:at].rstrip()
    if not rest.strip() or len(cells) < 2:
        return None
    cells["task"] = rest.strip()
    return [cells.get(role, "") for role in roles]


_RUN_NAME_MAX = 12  # a unit name run on from the task text is taken only when it is short


def _units_start(rest: str) -> int | None:
    """Where the unit names at the end of a row's text begin: after a space if one sets them off,
    else at the first place from which the rest reads as short unit names."""
    starts = [m.end() for m in re.finditer(r"\s+", rest)] + list(range(1, len(rest)))
    for at in starts:
        tail = rest[at:].strip()
        if not tail or not _UNIT_START.match(tail):
            continue
        refs = split_unit_list(tail)
        names = [*refs.lead, *refs.support]
        spaced = at > 0 and rest[at - 1].isspace()
        if names and all(looks_like_unit(n) and (spaced or len(n) <= _RUN_NAME_MAX) for n in names):
            return at
    return None


# --- cells to columns -------------------------------------------------------------------------------


def _align(cells: list[str], roles: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map a row's cells to the header's columns, in order, by what each cell holds. A row with
    fewer cells skips the columns its content fits least (a merged category cell, an empty remark);
    one with more keeps the extra cells aside."""
    cells = _join_broken_text(cells, len(roles))
    n, m = len(cells), len(roles)
    if n > m:
        values, _ = _align(cells[:m], roles)
        return values, [cell for cell in cells[m:] if cell]
    # best[i][j]: best score placing cells[:i] in columns[:j]
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[bool]] = [[False] * (m + 1) for _ in range(n + 1)]  # True: cell i-1 in column j-1
    best[0] = [0.0] * (m + 1)
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            skip = best[i][j - 1] - 0.05 if j - 1 >= i else neg
            take = best[i - 1][j - 1] + _fit(cells[i - 1], roles[j - 1], j - 1, roles)
            if take >= skip:
                best[i][j], back[i][j] = take, True
            else:
                best[i][j], back[i][j] = skip, False
    values: dict[str, str] = {}
    i, j = n, m
    while i > 0:
        if back[i][j]:
            role, cell = roles[j - 1], cells[i - 1]
            if cell:
                values[role] = f"{cell}；{values[role]}" if role in values else cell
            i, j = i - 1, j - 1
        else:
            j -= 1
    return values, []


def _join_broken_text(cells: list[str], width: int) -> list[str]:
    """More cells than columns, two sentences side by side: one cell broken over two lines."""
    cells = list(cells)
    while len(cells) > width:
        at = next(
            (
                i
                for i in range(len(cells) - 1)
                if _cell_kind(cells[i]) == "text" and _cell_kind(cells[i + 1]) == "text" and cells[i + 1]
            ),
            None,
        )
        if at is None:
            break
        cells[at : at + 2] = [cells[at] + cells[at + 1]]
    return cells


def _is_time_cell(cell: str) -> bool:
    """A cell that says a time: its time phrase is most of it (`2021年8月前`, `长期推进`,
    `2021年2月公布预算信息,2021年8月公布决算信息`), not a word inside a task (`做好常态化疫情防控`)."""
    if len(cell) > 40:
        return False
    found = parse_phrase(cell, None)
    return found is not None and (
        len(found.text) * 3 >= len(cell)
        or len(cell) <= 8
        or found.date is not None
        or _DATED.search(cell) is not None
    )


_DATED = re.compile(r"\d{1,2}月|[一二三四]季度|年底|年内|上半年|下半年")


def _fit(cell: str, role: str, column: int, roles: list[str]) -> float:
    """How well a cell's content fits a column (positive: fits)."""
    if not cell:
        return 0.0
    number = _NUMBER.match(cell) is not None
    time = not number and _is_time_cell(cell)
    refs = split_unit_list(cell) if len(cell) <= 120 and not time and not number else None
    names = [*refs.lead, *refs.support] if refs else []
    units = bool(names) and all(looks_like_unit(name) for name in names)
    sentence = len(cell) > 12 or "。" in cell
    if role == "seq":
        return 4.0 if number else -4.0
    if role in _UNIT_ROLES:
        # A single unit cell in a table with lead and support columns is the lead (merged, or the
        # support cell left empty).
        fit = 3.0 if role != "support" else 2.9
        return fit if units else (-3.0 if time or number else (-2.0 if sentence else 0.0))
    if role == "deadline":
        return 3.0 if time else (-3.0 if units or number else -1.0)
    if role in _TEXT_ROLES or role == "group":
        score = -2.0 if number else (-1.5 if time or units else 1.0)
        # A merged cell is the category on the left: a row's own text is its rightmost text cell.
        later = sum(1 for r in roles[column + 1 :] if r in _TEXT_ROLES)
        return score - 0.1 * later
    return -0.5
