"""Responsible units of a task: who leads (牵头) and who supports (配合).

Work plans name units in a few ways, all read here by the same rules:
- a labelled clause, bracketed or on a line of its own: `（责任处室：办公室、法规处）`,
  `〔牵头单位：A；配合单位：B、C；完成时限：…〕`, `协同责任单位：A、B等，各县、市、区政府。`;
- a bracketed clause of names and role words closing a point: `（市工商质监局牵头负责）`,
  `(县司法局牵头各行政机关负责)`, `（A牵头，B、C等按职责分工负责）`;
- a table cell: `A（牵头）、B`, `牵头：A；配合：B、C`, `办公室牵头，各科室配合`, `宣传处会办公室`;
- prose: `由A牵头，B配合`, `A会同B负责`, `由A负责`.

Roles follow the labelling standard (tests/data/corpus/README.md): 牵头 / 由X负责 / X会同… / A会B
lead; 配合 / 协同 / …会同Y / A会B's B support; names that are only "responsible" (a 责任单位 list,
`按职责分工负责`, a bare `负责`) support when the point names a lead and are all lead when it does
not. Names are returned as written (verbatim noun phrases, a list-closing 等 and the role words
removed); resolving aliases is the unit registry's job. Everything is matched on the Simplified
shadow of the text, which has the same length, so spans fit the original.
Pure functions: no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from parsing.deadlines import parse_phrase

Role = Literal["lead", "support", "duty"]  # duty: responsible, lead unless the point names a lead


@dataclass(frozen=True)
class UnitRefs:
    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    open_ended: bool = False  # a collective such as 各相关单位 / 有关部门 is among the names
    span: tuple[int, int] | None = None  # [start, end) of the first clause found; None for prose / none
    spans: tuple[tuple[int, int], ...] = ()  # every clause found (labelled or bracketed)
    carry: tuple[tuple[str, Role], ...] = ()  # `以下均需X配合落实`: added to the later points
    named_lead: bool = False  # a lead was named (牵头 label or word); else every name is responsible

    @property
    def empty(self) -> bool:
        return not (self.lead or self.support or self.open_ended)

    def first_leads(self) -> UnitRefs:
        """The reading of a document that says its first-listed unit leads: where no lead is named,
        the first name leads and the others support."""
        if self.named_lead or len(self.lead) < 2:
            return self
        return replace(self, lead=self.lead[:1], support=(*self.lead[1:], *self.support))


@dataclass
class _Ref:
    name: str
    role: Role
    carry: bool = False
    clause: int = 0  # which clause of the point named it: a bare 责任单位 list is read in its own clause


@dataclass
class _Found:
    start: int
    end: int
    refs: list[_Ref] = field(default_factory=list)


# --- vocabulary -------------------------------------------------------------------------------

_OPENS = "（(【〔［["
_CLOSES = "）)】〕］]"
_BRACKET = re.compile(r"[（(【〔［\[）)】〕］\]]")

# A label: `责任单位：`, `牵头责任单位:`, `协同责任单位：`, `【责任单位】`, `牵头：`.
_LABEL_NAME = (
    r"(?:牵头|主责|主办|配合|协办|参与|协同|协助|承办|落实|实施)?责任(?:处室单位|处室|单位|部门|科室|股室|主体|机构)"
    r"|(?:牵头|主责|主办|配合|协办|参与|协同|协助|承办|落实|实施)(?:处室单位|处室|单位|部门|科室|股室|主体|机构)?"
)

_BOUNDARY = r"(?<![^\s。；;，,、：:（(【〔）)】〕.．\]—－-])"


def _spaced(pattern: str) -> str:
    """A label as PDF copies and justified cells print it too: `责 任 单 位：`."""
    return re.sub(r"[\u4e00-\u9fff](?=[\u4e00-\u9fff(|)])", lambda char: char.group() + "[ \u3000]?", pattern)


_LABEL = re.compile(rf"{_BOUNDARY}[【\[]?(?P<name>{_spaced(_LABEL_NAME)})(?:\s*[：:]|[】\]])")
# A person, not a unit: `牵头负责领导：金力`, `责任人：`. Its value is skipped.
_PERSON_LABEL = re.compile(
    rf"{_BOUNDARY}(?:牵头|责任|分管|联系|主要)?(?:负责)?(?:市|县|区)?(?:领导|负责人|责任人|联系人)\s*[：:]"
)
# Any other label (`完成时限：`) ends a unit label's value.
_OTHER_LABEL = re.compile(
    rf"{_BOUNDARY}(?:[\u4e00-\u9fff]{{2,8}}\s*[：:]|[【\[][\u4e00-\u9fff]{{2,8}}[】\]])"
)
_CLOSING_BRACKET = re.compile(r"\s*(?:$|[。；;\n]|[（(【〔])")
_BRACKET_LABEL = re.compile(r"[【\[][\u4e00-\u9fff]{2,8}[】\]]")
_VALUE_STOP = re.compile(r"[\n。；;（(【〔）)】〕]")

# Role words. 会同 joins a lead to its partners; the rest give the names before them a role.
_ROLE_PATTERNS: list[tuple[str, Role]] = [
    (r"(?:分别|共同)?牵头(?:负责)?(?:落实|组织实施|抓总|推进)?", "lead"),  # `A、B分别牵头落实`
    (r"主责", "lead"),
    (
        r"(?:按照?(?:各自)?职(?:责|能)(?:分工)?)?(?:负责|共同|积极)?(?:配合|协助|协办|参与)(?:落实|实施|推进)?",
        "support",
    ),
    (r"按照?(?:各自)?职(?:责|能)(?:分工)?[^，,；;。、（）()]{0,4}?(?:负责|落实|推进|实施)(?:落实)?", "duty"),
    (r"(?:分工|共同|具体|分别)负责(?:落实)?", "duty"),
    (r"负责(?:落实|实施|推进)?", "duty"),
    (r"(?<=[局委办厅处室科部院府会组区县市镇乡关位门构队站所心司）)])(?:组织)?落实", "duty"),
]
_ROLE = re.compile(
    "会同|" + "|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_ROLE_PATTERNS))
)


def _role_of(match: re.Match[str]) -> Role:
    return _ROLE_PATTERNS[int((match.lastgroup or "r0")[1:])][1]


# `宣传处会办公室`: 会 (会同, 会办) between two names, not the 会 that ends a name (管委会, 协会).
_HUI = re.compile(r"(?<=[处局室科办厅部所站队院])会(?!同|议|商|签|审)")
# A bracketed mark is the name's own: `A（牵头）、B`.
_OWN_MARK = re.compile(r"[（(【](?P<word>牵头|主责|负责|配合|协办|参与|协助|协同)(?:单位|部门|处室)?[）)】]")
_CARRY = re.compile(r"^(?:以下|此后|后续|下同)(?:各项|各条|所有|任务|工作)*(?:均|都|也)?(?:需要|需|由|请)?")
# `以下统称各县（区）政府`, `简称X`: a name for the names before it, not another unit.
_NO_ROLE = re.compile(
    r"不再(?:一一)?(?:做|作|进行)?(?:分工|列出|列明|重复)|下同|^(?:以下|下文)?(?:统称|简称|合称|并称)"
)
_SEGMENT = re.compile(r"[，,；;。\n]")
_NAME_SEP = re.compile(r"[、/／，,；;\s]")
_INNER_SEP = re.compile(r"[、/／，,；;\s]")  # a bracket holding these holds a list, not a name
_CONJ = re.compile(r"以及|及|和|与|暨")
_NOISE = " \t\r\n\u3000。．.：:“”\"'‘’《》「」、，,；;/／"
_TRAILING_PAREN = re.compile(r"[（(][^（()）]*[）)]$")
# `各县、市、区政府`: one class of governments, written as a list of levels: a bare level (`各县`)
# followed by levels that have no name of their own (`市`, `区政府`).
_LEVEL = re.compile(r"(?:^|以及|及|和|与)各?(?:省|市|州|盟|县|区|旗|乡|镇|县级市|自治县|自治州)$")
_MORE_LEVEL = re.compile(
    r"^(?:省|市|州|盟|县|区|旗|乡|镇|县级市|自治县|自治州)(?:人民政府|政府|党委|党委政府|委|管委会|人大|政协)?"
    r"(?:[（(][^（）()]*[）)])?$"
)
# `市直有关部门、单位`: a bare class noun after 、 completes the name before it (有关部门 and 有关单位).
_CLASS_NOUN = re.compile(r"^(?:单位|部门|机构|处室|科室|企业|事业单位)$")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# What a unit name ends with. Single characters cover many names; the rest are spelled out because
# their last character alone is too common in ordinary words (会, 台, 行, 社, 联, 班, 团).
_UNIT_SUFFIXES = _words(
    """
    局 厅 委 办 处 科 室 股 院 所 站 队 组 部 司 署 馆 府 关
    中心 部门 单位 机构 机关 海关 专班 党校 学校 高校 院校 医院 片区 园区 开发区 新区 示范区
    委员会 委会 协会 学会 商会 工会 联合会 基金会 研究会 促进会 红十字会 管委会
    妇联 残联 文联 侨联 工商联 社科联 科协 政协 人大 法院 检察院 人行 支行 分行 银行
    集团 公司 共青团 兵团 电视台 电台 气象台 报社 杂志社 出版社 通讯社 合作社 供销社 融媒体中心
    县 区 市 州 盟 旗 乡 镇 街道 社区 各地 乡镇 县区 县市区
    """
)
_NOT_UNIT_ENDINGS = _words(
    """
    场所 住所 处所 厕所 好处 到处 之处 难处 益处 长处 短处 此处 何处 一处 多处 深处 用处 出处
    相处 去处 坏处 学科 本科 专科 会议室 教室 卧室 温室 持股 控股 入股 参股 全部 内部 外部 局部
    干部 底部 顶部 头部 中部 东部 西部 南部 北部 大局 布局 格局 开局 结局 变局 僵局 残局 定局
    破局 大厅 餐厅 客厅 展厅 门厅 原委 部署 签署 上司 官司 承办 督办 主办 协办 举办 创办 代办
    帮办 交办 转办 分办 包办 查办 领办 会办 兴办 开办 合办 经办 申办 通办 网办 好办 快办 易办
    照办 待办 在办 已办 速办 网站 团队 排队 梯队 重组 改组 编组 分组 城市 都市 超市 股市 夜市
    上市 楼市 辖区 景区 山区 灾区 疫区 误区 禁区 盲区 专区 分区 城乡 家乡 下乡 返乡 老乡 故乡
    机关 有关 相关 开关 难关 把关 攻关 公关 过关 通关 海关政策
    """
)
_COLLECTIVE = re.compile(
    r"^(?:各|全)?(?:[\u4e00-\u9fff]{0,6}?)(?:其他|其它)?(?:各)?(?:相关|有关)?"
    r"(?:单位|部门|机构|机关|处室|科室|股室|县区|乡镇|街道|地方|方面)$"
)
_OPEN_WORDS = re.compile(r"^(?:[\u4e00-\u9fff]{0,6}?)(?:各|其他|其它)?(?:相关|有关)|^(?:其他|其它)")
# Words a unit name never contains, but a sentence does.
# (Single characters only where no unit name has them: 应 is in 应急管理局, 于 in 于都县, 向 in 向阳街道.)
_NOT_IN_UNIT = re.compile(
    r"[的把是了并均须]|要求|需要|应当|应该|将要|必须|由于|对于|关于|按照|为了|以下|以上|简称|包括|含有|不含"
    r"|会同|牵头|负责|配合|参与|协助|落实|做好|加强|开展|推进|涉及|不再"
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z（）()·]+")


# `排在第一位的为牵头单位`: a document that says its first-listed unit leads.
_FIRST_LEADS = re.compile(
    r"(?:排在|列在|排名|列|排)?(?:第一位|第一个|首位|第一)的?(?:单位|部门|责任单位)?(?:为|是|作为)牵头(?:单位|部门)"
)


def first_listed_leads(text: str) -> bool:
    """Whether the document states that the first unit listed for a point leads it."""
    return _FIRST_LEADS.search(text) is not None


def looks_like_unit(name: str, known: Collection[str] = ()) -> bool:
    """Does the name read as a government unit (by its shape, or because the registry knows it)?"""
    return name in known or _unit_shaped(name)


@cache
def _unit_shaped(name: str) -> bool:
    # Cached: a plan names the same units point after point.
    # 规划信息处(爱卫办) is judged by 规划信息处; 各县、市、区政府 (one class of governments) as a whole.
    core = _TRAILING_PAREN.sub("", name).replace("、", "")
    if not 2 <= len(core) <= 30 or _NAME_CHARS.fullmatch(core) is None or _NOT_IN_UNIT.search(core):
        return False
    if core[0].isdigit():
        return False  # `0处`, `3个科室`: a count, not an office
    if _COLLECTIVE.match(core):
        return True
    return core.endswith(_UNIT_SUFFIXES) and not core.endswith(_NOT_UNIT_ENDINGS)


# --- public API -------------------------------------------------------------------------------


def find_units(text: str, *, known: Collection[str] = ()) -> UnitRefs:
    """Units of one point from its text (title + body), in the Simplified shadow.

    Every labelled clause and every bracketed clause of names and role words counts (the union, in
    order); prose (`由A牵头，B配合`) is read only when there is no clause."""
    pairs = _pairs(text)
    found = _labelled(text, pairs)
    found += _bracketed(text, pairs, found, known)
    found.sort(key=lambda item: item.start)
    if not found:
        return _resolve(_numbered(_prose(text, known)))
    refs = _resolve(_numbered(found))
    spans = tuple((item.start, item.end) for item in found)
    return replace(refs, span=spans[0], spans=spans)


def split_unit_list(cell: str, *, known: Collection[str] = ()) -> UnitRefs:
    """A table cell or a label's value: `办公室、法规处`, `A（牵头）、B`, `牵头：A；配合：B`."""
    pairs = _pairs(cell)
    labels = list(_LABEL.finditer(cell))
    if labels:
        found = _labelled(cell, pairs)
        head = cell[: labels[0].start()]
        refs = _role_list(head, "duty", known) + [ref for item in found for ref in item.refs]
    else:
        refs = _role_list(cell, "duty", known)
    return _resolve(refs)


