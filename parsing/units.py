"""Responsible units of a task: who leads (牵头) and who supports (配合).

Work plans name units in three ways:
- a labelled clause closing the point: `（责任处室：办公室、法规处及相关处室单位）`,
  `（牵头单位：A；配合单位：B、C；完成时限：…）`, or a bare line `责任单位：A、B`;
- a table cell: `A（牵头）、B`, `牵头：A；配合：B、C`, `A牵头，B、C配合`;
- prose: `由A牵头，B配合`, `A会同B负责`, `由A负责`.

Names are returned as written; resolving aliases is the unit registry's job. Prose is matched
conservatively (every name must look like a unit), because a false unit in the ledger is worse than a
missed one: a reviewer adds a missed unit, while a false one silently chases nobody.
Pure functions: no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from parsing.deadlines import parse_phrase

# What a label or mark says: 牵头 -> lead, 配合 -> support, 责任 -> responsible (its first name leads).
Role = Literal["lead", "support", "responsible"]


@dataclass(frozen=True)
class UnitRefs:
    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    open_ended: bool = False  # 及相关处室单位 / 各相关处室单位 / 等相关部门 / 相关单位 was present
    span: tuple[int, int] | None = None  # [start, end) of the labelled clause; None for prose / none

    @property
    def empty(self) -> bool:
        """Nothing said about units. An open-ended `（责任处室：各相关处室单位）` is not empty: the
        document did assign the task, to every relevant unit."""
        return not (self.lead or self.support or self.open_ended)


# --- vocabulary -------------------------------------------------------------------------------

_OPENS = "（(【"
_CLOSES = "）)】"
_BRACKETS = _OPENS + _CLOSES
_BRACKET = re.compile(r"[（(【）)】]")

# What a label may follow: start of text, punctuation, whitespace, brackets, a list number's dot.
_BOUNDARY = r"(?<![^\s。；;，,、：:（(【）)】.．])"
_UNIT_LABEL_NAME = (
    r"责任(?:处室单位|处室|单位|部门|科室|主体)"
    r"|(?:牵头|主责|配合|协办|参与|协同|协助)(?:处室单位|处室|单位|部门|科室)?"
)
_UNIT_LABEL_NAME_RE = re.compile(_UNIT_LABEL_NAME)
_UNIT_LABEL = re.compile(rf"{_BOUNDARY}(?P<name>{_UNIT_LABEL_NAME})\s*[：:]")
# Any label (`完成时限：`, `牵头单位：`): splits a clause into items; only unit labels carry units.
_ANY_LABEL = re.compile(rf"{_BOUNDARY}(?P<name>[\u4e00-\u9fff]{{2,8}})\s*[：:]")
_LEADING_LABEL = re.compile(r"\s*[\u4e00-\u9fff]{2,8}\s*[：:]")
# A bare clause ends at a line end, a sentence end, a `；`, or a bracket closing around it.
_VALUE_STOP = re.compile(r"[\n。；;（(【）)】]")
_GAP = re.compile(r"[\s；;。，,]*")

# Role marks inside a list. A bracketed mark is the name's own (`A、B（牵头）`: B leads); a word
# mark covers the names since the previous mark within one 、-joined group (`B、C配合`).
_MARK = re.compile(
    r"(?:[（(【](?P<b>牵头|主责|负责|配合|协办|参与|协助|协同)(?:单位|部门|处室)?[）)】]"
    r"|(?P<w>牵头负责|牵头|主责|负责|(?:共同)?(?:配合落实|配合|参与)|协办|协助|协同))$"
)
_LEAD_MARKS = {"牵头负责", "牵头", "主责", "负责"}

# `及相关处室单位`, `各相关处室单位`, `等相关部门`, `等单位`, `等`: the list is open-ended. The
# `相关/有关` form needs a connective or must be the whole item: `省直有关部门` is a named collective.
_OPEN_TAIL = re.compile(
    r"(?:^|以及|及|和|与|暨)(?:其他|其它)?各?(?:相关|有关)"
    r"(?:[^（）()【】]{0,4}?(?:单位|部门|机构|机关|处室|科室|县区|地区|乡镇|方面|处|科|室))?$"
    r"|等(?:[^（）()【】]{0,8}?(?:单位|部门|机构|机关|处室|科室|县区|地区|乡镇|方面))?$"
)
_CONJ = re.compile(r"以及|及|和|与|暨")
_GROUP_SEPS = "，,；;"  # end a group: `A牵头，B配合` are two groups
_SPLIT_AT = re.compile(r"[、/／\s，,；;（(【]")
_SEPARATOR = re.compile(r"[、/／\s，,；;]")
_NOISE = " \t\r\n\u3000。．.：:“”\"'‘’《》「」、，,；;/／"
_TRAILING_PAREN = re.compile(r"[（(][^（()）]*[）)]$")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# A name looks like a unit when it ends with one of these. Single characters cover many names
# (局 厅 委 办 处 科 室 股 院 所 站 队 组 部 司 署 馆 府 县 区 市 州 镇 乡); the rest are spelled out
# because their last character alone is too common in ordinary words (会, 台, 行, 社, 联, 班, 团).
_UNIT_SUFFIXES = _words(
    """
    局 厅 委 办 处 科 室 股 院 所 站 队 组 部 司 署 馆 府
    中心 部门 单位 机构 机关 海关 专班 党校 学校 高校 院校
    委员会 委会 协会 学会 商会 工会 联合会 基金会 研究会 促进会 红十字会
    妇联 残联 文联 侨联 工商联 社科联 科协 政协 人大
    银行 分行 支行 集团 公司 共青团 兵团 电视台 电台 气象台 报社 杂志社 出版社 通讯社 合作社
    县 区 市 州 盟 旗 乡 镇 街道 社区 各地
    """
)
# Ordinary words that end like a unit (场所 ends in 所, 网站 in 站, 部署 in 署, 承办 in 办 …); not
# 全局 (安全局) or 政局 (财政局).
_NOT_UNIT_ENDINGS = _words(
    """
    场所 住所 处所 厕所 好处 到处 之处 难处 益处 长处 短处 此处 何处 一处 多处 深处 用处 出处
    相处 去处 坏处 学科 本科 专科 会议室 教室 卧室 温室 持股 控股 入股 参股 全部 内部 外部 局部
    干部 底部 顶部 头部 中部 东部 西部 南部 北部 大局 布局 格局 开局 结局 变局 僵局 残局 定局
    破局 大厅 餐厅 客厅 展厅 门厅 原委 部署 签署 上司 官司 承办 督办 主办 协办 举办 创办 代办
    帮办 交办 转办 分办 包办 查办 领办 会办 兴办 开办 合办 经办 申办 通办 网办 好办 快办 易办
    照办 待办 在办 已办 速办 网站 团队 排队 梯队 重组 改组 编组 分组 城市 都市 超市 股市 夜市
    上市 楼市 辖区 景区 山区 灾区 疫区 误区 禁区 盲区 专区 分区 城乡 家乡 下乡 返乡 老乡 故乡
    """
)
_NOT_UNIT_PREFIXES = _words(
    """
    全市 全省 全县 全区 全州 全镇 全乡 全厅 全局 全体 全部 本 我 该 此 其 这 那 每
    相关 有关 上述 以上 上级 在 对 向 从 按 为 请 与 和 及 以
    """
)
# Words a unit name never contains, but a sentence that happens to end in 局/处/… does.
_NOT_IN_UNIT = re.compile(r"[的要应将把是了并均须需由]|会同|牵头|负责|配合|参与|协助|落实|做好|加强|开展")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z（）()·]+")

# Prose: `由A牵头，B配合`, `A会同B、C负责`, `由A负责`, `A负责，B配合落实`. A list holds no
# sentence punctuation, no brackets and no 由, so a match stays inside one clause.
_LIST = r"[^。；;，,：:\s由（）()【】]{2,40}?"
_PROSE = re.compile(
    rf"(?:(?<![自理经缘因来])(?P<by>由)(?!于|此|衷)|(?<![^\s。；;，,：:]))(?P<lead>{_LIST})"
    rf"(?:(?P<verb>牵头负责|牵头|主责|负责)|会同(?P<with>{_LIST})(?:共同|按职责)?(?:负责|牵头))"
    rf"(?:[，,](?P<sup>{_LIST})(?:共同)?(?:配合|参与|协助|协办))?"
)


# --- public API -------------------------------------------------------------------------------


def find_units(text: str) -> UnitRefs:
    """Units of one task from its text (title + body).

    Precedence: a labelled clause (parenthesised or not: 责任处室/责任单位/牵头单位/配合单位/协办单位/
    参与单位/责任部门/牵头部门/配合部门/主责单位 …, with ： or :), the LAST one when there are several
    (they close a point); else prose patterns (first match whose names all look like units); else
    empty."""
    pairs = _pairs(text)
    clauses = _bracketed_clauses(text, pairs)
    clauses += _bare_clauses(text, pairs, taken=clauses)
    if clauses:
        start, end, items = max(clauses, key=lambda clause: clause[0])
        refs = _combine(items)
        return UnitRefs(refs.lead, refs.support, refs.open_ended, (start, end))
    return _prose_units(text)


def split_unit_list(cell: str) -> UnitRefs:
    """A list of unit names, as found in a table cell or after a label: `办公室、法规处及相关处室单位`.

    A cell may carry its own role marks: `A（牵头）、B`, `牵头：A；配合：B、C`, `A牵头，B、C配合`.
    Without any lead mark the first name leads and the rest support."""
    labels = list(_ANY_LABEL.finditer(cell))
    if not any(_role(label["name"]) for label in labels):
        return _split_marked(cell)
    items: list[tuple[Role | None, str]] = [("responsible", cell[: labels[0].start()])]
    for label, following in zip(labels, [*labels[1:], None], strict=True):
        value = cell[label.end() : following.start() if following else len(cell)]
        items.append((_role(label["name"]), value))
    return _combine(items)


# --- labelled clauses -------------------------------------------------------------------------

Clause = tuple[int, int, list[tuple[Role | None, str]]]


def _role(label: str) -> Role | None:
    if not _UNIT_LABEL_NAME_RE.fullmatch(label):
        return None  # 完成时限, 备注 …: not about units (another module reads them)
    if label.startswith("责任"):
        return "responsible"
    return "lead" if label.startswith(("牵头", "主责")) else "support"


def _pairs(text: str) -> dict[int, int]:
    """Matched brackets, open index -> close index. Copies mix （ with ), so any opener matches any
    closer; an unmatched bracket is an ordinary character."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for match in _BRACKET.finditer(text):
        if match.group() in _OPENS:
            stack.append(match.start())
        elif stack:
            pairs[stack.pop()] = match.start()
    return pairs


