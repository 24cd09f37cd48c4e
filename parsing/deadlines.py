"""The deadline of one task: the one time phrase that governs the point, as a Deadline.

Documents say when a point is due in many ways (11月30日前, 2020年8月底前, 第三季度, 年内, 每季度,
持续推进); `find_deadline` picks the phrase that governs the whole point and `parse_phrase` reads one
phrase on its own (a table cell). Pure functions; every regex is compiled once, at import.

How the text is read: full-width digits and signs (１１月３０日, ：；（）) are folded to ASCII, and the
places that hold no deadlines (titles in 《》, 〔2021〕, document-number parentheses) are blanked, both
one character for one. So every match position is a position in the original text, and Deadline.text is
an exact slice of it. Chinese numerals are matched in place and converted by `chinese_to_int`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from models.plan import Deadline, DeadlineType, Recurrence
from parsing.chinese_numbers import chinese_to_int

# Full-width forms the patterns care about, folded to ASCII (１ -> 1, （ -> ( ...). Only these: a
# str.translate over all of ！…～ costs more than the whole search on a page of Chinese.
_FULL_WIDTH = re.compile(r"[０-９：；（）．／－～［］！？]")
_BLANK = "\x00"

# Where a year is a reference, not a deadline: 《2021年…工作要点》, 〔2021〕, [2021], and a parenthesis
# holding a document number: (吉政公组〔2021〕2号), (国务院令第713号).
_IGNORED = re.compile(
    r"《[^《》]*》|\([^()]*(?:〔[0-9]{4}〕|第[0-9]+号)[^()]*\)|〔[^〔〕]*〕|\[[0-9]{4}\]|【[0-9]{4}】"
)

_CN = "〇○零一二三四五六七八九"
# A year: 2021年, 二〇二一年, or one named relative to the plan year (今年, 明年, 次年).
_YEAR = rf"(?:(?<![0-9])(?P<year>[0-9]{{4}}|[{_CN}]{{4}})年|(?P<rel>今|本|当|明|次)年)"
_NUM = r"[0-9]{1,2}|[一二三四五六七八九十]{1,3}"
_BEFORE = r"(?P<before>之前|以前|前)?"

_MONTH = (
    rf"{_YEAR}?(?<![0-9])(?P<month>{_NUM})月"
    rf"(?:(?P<day>{_NUM})[日号]|(?P<xun>[上中下])旬|(?P<end>底|末|份))?{_BEFORE}"
)
# 2021.6.30, 2021-06-30, 2021/6/30: only with a four-digit year, so 1.2 and 5.15 stay out.
_NUMERIC = (
    rf"(?<![0-9.])(?P<year>[0-9]{{4}})(?P<sep>[./-])(?P<month>[0-9]{{1,2}})(?P=sep)"
    rf"(?P<day>[0-9]{{1,2}})(?![0-9]){_BEFORE}"
)
# 每一季度 and 每半年 are recurring, not a quarter or a half.
_QUARTER = rf"{_YEAR}?(?<!每)第?(?P<quarter>[一二三四1-4])季度(?:末|底)?{_BEFORE}"
_HALF = rf"{_YEAR}?(?<!每)(?P<half>[上下])半年度?(?:末|底)?{_BEFORE}"
# 年底 / 年末 / 年内 / 全年; not after a count (三年内, 半年内: "within three years"), 去年底 or 每年年底.
# 列入年底考核 names when an assessment happens, not when the work is due: 年底 straight before such a
# word is no deadline (年底前总结 still is).
_YEAR_END = (
    rf"(?:{_YEAR}年?|(?<![0-9{_CN}十百千两几多半去每年])年)度?(?:底|末|内)"
    rf"(?:(?=之前|以前|前){_BEFORE}|(?!考核|考评|评估|评议|述职|总结|综合考))"
)
# A bare year (and a bare month) counts only with 前, a completion verb after it, 到/至 before it, in a
# range, or in a labelled place.
_BARE_YEAR = rf"{_YEAR}(?P<before>之前|前)?"
_DONE = re.compile(r"(?:基本|全面)?(?:完成|建成|办结|完工)")
# 截至/截止 2022年底: a state of affairs at a date. 每年/每月 before a date: the date recurs.
_WHOLE_YEAR = re.compile(r"全年(?:度)?|本年度内?")
_STATUS = re.compile(r"(?:截至|截止到?|截止至)\s*$")
_EACH = re.compile(r"每(?:年|个?月|个?季度?|半年)\s*$")
# 2016年以后 / 7月1日起施行: a starting point, never a deadline.
_FROM = re.compile(r"以后|之后|以来|起(?![草到步诉])|开始")


def _branch(name: str, pattern: str) -> str:
    """One alternative of _ATOM; its groups become name_year, name_month... (re wants unique names)."""
    renamed = re.sub(r"\(\?P([<=])(\w+)", rf"(?P\1{name}_\2", pattern)
    return f"(?P<{name}>{renamed})"


# One regex for all: one match call per place. At one place the branches exclude each other, except
# that a bare year is a prefix of the others, so it comes last.
_ATOM = re.compile(
    "|".join(
        _branch(name, pattern)
        for name, pattern in [
            ("numeric", _NUMERIC),
            ("month", _MONTH),
            ("quarter", _QUARTER),
            ("half", _HALF),
            ("year_end", _YEAR_END),
            ("bare_year", _BARE_YEAR),
        ]
    )
)
# Where an atom may start: its first character, with 年, 月, 季 or a date separator within five.
_START = re.compile(rf"[0-9{_CN}十今本当明次第上下年全](?:(?<=年)|(?=.{{0,3}}[年月季./-]))")
_RANGE_JOIN = re.compile(r"\s*(?:至|到|-{1,2}|—{1,2}|~|–|―)\s*")

# Every branch starts with a literal (每/按/逐), which lets the regex engine skip ahead quickly; the
# period is then read from the matched text, the first of _PERIODS in it (每年年底 is yearly).
_RECURRING = re.compile(
    r"每(?:周|星期|半年度?|个?月(?:底|末)?(?:之前|前)?|个?季度?(?:末|底)?(?:之前|前)?"
    r"|一?年(?:度|年底|年末|底|末)?(?:之前|前)?)"
    r"|按(?:周(?!期)|月|季度?|年度)|逐(?:月|季)"
)
_PERIODS = (
    ("半年", Recurrence.HALF_YEARLY),
    ("周", Recurrence.WEEKLY),
    ("星期", Recurrence.WEEKLY),
    ("季", Recurrence.QUARTERLY),
    ("月", Recurrence.MONTHLY),
    ("年", Recurrence.YEARLY),
)
# A point's time given as "no end" (in a label, a time column, the closing clause, or a sentence of its
# own). Words of manner in a body (及时, 定期, 持续提升, 常态化, 动态更新) are not deadlines.
_ONGOING = re.compile(
    r"(?:持续|长期|常态化)(?:推进|坚持|开展|落实|实施)|长期(?:有效)?|持续|常态化(?:推进)?|经常性|动态(?:更新|调整)"
)
# 可持续 (sustainable), 长期以来 (for a long time) say nothing about the task.
_NOT_ONGOING = re.compile(r"可持续|长期以来")
# A segment of the body that is only an ongoing phrase (`……。长期坚持。`) gives the point's time.
_ONGOING_ALONE = re.compile(
    r"(?:^|(?<=[。；;，,\n(]))\s*(?:持续推进|长期坚持|长期推进|持续开展|长期开展|常态化推进|持续落实)\s*(?=$|[。；;，,\n)])"
)

# A labelled time inside the text: （…；完成时限：2022年6月底前）. The value ends at ；, ）, 。 or a line end;
# a label alone on its line (时间要求：) takes the next line.
_LABEL = re.compile(
    r"(?:完成时限|完成时间|完成期限|办结时限|截止时间|时间要求|时限要求|时间节点|时间安排|进度安排|进度要求|时限"
    r"|(?<![\u4e00-\u9fff])时间)"
    r"\s*(?::|】|\])\s*(?P<value>[^;)。\n【]*)"
)


@dataclass(slots=True)
class _Atom:
    """One dated phrase: a day, or the end of a month, quarter, half or year."""

    start: int
    end: int
    month: int
    day: int | None = None  # None: the last day of the month
    year: int | None = None  # a year written out
    rel: int | None = None  # years after the plan year (今年 0, 明年 1); None when no year is written
    exact: bool = False  # a day was given: type date rather than period_end
    strong: bool = True  # False: a bare 2021年 / 6月, a deadline only in a range or a labelled place


@dataclass(slots=True)
class _Dated:
    """An atom resolved against the plan year (a Deadline is built only for the one chosen)."""

    start: int
    end: int
    kind: DeadlineType
    date: dt.date | None
    key: tuple[int, ...]  # orders deadlines, also those whose year is unknown
    strong: bool


def find_deadline(
    text: str,
    year: int | None,
    *,
    labelled: str | None = None,
    clauses: tuple[tuple[int, int], ...] = (),
    places_only: bool = False,
) -> Deadline:
    """The deadline of one task, from its title + body (`text`) and the plan year.

    A time counts where the labelling rules put one: `labelled` (a time column), a labelled phrase in
    the text (完成时限：…), the responsibility clauses (`clauses`: spans in `text`, e.g.
    `（责任单位：市委网信办，9月30日前）`), else the body saying when the point's work is due (a dated
    phrase with 前/底/内, a day, a range, a completion verb) or recurs (每季度). Among several dates
    at one level the latest wins. Words of manner (及时, 定期, 持续提升, 常态化) are no deadline; an
    ongoing phrase counts only in a labelled place or as a sentence of its own. `places_only`: only a
    labelled time counts (a heading's time words do not reach the points under it).
    """
    if labelled:
        found = parse_phrase(labelled, year)
        if found is not None:
            return found
    plain = _plain(text)
    dated = _dated(plain, year)

    places = [(m.start("value"), m.end("value")) for m in _LABEL.finditer(plain)] + list(clauses)
    in_places = [d for d in dated if any(s <= d.start and d.end <= e for s, e in places)]
    if in_places:
        return _latest(text, in_places)
    for start, end in places:
        found = _recurring(text, plain, start, end) or _ongoing(text, plain, start, end)
        whole_year = _WHOLE_YEAR.search(plain, start, end)
        if found is None and whole_year is not None:
            found = parse_phrase(text[whole_year.start() : whole_year.end()], year)
        if found:
            return found
    if places_only:
        return Deadline()

    strong = [d for d in dated if d.strong]
    if strong:
        return _latest(text, strong)
    found = _recurring(text, plain, 0, len(plain))
    if found:
        return found
    alone = _ONGOING_ALONE.search(plain)
    if alone:
        phrase = alone.group().strip()
        at = plain.find(phrase, alone.start())
        return Deadline(type=DeadlineType.ONGOING, text=text[at : at + len(phrase)])
    return Deadline()


def parse_phrase(phrase: str, year: int | None) -> Deadline | None:
    """Interpret one time phrase on its own (a table cell); None if it is not a time phrase.

    The phrase is known to be a time, so a bare 2022年 or 6月 counts here.
    """
    plain = _plain(phrase)
    dated = _dated(plain, year)
    each = _RECURRING.search(plain)
    if dated and not (each and each.start() < dated[0].start and len(dated) == 1):
        return _latest(phrase, dated)  # (`每年6月30日前` is a yearly recurrence, not a date)
    found = _recurring(phrase, plain, 0, len(plain)) or _ongoing(phrase, plain, 0, len(plain))
    if found is None and phrase.strip() == "年度":  # a time cell saying only 年度: once a year
        found = Deadline(type=DeadlineType.RECURRING, text=phrase.strip(), recurrence=Recurrence.YEARLY)
    whole_year = _WHOLE_YEAR.search(plain)
    if found is None and whole_year is not None:
        # A time cell saying 全年: the work runs through the plan year and is due at its end (in a
        # body, 全年 is a scope: 全年公开信息不少于100条).
        due = dt.date(year, 12, 31) if year is not None else None
        found = Deadline(
            type=DeadlineType.PERIOD_END, date=due, text=phrase[whole_year.start() : whole_year.end()]
        )
    return found


def _plain(text: str) -> str:
    """Folded and blanked copy of `text`, of the same length."""
    folded = _FULL_WIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), text)
    return _IGNORED.sub(lambda m: _BLANK * len(m.group()), folded)


def _dated(plain: str, year: int | None) -> list[_Dated]:
    """Every dated phrase, ranges merged, impossible dates dropped."""
    kept: list[_Atom] = []
    for atom in _atoms(plain):
        if kept and _RANGE_JOIN.fullmatch(plain, kept[-1].end, atom.start):
            atom = _range(kept.pop(), atom)
        kept.append(atom)
    dated = []
    for atom in kept:
        found = _resolve(atom, year)
        if found is not None:
            kind = DeadlineType.DATE if atom.exact else DeadlineType.PERIOD_END
            dated.append(_Dated(atom.start, atom.end, kind, *found, atom.strong))
    return dated


def _atoms(plain: str) -> list[_Atom]:
    """Atoms from left to right, the longest at each place. Trying _ATOM only where _START allows (a
    handful of places in 500 characters, not 500) is what keeps a point well under a millisecond: the
    optional year in front of most branches defeats the regex engine's own skipping."""
    atoms: list[_Atom] = []
    end = 0
    for candidate in _START.finditer(plain):
        start = candidate.start()
        if start < end:
            continue
        m = _ATOM.match(plain, start)
        if m is not None:
            atoms.append(_atom(m, plain))
            end = m.end()
    return atoms


def _atom(m: re.Match[str], plain: str) -> _Atom:
    """The atom of one match. An impossible value (13月, 2月30日), a starting point (2016年以后) or a
    state of affairs (截至2022年底) becomes 0 and fails in `_resolve`: the atom still covers its text,
    so no part of it is read again as a bare 2016年. A date after 每年/每月 recurs: it is weak, so the
    recurrence is the deadline."""
    start, end = m.span()
    if not _group(m, "before") and _FROM.match(plain, end):
        return _Atom(start, end, month=0)
    if _STATUS.search(plain, max(0, start - 4), start):
        return _Atom(start, end, month=0)
    atom = _dated_atom(m, plain)
    if _EACH.search(plain, max(0, start - 3), start):
        atom.strong = False
    return atom


def _group(m: re.Match[str], name: str) -> str | None:
    """The group `name` of the branch that matched; None when it took no part."""
    index = _ATOM.groupindex.get(f"{m.lastgroup or ''}_{name}")
    return m.group(index) if index else None


def _dated_atom(m: re.Match[str], plain: str) -> _Atom:
    kind = m.lastgroup or ""

    def group(name: str) -> str | None:
        return _group(m, name)

    start, end = m.span()
    before = group("before")
    year = rel = None
    if text := group("year"):
        year = chinese_to_int(text) or 0
        year = year if 1900 <= year < 2200 else 0
    elif text := group("rel"):
        rel = 1 if text in "明次" else 0
    # A bare 2022年 / 6月 is a deadline with 前, a completion verb after it, or 到/至 before it.
    marked = (
        before is not None or _DONE.match(plain, end) is not None or plain[start - 1 : start] in ("到", "至")
    )
    if kind in ("numeric", "month"):
        month = chinese_to_int(group("month") or "") or 0
        if day := group("day"):
            return _Atom(start, end, month, chinese_to_int(day) or 0, year, rel, exact=True)
        xun = group("xun")
        month_end = group("end")
        strong = bool(xun or month_end) or marked
        if before and not xun and month_end in (None, "份") and 1 <= month <= 12:
            # `8月前`: before August begins, so the end of July (`1月前`: the end of December before).
            if month == 1:
                return _Atom(start, end, 12, None, year - 1 if year else None, (rel or 0) - 1, strong=True)
            return _Atom(start, end, month - 1, None, year, rel, strong=True)
        return _Atom(start, end, month, {"上": 10, "中": 20}.get(xun or ""), year, rel, strong=strong)
    if kind == "quarter":
        month = 3 * (chinese_to_int(group("quarter") or "") or 0)
    elif kind == "half":
        month = 6 if group("half") == "上" else 12
    else:  # 年底, 年末, 年内, 全年, a bare year
        month = 12
    strong = kind != "bare_year" or marked
    return _Atom(start, end, month, year=year, rel=rel, strong=strong)


def _range(first: _Atom, last: _Atom) -> _Atom:
    """`first`至`last` is due at the end of `last`, which takes its year from `first` if it has none."""
    merged = replace(last, start=first.start, strong=True)
    if last.year is not None:
        return merged
    if last.rel is None:  # 6月至12月: the year of the start; 11月至2月: the year after
        later = (last.month, last.day or 32) < (first.month, first.day or 0)
        offset = int(later)
    else:  # 2022年11月至次年2月: 次年 is the year after the start
        offset = last.rel
    if first.year is not None:
        return replace(merged, year=first.year + offset, rel=None)
    return replace(merged, rel=(first.rel or 0) + offset)


def _resolve(atom: _Atom, plan_year: int | None) -> tuple[dt.date | None, tuple[int, ...]] | None:
    """(date, ordering key) of the atom; date None when the year is unknown; None when impossible."""
    if atom.year is not None:
        year: int | None = atom.year
    else:
        year = plan_year + (atom.rel or 0) if plan_year is not None else None
    try:
        if year is None:
            _due(2000, atom.month, atom.day)  # a leap year: only checks that 2月30日 is impossible
            return None, (0, atom.rel or 0, atom.month, atom.day or 32)
        due = _due(year, atom.month, atom.day)
    except ValueError:
        return None  # 2月30日, or a plan year out of range
    return due, (1, due.toordinal())


def _due(year: int, month: int, day: int | None) -> dt.date:
    return dt.date(year, month, day if day is not None else calendar.monthrange(year, month)[1])


def _latest(text: str, dated: list[_Dated]) -> Deadline:
    """The point is done when its last part is; a date known beats one whose year is unknown."""
    last = max(dated, key=lambda d: d.key)
    return Deadline(type=last.kind, date=last.date, text=text[last.start : last.end])


def _recurring(text: str, plain: str, start: int, end: int) -> Deadline | None:
    m = _RECURRING.search(plain, start, end)
    if m is None:
        return None
    recurrence = next(period for word, period in _PERIODS if word in m.group())
    return Deadline(type=DeadlineType.RECURRING, text=text[m.start() : m.end()], recurrence=recurrence)


def _ongoing(text: str, plain: str, start: int, end: int) -> Deadline | None:
    for m in _ONGOING.finditer(plain, start, end):
        if not _NOT_ONGOING.match(plain, max(m.start() - 1, 0)) and not _NOT_ONGOING.match(plain, m.start()):
            return Deadline(type=DeadlineType.ONGOING, text=text[m.start() : m.end()])
    return None