# --- clauses ----------------------------------------------------------------------------------


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


def _label_role(name: str) -> Role:
    name = re.sub(r"\s", "", name)
    if name.startswith(("牵头", "主责", "主办")):
        return "lead"
    if name.startswith(("配合", "协办", "参与", "协同", "协助")):
        return "support"
    return "duty"


def _labelled(text: str, pairs: dict[int, int]) -> list[_Found]:
    """Every unit label with its value; consecutive labels (one bracket, or one per line) make one
    clause, whose span takes in the bracket around it and the labels of other kinds inside it. What
    a bracket says after its labels (`…。以下任务均需A落实，不再列出`) is read too."""
    found: list[_Found] = []
    rest_of: dict[int, int] = {}  # clause index -> where its last label's value ended
    for label in _LABEL.finditer(text):
        start = label.start()
        value_end = _value_end(text, label.end(), pairs)
        following = _OTHER_LABEL.search(text, label.end(), value_end)
        person = _PERSON_LABEL.search(text, label.end(), value_end)
        spaced = _LABEL.search(text, label.end(), value_end)  # `责 任 单 位：` is no _OTHER_LABEL
        stops = [m.start() for m in (following, person, spaced) if m]
        end = min(stops) if stops else value_end
        refs = _role_list(text[label.end() : end], _label_role(label["name"]), ())
        if found and start < found[-1].end:
            found[-1].refs += refs  # another label in the same bracket: `（牵头单位：A；责任单位：B）`
            rest_of[len(found) - 1] = end
            continue
        item = _Found(start, end, refs)
        # The bracket the label opens (`（责任单位：…；完成时限：…）`) is the clause's span.
        opener = _opener_before(text, start, pairs)
        if opener is not None:
            item.start, item.end = opener, pairs[opener] + 1
            rest_of[len(found)] = end
        else:
            while item.end > item.start and text[item.end - 1].isspace():
                item.end -= 1
            if item.end < len(text) and text[item.end] in "。；;":
                item.end += 1  # the clause's own terminator, so cutting it leaves no `。。`
        found.append(item)
    for index, end in rest_of.items():
        rest = text[end : found[index].end - 1]
        if _ROLE.search(rest) and not _OTHER_LABEL.search(rest):
            found[index].refs += _role_list(rest, "duty", (), strict=True, partial=True, lenient=True)
    # Labels chained one per line or after `；` are one clause.
    merged: list[_Found] = []
    for item in found:
        if merged and not text[merged[-1].end : item.start].strip(" \t\n；;。，,"):
            merged[-1].end = max(merged[-1].end, item.end)
            merged[-1].refs += item.refs
        else:
            merged.append(item)
    return merged