def _bracketed_clauses(text: str, pairs: dict[int, int]) -> list[Clause]:
    """`（责任处室：…）`, `（完成时限：…；牵头单位：A）`: a bracket whose content starts with a label
    and holds a unit label. The span is the whole bracket, other items (完成时限) included."""
    clauses: list[Clause] = []
    for open_at in sorted(pairs):
        close_at = pairs[open_at]
        if clauses and open_at < clauses[-1][1]:
            continue  # nested in a clause already taken
        if not _LEADING_LABEL.match(text, open_at + 1, close_at):
            continue
        nested = [(o, c) for o, c in pairs.items() if open_at < o < close_at]
        labels = [
            m
            for m in _ANY_LABEL.finditer(text, open_at + 1, close_at)
            if not any(o < m.start() < c for o, c in nested)
        ]
        if not any(_role(m["name"]) for m in labels):
            continue
        items = [
            (_role(m["name"]), text[m.end() : following.start() if following else close_at])
            for m, following in zip(labels, [*labels[1:], None], strict=True)
        ]
        clauses.append((open_at, close_at + 1, items))
    return clauses


def _bare_clauses(text: str, pairs: dict[int, int], taken: list[Clause]) -> list[Clause]:
    """`责任单位：A、B` on its own line or after a sentence, possibly followed by more unit labels
    (`牵头单位：A；配合单位：B`, one per line or not). A non-unit label (`完成时限：`) ends the clause
    so that its text stays in the body for the deadline reader."""
    clauses: list[Clause] = []
    for first in _UNIT_LABEL.finditer(text):
        start = first.start()
        if any(s <= start < e for s, e, _ in taken) or (clauses and start < clauses[-1][1]):
            continue
        items: list[tuple[Role | None, str]] = []
        label = first
        while True:
            role, pos = _role(label["name"]), label.end()
            stop = _value_end(text, pos, pairs)
            inner = _ANY_LABEL.search(text, pos, stop)
            end = inner.start() if inner else stop
            items.append((role, text[pos:end]))
            if inner and _role(inner["name"]):
                label = inner
                continue
            if inner:
                break
            follow = _UNIT_LABEL.match(text, _GAP.match(text, stop).end())
            if follow is None:
                break
            label = follow
        while end > start and text[end - 1].isspace():
            end -= 1
        if end < len(text) and text[end] in "。；;":
            end += 1  # take the clause's own terminator, so cutting it leaves no `。。`
        clauses.append((start, end, items))
    return clauses


def _value_end(text: str, pos: int, pairs: dict[int, int]) -> int:
    """Where a bare label's value ends: line end, 。, ；, or a closer at this level; a matched
    bracket pair inside the value (`各市（州）人民政府`) is skipped over whole."""
    while (stop := _VALUE_STOP.search(text, pos)) is not None:
        at = stop.start()
        if at in pairs:
            pos = pairs[at] + 1
        elif text[at] in _OPENS:
            pos = at + 1  # an unmatched opener is an ordinary character
        else:
            return at
    return len(text)


def _combine(items: Iterable[tuple[Role | None, str]]) -> UnitRefs:
    """Merge labelled items. Explicit 牵头/配合 labels win; 责任 names are all support when a 牵头
    label exists, else their first name leads."""
    unit_items = [(role, value) for role, value in items if role]
    has_lead_label = any(role == "lead" for role, _ in unit_items)
    lead: list[str] = []
    support: list[str] = []
    open_ended = False
    for role, value in unit_items:
        refs = _split_marked(value)
        open_ended |= refs.open_ended
        if role == "lead":
            lead += [*refs.lead, *refs.support]
        elif role == "support" or has_lead_label:
            support += [*refs.lead, *refs.support]
        else:
            lead += refs.lead
            support += refs.support
    return _refs(lead, support, open_ended)