def _opener_before(text: str, start: int, pairs: dict[int, int]) -> int | None:
    """The bracket holding a label when the bracket is a clause of labels (`（责任单位：…）`,
    `（完成时限：…；牵头单位：…）`): the innermost pair around it whose content starts with a label."""
    best = None
    for open_at, close_at in pairs.items():
        inside = open_at < start < close_at and (best is None or open_at > best)
        if inside and (_OTHER_LABEL.match(text, open_at + 1) or _LABEL.match(text, open_at + 1)):
            best = open_at
    return best


def _value_end(text: str, pos: int, pairs: dict[int, int]) -> int:
    """Where a label's value ends: line end, 。, ；, or a closer at this level; a matched bracket pair
    inside the value (`各市（州）人民政府`) is skipped over whole."""
    # Inside a bracket a value may run over a line break (`（责任单位：A、\nB）`).
    inside = any(o < pos <= c for o, c in pairs.items())
    while (stop := _VALUE_STOP.search(text, pos)) is not None:
        at = stop.start()
        if text[at] == "\n" and inside:
            pos = at + 1
            continue
        if at in pairs and _BRACKET_LABEL.match(text, at):
            return at  # `【完成时限】`: the next label
        if at in pairs:
            pos = pairs[at] + 1
        elif text[at] in _OPENS:
            pos = at + 1
        else:
            return at
    return len(text)


def _bracketed(text: str, pairs: dict[int, int], taken: list[_Found], known: Collection[str]) -> list[_Found]:
    """`（市工商质监局牵头负责）`: a bracket holding only names and role words."""
    found: list[_Found] = []
    for open_at in sorted(pairs):
        close_at = pairs[open_at]
        if any(item.start <= open_at < item.end for item in [*taken, *found]):
            continue
        inner = text[open_at + 1 : close_at]
        if _LABEL.search(inner) or len(inner) > 300:
            continue
        # Names alone in a bracket are a clause only where the bracket closes a sentence or the point
        # (`…公开。（市政府办公室、市司法局）`); elsewhere a bracket of names is an aside.
        if not _ROLE.search(inner) and not _CLOSING_BRACKET.match(text, close_at + 1):
            continue
        refs = _role_list(inner, "duty", known, strict=True, lenient=True)
        if refs:
            found.append(_Found(open_at, close_at + 1, refs))
    return found


# Prose inside a sentence: `由A牵头，B配合`, `A会同B、C负责`, `由A负责`, `A负责，B配合落实`.
_LIST = r"[^。；;，,：:\s由（）()【】]{2,40}?"
_PROSE = re.compile(
    rf"(?:(?<![自理经缘因来])(?P<by>由)(?!于|此|衷)|(?<![^\s。；;，,：:]))(?P<lead>{_LIST})"
    rf"(?:(?P<verb>牵头负责|牵头|主责|负责)|会同(?P<with>{_LIST})(?:共同|按职责)?(?:负责|牵头))"
    rf"(?:[，,](?P<sup>{_LIST})(?:共同)?(?:配合|参与|协助|协办)(?:落实)?)?"
)
_SENTENCE = re.compile(r"[^。；;\n]+")