def _refs(lead: list[str], support: list[str], open_ended: bool) -> UnitRefs:
    """Deduplicate preserving order; a unit both lead and support stays lead only."""
    leads = tuple(dict.fromkeys(lead))
    return UnitRefs(leads, tuple(dict.fromkeys(n for n in support if n not in leads)), open_ended)


# --- lists ------------------------------------------------------------------------------------


def _split_marked(value: str) -> UnitRefs:
    """Names of a list with their role marks; unmarked names: the first leads unless a lead mark
    exists, the rest support (all in document order)."""
    named: list[tuple[str, str | None]] = []  # (name, its mark or None)
    open_ended = False
    for group in _groups(value):
        since = len(named)  # a word mark covers the unmarked names from here
        for part in group:
            part, mark, own = _strip_mark(_trim(part))
            part, is_open = _strip_open_tail(part)
            open_ended |= is_open
            if _is_time(part):
                continue  # `（责任单位：市委网信办，9月30日前）`: the deadline reader takes the date
            if mark and not own:
                named[since:] = [(name, mark if had is None else had) for name, had in named[since:]]
            named += [(name, mark) for name in _split_conj(part)]
            if mark:
                since = len(named)
    leads = [name for name, mark in named if mark in _LEAD_MARKS]
    if not leads:
        leads = [name for name, mark in named if mark is None][:1]
    return _refs(leads, [name for name, _ in named], open_ended)


def _groups(value: str) -> list[list[str]]:
    """Split at separators outside matched brackets (`省厅各处（室、局）` stays whole): `、 / space`
    separate the parts of a group, `， ；` also end the group."""
    pairs = _pairs(value)
    groups: list[list[str]] = [[]]
    start = pos = 0
    while (found := _SPLIT_AT.search(value, pos)) is not None:
        at = found.start()
        if at in pairs:
            pos = pairs[at] + 1
        elif value[at] in _OPENS:
            pos = at + 1  # an unmatched opener is an ordinary character
        else:
            groups[-1].append(value[start:at])
            if found.group() in _GROUP_SEPS:
                groups.append([])
            start = pos = found.end()
    groups[-1].append(value[start:])
    return groups