def _prose(text: str, known: Collection[str]) -> list[_Found]:
    """Sentences made only of names and role words (`A、B牵头，市直其他单位按职能分工落实`; a
    one-cell-per-line table gives one after each requirement it covers: all of them count), else
    the first `由A牵头，B配合` pattern whose names all look like units."""
    found: list[_Found] = []
    for sentence in _SENTENCE.finditer(text):
        body = sentence.group().strip()
        if _ROLE.search(body):
            refs = _role_list(body, "duty", known, strict=True)
            if refs and not _is_open_only([ref.name for ref in refs]):
                found.append(_Found(sentence.start(), sentence.end(), refs))
    if found:
        return found
    for match in _PROSE.finditer(text):
        lead = _names(match["lead"], known)
        partners = _names(match["with"], known) if match["with"] else []
        helpers = _names(match["sup"], known) if match["sup"] else []
        if not lead or not all(looks_like_unit(n, known) for n in lead):
            continue
        if match["with"] and not (partners and all(looks_like_unit(n, known) for n in partners)):
            continue
        if match["sup"] and not all(looks_like_unit(n, known) for n in helpers):
            helpers = []
        # A bare `X负责` is as often a duty sentence as an assignment (`政策起草处室负责解答`): only
        # `由X负责` or a named partner makes it one.
        if match["verb"] == "负责" and not match["by"] and not partners and not helpers:
            continue
        if _is_open_only(lead):
            continue
        refs = [_Ref(n, "lead") for n in lead]
        refs += [_Ref(n, "support") for n in [*partners, *helpers]]
        return [_Found(match.start(), match.end(), refs)]
    return []


def _is_open_only(names: list[str]) -> bool:
    return all(_OPEN_WORDS.match(name) and not name.startswith("各") for name in names)


# --- role lists -------------------------------------------------------------------------------


def _role_list(
    value: str,
    default: Role,
    known: Collection[str],
    *,
    strict: bool = False,
    partial: bool = False,
    lenient: bool = False,
) -> list[_Ref]:
    """Names with their roles from `A、B牵头，C配合`, `X牵头Y负责`, `A会同B负责`, `A会B`.

    Names before a role word take its role; names with none take the next role word in the clause,
    or `default` at its end. `strict` (prose, brackets without a label): every part must be names and
    role words, and the names must look like units, else nothing is returned; with `partial`, only
    the parts that fail are left out (`具体任务均涉及…，不再做分工`). `lenient` (a bracket): a name
    need only read as a name (short, no sentence words), if one of the clause's names looks like a unit
    (`（市税务局、人行某中支牵头）`)."""
    fits = (lambda name: _name_like(name, known)) if lenient else (lambda name: looks_like_unit(name, known))
    if strict and partial:
        return [
            ref
            for segment in _segments(value, _pairs(value))
            for ref in _role_list(segment, default, known, strict=True, lenient=lenient)
        ]
    refs: list[_Ref] = []
    pending: list[tuple[str, Role | None]] = []  # names still waiting for a role
    pairs = _pairs(value)
    for segment in _segments(value, pairs):
        text = segment.strip(_NOISE)
        if not text:
            continue
        carry_match = _CARRY.match(text)
        carry = carry_match is not None and carry_match.end() > 0
        if carry:
            text = text[carry_match.end() :]
        if _NO_ROLE.search(text) and not _ROLE.search(_NO_ROLE.sub("", text)):
            continue  # `不再做分工，下同`: assigns nothing
        if text.startswith("由"):
            text = text[1:]
        last = 0
        partner = False  # after 会同: names are partners (support) until the next role word
        matched = False
        own = [(m.start(), m.end()) for m in _OWN_MARK.finditer(text)]
        for role_word in _ROLE.finditer(text):
            if any(s <= role_word.start() < e for s, e in own):
                continue  # `A（牵头）`: the name's own mark, read with the name
            matched = True
            names = _marked_names(text[last : role_word.start()], known)
            word = role_word.group()
            if word == "会同":
                refs += [_Ref(n, own or "lead", carry) for n, own in [*pending, *names]]
                pending = []
                partner = True
            else:
                role: Role = "support" if partner else _role_of(role_word)
                # `A、B，C等按职责分工负责`: a responsibility word covers the names before it in the
                # clause; `A，B配合` marks only its own group (A is the unmarked lead).
                if role == "duty" or partner:
                    names, pending = [*pending, *names], []
                refs += [_Ref(n, own or role, carry) for n, own in names]
                partner = False
            last = role_word.end()
        rest = text[last:]
        if strict and matched and rest.strip(_NOISE + "等工作任务"):
            return []  # words after the last role word: a sentence, not a clause
        names = _marked_names(rest, known)
        if strict and not matched and not all(fits(n) for n, _ in names):
            return []
        if partner:
            refs += [_Ref(n, own or "support", carry) for n, own in names]
        else:
            pending += names
    refs += [_Ref(n, own or default) for n, own in pending]
    refs = _split_hui(refs, known)
    if strict and (
        not refs
        or not all(fits(r.name) for r in refs)
        or not any(looks_like_unit(r.name, known) for r in refs)
    ):
        return []
    return refs