def _trim(part: str) -> str:
    """Strip punctuation, whitespace and unmatched brackets from both ends (`办公室）。` -> 办公室);
    a matched pair (`各市（州）`) is never cut in half, and is unwrapped only when it is the whole part."""
    while True:
        part = part.strip(_NOISE)
        if not _BRACKET.search(part):
            return part
        pairs = _pairs(part)
        if part and part[0] in _BRACKETS and 0 not in pairs:
            part = part[1:]
        elif part and part[-1] in _BRACKETS and len(part) - 1 not in pairs.values():
            part = part[:-1]
        elif pairs.get(0) == len(part) - 1 and not _SEPARATOR.search(part, 1, len(part) - 1):
            part = part[1:-1]  # `（办公室）`, but not `（室、局）`, whose inside is a list
        else:
            return part


def _strip_mark(part: str) -> tuple[str, str | None, bool]:
    """(name, role mark, whether the mark is the name's own bracketed one)."""
    match = _MARK.search(part)
    if match is None:
        return part, None, False
    return _trim(part[: match.start()]), match["b"] or match["w"], match["b"] is not None


def _strip_open_tail(part: str) -> tuple[str, bool]:
    match = _OPEN_TAIL.search(part)
    if match is None:
        return part, False
    return _trim(part[: match.start()]), True


def _split_conj(name: str) -> list[str]:
    """Split at 和/及/与 only when both sides are unit names: `市财政局和市审计局` splits,
    `市政务服务和大数据管理局` does not (`市政务服务` is not a unit)."""
    name = _trim(name)
    if not _CONJ.search(name):
        return [name] if name else []
    pairs = _pairs(name)
    for conj in _CONJ.finditer(name):
        if any(o < conj.start() < c for o, c in pairs.items()):
            continue  # inside brackets
        left, right = _trim(name[: conj.start()]), _trim(name[conj.end() :])
        if _is_unit(left) and _is_unit(right):
            return [left, *_split_conj(right)]
    return [name]


def _is_time(part: str) -> bool:
    """A time phrase written among the names (`9月30日前`, `长期坚持`), never a unit."""
    return bool(part) and not _is_unit(part) and parse_phrase(part, None) is not None


def _is_unit(name: str) -> bool:
    """Does the name look like a unit? Used for prose and for splitting at 和/及/与, never to drop
    a name a label gave."""
    core = _TRAILING_PAREN.sub("", name)  # 省厅各处（室、局） is judged by 省厅各处
    return (
        2 <= len(core) <= 30
        and _NAME_CHARS.fullmatch(core) is not None
        and not core.startswith(_NOT_UNIT_PREFIXES)
        and _NOT_IN_UNIT.search(core) is None
        and not core.endswith(_NOT_UNIT_ENDINGS)
        and core.endswith(_UNIT_SUFFIXES)
    )


# --- prose ------------------------------------------------------------------------------------


def _prose_units(text: str) -> UnitRefs:
    for match in _PROSE.finditer(text):
        lead = _all_units(match["lead"], named=True)
        partners = _all_units(match["with"]) if match["with"] else None
        helpers = _all_units(match["sup"]) if match["sup"] else None
        if lead is None or (match["with"] and partners is None):
            continue
        # A bare `X负责` is as often a duty sentence as an assignment (`政策起草处室负责解答`): only
        # `由X负责` or a named partner makes it one.
        if match["verb"] == "负责" and not match["by"] and partners is None and helpers is None:
            continue
        others = [r for r in (partners, helpers) if r is not None]
        return _refs(
            [*lead.lead, *lead.support],
            [n for r in others for n in (*r.lead, *r.support)],
            any(r.open_ended for r in (lead, *others)),
        )
    return UnitRefs()


def _all_units(phrase: str, named: bool = False) -> UnitRefs | None:
    """The phrase's units when every name in it looks like a unit, else None. `有关部门` alone
    (open-ended, no name) passes unless a name is required."""
    refs = _split_marked(phrase)
    names = (*refs.lead, *refs.support)
    if not all(_is_unit(name) for name in names) or not (names or (refs.open_ended and not named)):
        return None
    return refs