def _name_like(name: str, known: Collection[str]) -> bool:
    """A unit's shape, or at least a short name with no sentence words in it (an abbreviation)."""
    core = _TRAILING_PAREN.sub("", name).replace("、", "")
    return looks_like_unit(name, known) or (
        2 <= len(core) <= 15 and _NAME_CHARS.fullmatch(core) is not None and not _NOT_IN_UNIT.search(core)
    )


def _segments(value: str, pairs: dict[int, int]) -> list[str]:
    """Split at ， ； 。 and line ends outside matched brackets."""
    parts: list[str] = []
    start = pos = 0
    while (found := _SEGMENT.search(value, pos)) is not None:
        at = found.start()
        inside = any(o < at < c for o, c in pairs.items())
        if not inside:
            parts.append(value[start:at])
            start = found.end()
        pos = found.end()
    parts.append(value[start:])
    return parts


def _split_hui(refs: list[_Ref], known: Collection[str]) -> list[_Ref]:
    """`宣传处会办公室` (Guangdong usage of 会 for 会同): the first leads, the second supports."""
    out: list[_Ref] = []
    for ref in refs:
        found = _HUI.search(ref.name)
        if found:
            left, right = ref.name[: found.start()], ref.name[found.end() :]
            if looks_like_unit(left, known) and looks_like_unit(right, known):
                out += [_Ref(left, "lead", ref.carry), _Ref(right, "support", ref.carry)]
                continue
        out.append(ref)
    return out


def _names(text: str, known: Collection[str]) -> list[str]:
    return [name for name, _ in _marked_names(text, known)]


def _marked_names(text: str, known: Collection[str]) -> list[tuple[str, Role | None]]:
    """Unit names of a list with their own marks (`市财政局（牵头）`): split at 、 / ， and at 及/和/与
    between whole names, never inside brackets or one class of governments; a list-closing 等
    dropped; times and empties left out."""
    text = text.strip(_NOISE)
    if not text:
        return []
    text = _strip_closing_deng(text)
    pairs = _pairs(text)
    parts: list[str] = []
    start = pos = 0
    while (found := _NAME_SEP.search(text, pos)) is not None:
        at = found.start()
        if any(o < at < c for o, c in pairs.items()):
            pos = found.end()
            continue
        parts.append(text[start:at])
        start = pos = found.end()
    parts.append(text[start:])
    parts = _join_levels([_trim(part) for part in parts])
    names: list[tuple[str, Role | None]] = []
    for part in parts:
        own: Role | None = None
        mark = _OWN_MARK.search(part)
        if mark and not part[mark.end() :].strip(_NOISE):
            own = {"牵头": "lead", "主责": "lead", "负责": "duty"}.get(mark["word"], "support")
            part = part[: mark.start()]
        part = _strip_closing_deng(_trim(part))
        if not _HAN.search(part) or _is_time(part, known):
            continue  # no name without a character in it (punctuation, a number), nor a time
        names += [(_trim(name), own) for name in _split_conj(part, known) if _trim(name)]
    return names


def _strip_closing_deng(text: str) -> str:
    """`基层处等` -> 基层处; `区发改委等相关区直部门` keeps its 等 (a noun phrase follows it)."""
    text = text.strip(_NOISE)
    while text.endswith("等") and len(text) > 1:
        text = text[:-1].strip(_NOISE)
    return text


def _join_levels(parts: list[str]) -> list[str]:
    """`各县`、`市`、`区政府` -> `各县、市、区政府`: the levels of one class of governments."""
    out: list[str] = []
    joining = False
    for part in parts:
        if out and _CLASS_NOUN.match(part) and looks_like_unit(out[-1]):
            out[-1] = f"{out[-1]}、{part}"
            continue
        if joining and out and _MORE_LEVEL.match(part):
            out[-1] = f"{out[-1]}、{part}"
        else:
            out.append(part)
            joining = bool(_LEVEL.search(part))
            continue
        joining = bool(_LEVEL.search(part))
    return out


def _trim(part: str) -> str:
    """Strip punctuation and unmatched brackets from both ends; a matched pair (`各市（州）`) is
    never cut in half, and is unwrapped only when it is the whole part and holds no list."""
    while True:
        part = part.strip(_NOISE)
        if not _BRACKET.search(part):
            return part
        pairs = _pairs(part)
        if part and part[0] in _OPENS + _CLOSES and 0 not in pairs:
            part = part[1:]
        elif part and part[-1] in _OPENS + _CLOSES and len(part) - 1 not in pairs.values():
            part = part[:-1]
        elif pairs.get(0) == len(part) - 1 and not _INNER_SEP.search(part, 1, len(part) - 1):
            part = part[1:-1]
        else:
            return part


def _split_conj(name: str, known: Collection[str]) -> list[str]:
    """Split at 及/和/与 only when both sides are unit names: `市财政局和市审计局` splits,
    `市政务服务和大数据管理局` does not (`市政务服务` is not a unit)."""
    if not _CONJ.search(name):
        return [name]
    pairs = _pairs(name)
    for conj in _CONJ.finditer(name):
        if any(o < conj.start() < c for o, c in pairs.items()):
            continue
        left, right = _trim(name[: conj.start()]), _trim(name[conj.end() :])
        if looks_like_unit(left, known) and looks_like_unit(right, known):
            return [left, *_split_conj(right, known)]
    return [name]


def _is_time(part: str, known: Collection[str]) -> bool:
    """A time written among the names (`9月30日前`, `长期坚持`), never a unit."""
    return not looks_like_unit(part, known) and _is_phrase(part)


@cache
def _is_phrase(part: str) -> bool:
    return parse_phrase(part, None) is not None


def _numbered(found: list[_Found]) -> list[_Ref]:
    """The names of all clauses in order, each marked with its clause."""
    return [replace(ref, clause=index) for index, item in enumerate(found) for ref in item.refs]


def _resolve(refs: Iterable[_Ref]) -> UnitRefs:
    """Lead and support of a point from all its names: `duty` names support when their clause names
    a lead, else they lead (`（牵头单位：A；责任单位：B）…（责任单位：C）`: B supports, C leads the
    part its clause closes); a name both lead and support is lead; order of appearance is kept."""
    refs = list(refs)
    has_lead = any(ref.role == "lead" for ref in refs)
    led = {ref.clause for ref in refs if ref.role == "lead"}
    lead: list[str] = []
    support: list[str] = []
    carry: list[tuple[str, Role]] = []
    for ref in refs:
        if ref.carry:
            carry.append((ref.name, ref.role))
        if ref.role == "lead" or (ref.role == "duty" and ref.clause not in led):
            lead.append(ref.name)
        else:
            support.append(ref.name)
    leads = tuple(dict.fromkeys(lead))
    supports = tuple(dict.fromkeys(n for n in support if n not in leads))
    open_ended = any(_OPEN_WORDS.match(name) for name in (*leads, *supports))
    return UnitRefs(leads, supports, open_ended, carry=tuple(dict.fromkeys(carry)), named_lead=has_lead)
