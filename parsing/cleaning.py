"""Plain text of a copied web page -> the document's own lines.

Documents arrive as they were copied from government sites: breadcrumbs, metadata tables, print and
share links, footers with phone and ICP numbers, HTML entities, pinyin inserted after characters and
byte-level mojibake. `clean_text` removes all of it (keeping what the metadata said about the
document in `meta`), repairs what can be repaired and says so in `repairs`, and keeps each line's
number in the input so warnings point at the right place.

Noise is recognised on a Simplified shadow of each line (OpenCC keeps lengths, so spans carry over
to the original), and only when a line is short or built the way web furniture is built — a body
sentence that happens to mention 电话 or 打印 is never dropped.
"""

from __future__ import annotations

import codecs
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from parsing.script import to_simplified


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the text given to clean_text
    text: str  # the cleaned line (stripped); pinyin glosses a copy inserted are not part of it


@dataclass
class Cleaned:
    lines: list[Line] = field(default_factory=list)  # body lines in order, noise and blanks removed
    meta: dict[str, str] = field(default_factory=dict)  # "title", "issuer", "doc_number", "date"
    repairs: list[str] = field(default_factory=list)  # what was repaired, for the reviewer
    dropped: list[tuple[Line, str]] = field(default_factory=list)  # noise lines and why (NOISE_REASONS)


def clean_text(text: str) -> Cleaned:
    cleaned = Cleaned()
    numbered: list[tuple[int, str]] = []
    suspects: list[tuple[int, int]] = []  # (index in numbered, position): last character of a repaired run
    # splitlines() breaks at exactly _NEWLINES once the separators \x1c-\x1e are gone (they are controls).
    for no, raw in enumerate(_normalise_chars(text).splitlines(), start=1):
        line = _normalise(raw)
        ends: list[int] = []
        if line and ("?" in line or "\ufffd" in line):
            line, ends = _repair_bracket_mojibake(line, no, cleaned.repairs)
        if line and not line.isascii():
            repaired = _C1.sub("", _repair_whole_line(line, no, cleaned.repairs)).strip()
            ends = ends if repaired == line else []  # positions no longer fit
            line = repaired
        if line:
            pieces = _paragraphs(line)
            if len(pieces) > 1:
                # Paragraph breaks lost in a crawl: the mojibake positions no longer fit any piece.
                numbered.extend((no, piece) for piece in pieces)
                continue
            suspects.extend((len(numbered), end) for end in ends)
            numbered.append((no, line))
    numbered = _remove_pinyin(numbered, suspects, cleaned.repairs)
    shadows = to_simplified("\n".join(line for _, line in numbered)).split("\n") if numbered else []
    kinds = [_classify(shadow) for shadow in shadows]
    _meta_block(shadows, kinds)
    ranks: dict[str, int] = {}
    for (_, line), shadow, kind in zip(numbered, shadows, kinds, strict=True):
        if kind == _META:
            _mine_meta(line, shadow, cleaned.meta, ranks)
    _drop_footer_tail(shadows, kinds)
    previous = None
    for (no, line), kind in zip(numbered, kinds, strict=True):
        if kind != _BODY:
            cleaned.dropped.append((Line(no, line), kind))
            continue
        key = _SPACE_RUN.sub("", line)
        if key == previous and "|" not in line and "\t" not in line:
            # A title repeated by the page template (seed 000 shows it three times).
            cleaned.dropped.append((Line(no, line), "repeat"))
            continue
        previous = key
        cleaned.lines.append(Line(no, line))
    return cleaned


# --- 0. A body copied as one line ----------------------------------------------------------------

# Some crawls keep a page's whole body on one line, its paragraph breaks turned into single spaces.
# Chinese prose has no spaces between words, so in such a line a space is a paragraph break — unless
# letters or digits stand on both sides of it (a time `2023-03-30 15:53`, a Latin name). A line is read this way only when it is long and at least two of
# the pieces start with a point's marker: an ordinary paragraph with a stray space stays whole.
_ONE_LINE_MIN = 100
_BREAK = re.compile(r"(?<![A-Za-z0-9])[ \t]+|[ \t]+(?![A-Za-z0-9])")  # not inside `15:53`, `QQ Zone`
_PIECE_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、](?!\d))"
)
_MIN_MARKED_PIECES = 2
_BARE_MARKER = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、]")


# A word printed with its characters spaced out (`责 任 单 位 :`, as PDF copies justify labels) is one
# word, whatever the crawl did to the paragraph breaks around it: three characters at least.
_SPACED_WORD = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?: [\u4e00-\u9fff]){2,}(?![\u4e00-\u9fff])")
_SPACE_BEFORE_COLON = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[：:])")


def _paragraphs(line: str) -> list[str]:
    if len(line) < _ONE_LINE_MIN or "|" in line or "｜" in line or "\t" in line:
        return [line]  # short, or a table row: its spaces are no paragraph breaks
    joined = _SPACE_BEFORE_COLON.sub("", _SPACED_WORD.sub(lambda word: word.group().replace(" ", ""), line))
    pieces: list[str] = []
    for piece in _BREAK.split(joined):
        if not piece:
            continue
        if pieces and _BARE_MARKER.fullmatch(pieces[-1]):
            pieces[-1] += piece  # `1. 地区生产总值…`: a marker and its text belong together
        else:
            pieces.append(piece)
    if sum(1 for piece in pieces if _PIECE_MARKER.match(piece)) < _MIN_MARKED_PIECES:
        return [line]
    return pieces


# --- 1. Normalising characters -------------------------------------------------------------------

_NEWLINES = re.compile("\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
# Entities the HTML extraction left behind (text copied from page source): named ones need their
# semicolon here, so `&para=2` in a URL stays as it is.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# NBSP and the other wide or narrow spaces become plain spaces; zero-width characters, soft hyphens,
# BOMs and control characters (but tab, a table-cell separator, and the line breaks) are not text.
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f]")
# C1 controls go only after the mojibake repair: in UTF-8 read as Latin-1 they are half the evidence.
_C1 = re.compile("[\x80-\x84\x86-\x9f]")
_SPACE_RUN = re.compile(r"\s+")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"(?P<mark>\*\*|__)(?P<text>\S(?:.*?\S)?)(?P=mark)")


def _normalise_chars(text: str) -> str:
    return _INVISIBLE.sub("", _SPACES.sub(" ", text))


def _normalise(raw: str) -> str:
    """One line, its characters already normalised: decode leftover entities, strip."""
    line = raw
    if "&" in line:
        for _ in range(2):  # `&amp;nbsp;` — escaped twice by a careless CMS
            line = _ENTITY.sub(lambda found: html.unescape(found.group(0)), line)
        line = _NEWLINES.sub(" ", _normalise_chars(line))  # `&#13;` must not break the line
    line = line.strip()
    if "#" in line or "*" in line or "__" in line:
        # A plan kept as Markdown: `## 二、工作要求` is the heading `二、工作要求`, `**每月**` is `每月`.
        line = _MARKDOWN_EMPHASIS.sub(r"\g<text>", _MARKDOWN_HEADING.sub("", line))
    return line


# --- 2. Mojibake ---------------------------------------------------------------------------------
#
# Seed 001 was served in GBK and read one byte out of step where a point began with a full-width
# bracket: a stray byte before `（` (A3 A8) became `?`, and from there every pair of bytes was decoded
# across character boundaries — `（三）推進` = `A3 A8|C8 FD|A3 A9|CD C6|DF 4D` read after a stray A1
# as `A1 A3|A8 C8|FD A3|A9 CD|C6 DF|4D`: `。ㄈ` + (FD A3 is a user-defined code, a private-use
# character, which was dropped) + `┩七` + `M`, where a trail byte in the ASCII range put the reader
# back in step. A pair that is not GBK at all became `?` and took its second byte with it
# (`（二）2020年` -> `?。ǘ?020年`); a lone byte at the end of a line became `?` too.
#
# The repair: encode the run after the `?` as GBK again, drop its first byte (the stray pair's
# second half), and read the rest in step, the resynchronising ASCII character being the last trail
# byte. Between the brackets, the pairs a numeral's trail byte formed with the next lead byte were
# dropped whenever they were private-use codes (after 二 B6 FE, 三 C8 FD, 六 C1 F9, 十 CA AE): the
# numeral zone is parsed character by character, putting back such pairs, so that it reads
# `（numeral）`. A reading is accepted only when everything decodes strictly into ordinary text; when
# dropped pairs leave more than one numeral possible, the note says which. Past the bracket nothing
# tells which bytes a dropped pair held: a run that lost one there reads one wrong character in place
# of two (the seed's runs are short — Traditional characters often have ASCII-range trail bytes,
# which end the run). Each repair is noted with its before and after for the reviewer.

_MOJIBAKE_RUN = re.compile(r"[?\ufffd]([^\x00-\x7f]{2,})([?\x40-\x7e]?)")
_NUMERALS = "〇一二三四五六七八九十"
_OPEN, _CLOSE = "（".encode("gb18030"), "）".encode("gb18030")
_DIGITS = "一二三四五六七八九"
# Point numbers 1-99 as written (一 … 十 十一 … 二十 … 九十九), and what they start with.
_NUMBERS = frozenset(
    [*_DIGITS, "十", *("十" + d for d in _DIGITS)]
    + [t + "十" + d for t in _DIGITS[1:] for d in ("", *_DIGITS)]
)
_NUMBER_PREFIXES = frozenset(number[:end] for number in _NUMBERS for end in range(1, len(number) + 1))
# (character, lead byte, trail byte) of what can stand between the brackets, and the closing one.
_ZONE_CHARS = [(char, *char.encode("gb18030")) for char in (*_DIGITS, "十", "）")]
_MAX_DROPPED = 2  # pairs put back; more would be guessing
_REPAIRED_HEAD = re.compile(f"^（[{_NUMERALS}]+）")
# What a repaired run may contain: CJK, CJK and full-width punctuation, printable ASCII.
_TEXTLIKE = re.compile(r"^[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e\u2010-\u2027\x20-\x7e]*$")
_LOST_YEAR_DIGIT = re.compile(r"^([09])\d\d年")
_CONTEXT = re.compile(r"[^(（]{0,4}")  # a little of what follows, for the note
# Bopomofo, box drawing, pinyin letters: what GBK read out of step is made of.
_DEBRIS = re.compile("[\u3100-\u312f\u2500-\u257f\u01cd-\u01dc\u0101-\u016b]")
_CJK = re.compile("[\u4e00-\u9fff]")


def _repair_bracket_mojibake(line: str, no: int, repairs: list[str]) -> tuple[str, list[int]]:
    """The line with its out-of-step runs repaired, and where each repaired run ends."""
    out: list[str] = []
    ends: list[int] = []
    done = 0
    for found in _MOJIBAKE_RUN.finditer(line):
        try:
            raw = found.group(1).encode("gb18030")
        except UnicodeEncodeError:
            continue
        rest = line[found.end() :]
        context = _CONTEXT.match(rest).group(0)  # type: ignore[union-attr]
        if raw[1:2] != _OPEN[:1]:
            # Not a bracket read out of step. `??` or debris after a `?` is damage all the same: say so.
            doubled = found.start() > 0 and line[found.start() - 1] in "?\ufffd"
            if doubled or _DEBRIS.search(found.group(1)):
                damaged = line[found.start() - doubled : found.end()]
                repairs.append(f"第{no}行：疑似乱码“{damaged}”，未改动")
            continue
        readings = _realign(raw[1:], found.group(2), rest)
        if not readings:
            repairs.append(f"第{no}行：乱码“{found.group(0)}{context}”无法修复，保留原样")
            continue
        text = readings[0]
        note = f"第{no}行：已修复乱码“{found.group(0)}{context}”为“{text}{context}”"
        # Readings that put back more pairs are possible too; worth naming when they are numbers a
        # plan reaches (十 may have been 十二, 十三 or 十六; 二 is hardly ever 二十).
        others = [head for head in map(_head, readings[1:]) if len(head) == 4 and head[1] == "十"]
        if others:
            note += f"（也可能是{'、'.join(others)}：编号的部分字节已丢失）"
        repairs.append(note)
        out.append(line[done : found.start()])
        out.append(text)
        ends.append(sum(map(len, out)) - 1)
        done = found.end()
    if not out:
        return line, []
    out.append(line[done:])
    return "".join(out), ends


def _head(text: str) -> str:
    found = _REPAIRED_HEAD.match(text)
    return found.group(0) if found else ""


def _realign(data: bytes, follow: str, rest: str) -> list[str]:
    """Readings of an out-of-step run, fewest pairs put back first (`data`: its bytes from the
    bracket's lead byte on; `follow`: the ASCII character that ended it; `rest`: the line after)."""
    tails: list[tuple[bytes, str]] = []  # (last bytes, text standing for a lost character)
    if follow == "?":
        year = _LOST_YEAR_DIGIT.match(rest)
        if year:
            # `?` stood for `）`'s trail byte A9 and an ASCII byte, lost with it: a year's first digit.
            tails.append((b"\xa9" + (b"2" if year.group(1) == "0" else b"1"), ""))
        elif not rest:
            # The line ended out of step and its last byte became `?`: `）`'s trail byte (a heading
            # alone on its line), or the trail byte of the last character, which is then lost.
            tails += [(b"\xa9", ""), (b"", "?")]
    elif follow:
        tails.append((follow.encode("ascii"), ""))
    for tail, lost in tails:
        readings = [text + lost for text in _readings(data[:-1] if lost else data + tail)]
        if tail == b"\xa9" and not rest:
            readings = [text for text in readings if _REPAIRED_HEAD.fullmatch(text)]
        if readings:
            return readings
    return []


def _readings(data: bytes) -> list[str]:
    found: list[tuple[int, str]] = []
    _parse_numerals(data, 1, _OPEN[1], "", 0, found)
    texts = []
    for _, text in sorted(found):
        if text not in texts:
            texts.append(text)
    return texts


def _parse_numerals(
    data: bytes, at: int, trail: int, numerals: str, dropped: int, found: list[tuple[int, str]]
) -> None:
    """Read `（numerals）` from `data[at:]`, where the misread pairs are (trail of one character, lead
    of the next): each is either still there or was a private-use code and is gone."""
    for char, lead, next_trail in _ZONE_CHARS:
        if (numerals + char not in _NUMBER_PREFIXES) if char != "）" else (numerals not in _NUMBERS):
            continue
        pair = bytes([trail, lead])
        if data[at : at + 2] == pair:
            step, drops = 2, dropped
        elif _is_private_use(pair) and dropped < _MAX_DROPPED:
            step, drops = 0, dropped + 1
        else:
            continue
        if char != "）":
            _parse_numerals(data, at + step, next_trail, numerals + char, drops, found)
        elif data[at + step : at + step + 1] == _CLOSE[1:]:
            try:
                text = ("（" + numerals + "）").encode("gb18030")[:-1] + data[at + step :]
                decoded = text.decode("gb18030")
            except UnicodeDecodeError:
                continue
            if _TEXTLIKE.match(decoded):
                found.append((drops, decoded))


@cache
def _is_private_use(pair: bytes) -> bool:
    try:
        return "\ue000" <= pair.decode("gb18030") <= "\uf8ff"
    except UnicodeDecodeError:
        return False


# Whole lines of the classic kinds: UTF-8 read as GBK (`鍚夋灄鐪乣`), or as Latin-1/CP1252 (`å\x90\x89`).
_MIN_MOJIBAKE_CHARS = 6
_MIN_REPAIRED_CJK = 4
_PREFIX_CHARS = 16
_LATIN = re.compile("[\u00c0-\u00ff]")


def _repair_whole_line(line: str, no: int, repairs: list[str]) -> str:
    # Correct text almost never re-encodes to valid UTF-8 (GBK byte pairs rarely form UTF-8 sequences),
    # so a strict decode that yields ordinary Chinese is the repair; the codecs fail fast otherwise.
    if len(line) < _MIN_MOJIBAKE_CHARS:
        return line
    try:  # cheap first look at the start of the line
        codecs.utf_8_decode(line[:_PREFIX_CHARS].encode("gb18030"), "strict", False)
        encodings: tuple[str, ...] = ("gb18030",)
    except (UnicodeEncodeError, UnicodeDecodeError):
        encodings = ()
    if _LATIN.search(line):
        encodings += ("cp1252", "latin-1")
    for encoding in encodings:
        try:
            fixed = line.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        plausible = len(_CJK.findall(fixed)) >= _MIN_REPAIRED_CJK and _TEXTLIKE.match(fixed)
        if len(fixed) < len(line) and plausible:
            note = f"“{_C1.sub('', line[:12])}…”改为“{fixed[:8]}…”"
            repairs.append(f"第{no}行：已修复乱码（UTF-8 被当作 {encoding} 读取）：{note}")
            return fixed
    return line


# --- 3. Pinyin inserted after characters ---------------------------------------------------------

_HAN = "[\u3400-\u9fff\uf900-\ufaff]"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_TONED_SYLLABLE = f"[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*"
# A parenthesised syllable right after a character; group 1 or 2 is the syllable. Only lowercase
# letters: `(ICP)`, `(2020)`, `(一)` and `(Beijing Office)` never match.
_PINYIN_TONED = re.compile(f"(?<={_HAN})(?:\\(({_TONED_SYLLABLE})\\)|（({_TONED_SYLLABLE})）)")
_PINYIN_TONELESS = re.compile(f"(?<={_HAN})(?:\\(([a-zü]{{2,6}})\\)|（([a-zü]{{2,6}})）)")
_ANNOTATED = re.compile(f"({_HAN})(?:\\(({_TONED_SYLLABLE})\\)|（({_TONED_SYLLABLE})）)")
_UNTONE = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv")
# A pinyin syllable (tone marks removed, ü as v): an initial, then a final that exists in Mandarin.
_SYLLABLE = re.compile(
    r"^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:a(?:i|o|n|ng)?|o(?:u|ng)?|e(?:i|n|ng|r)?|i(?:a(?:o|n|ng)?|e|u|o|n|ng|ong)?"
    r"|u(?:a(?:i|n|ng)?|o|i|e|n)?|v(?:e|n|an)?)$"
)
# Toneless syllables (neutral tone, or a site that drops the marks) are removed only from a document
# that shows the pattern with tone marks, and never a lone letter: `(a)` may be an enumeration.
_MIN_TONED_FOR_TONELESS = 2


@cache
def _is_syllable(syllable: str) -> bool:
    return len(syllable) <= 6 and bool(_SYLLABLE.match(syllable.translate(_UNTONE)))


def _remove_pinyin(
    lines: list[tuple[int, str]], suspects: list[tuple[int, int]], repairs: list[str]
) -> list[tuple[int, str]]:
    """(line number, line without pinyin glosses). A gloss is the copy's, not the document's: titles
    and unit names are read without it, as a clerk would type them."""
    if not any("(" in line or "（" in line for _, line in lines):
        return lines
    lines = _check_suspects(lines, suspects, repairs)
    removed: list[str] = []

    def drop(found: re.Match[str]) -> str:
        if not _is_syllable(found.group(1) or found.group(2)):
            return found.group(0)
        removed.append(found.group(0))
        return ""

    def sweep(rows: list[tuple[int, str]], pattern: re.Pattern[str]) -> list[tuple[int, str]]:
        return [(no, pattern.sub(drop, line) if "(" in line or "（" in line else line) for no, line in rows]

    out = sweep(lines, _PINYIN_TONED)
    if len(removed) >= _MIN_TONED_FOR_TONELESS:
        out = sweep(out, _PINYIN_TONELESS)
    if removed:
        count = len(removed)
        repairs.append(f"去掉了字后插入的{count}处拼音注音，例如“{removed[0]}”")
    return [(no, line.strip()) for no, line in out if line.strip()]


def _check_suspects(
    lines: list[tuple[int, str]], suspects: list[tuple[int, int]], repairs: list[str]
) -> list[tuple[int, str]]:
    """The last character of a repaired run is the least certain (bytes may be lost before the
    resynchronising one). When the document annotates it with pinyin, never gives that pinyin to it
    anywhere else, and gives it to exactly one other character, that character is the one meant."""
    if not suspects:
        return lines
    text = "\n".join(line for _, line in lines)
    seen = Counter((char, toned or full) for char, toned, full in _ANNOTATED.findall(text))
    lines = list(lines)
    for index, at in suspects:
        no, line = lines[index]
        found = _PINYIN_TONED.match(line, at + 1) if at < len(line) else None
        if not found:
            continue
        syllable = found.group(1) or found.group(2)
        others = {char for char, reading in seen if reading == syllable and char != line[at]}
        if seen[(line[at], syllable)] == 1 and len(others) == 1:
            (char,) = others
            lines[index] = (no, line[:at] + char + line[at + 1 :])
            repairs.append(
                f"第{no}行：“{found.group(0)}”前的“{line[at]}”读作“{char}”（本文件给这个拼音注的是这个字）"
            )
    return lines


# --- 4. Web noise --------------------------------------------------------------------------------

_BODY, _META, _TAIL = "body", "meta", "tail"
# Noise kinds (what a dropped line was), for `duban parse --explain`.
NOISE_REASONS = {
    "breadcrumb": "网页导航路径",
    "prev_next": "上一篇/下一篇链接",
    "site_notice": "网站声明或原文链接",
    "url": "网址",
    "footer": "网页页脚（版权、备案号、联系方式）",
    "separator": "分隔线",
    "more": "“更多”链接",
    "toolbar": "网页按钮（打印、关闭、字号、分享等）",
    "meta": "网页元数据（索引号、发布时间、来源等）",
    "symbols": "只有符号的行",
    "page": "页码",
    "attachment": "附件文件名",
    "tail": "页脚之后的网页内容",
    "repeat": "网页模板重复的标题",
}
_NOISE = frozenset(NOISE_REASONS) - {_META, _TAIL}
_INSIDE = frozenset({"symbols", "page"})  # noise found inside a body, which ends no body
_MAX_NOISE_CHARS = 400  # longer lines are prose, whatever they contain
_PROSE_MIN = 60  # a line this long with a full stop in it is a sentence
# A numbered point is body, never furniture.
_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]{1,4}[）)]|\d{1,3}[.．、](?!\d)|[①-⑳])"
)
_BREADCRUMB = re.compile(
    r"^(?:当前位置|您现在的位置|您的位置|现在的位置|您当前的位置|当前的位置|所在位置|当前页面)\s*(?:是)?\s*[:：]"
)
_HOME_CHAIN = re.compile(r"^(?:网站首页|首页|主页|Home)\s*(?:>>?|»|＞|›|→|/|\\)", re.I)
_CHAIN_SPLIT = re.compile(r"\s*(?:>>?|»|＞+|›|→)\s*")
_PREV_NEXT = re.compile(r"^(?:上一[条篇页]|下一[条篇页]|上篇|下篇|前一篇|后一篇)(?:文章|信息)?\s*[:：]?")
_SITE_NOTICE = re.compile(
    r"^[\[【(（]?\s*(?:免责声明|免责条款|版权声明|特别声明|网站声明)"
    r"|^(?:原文链接|原文地址|本文链接|本文地址|文章链接|文章地址|原文出处|转载请注明|来源链接|核心提示)\s*[:：]?"
    r"|^(?:本站|本网站|本网)(?:部分)?(?:信息|文章|内容|转载|所载|刊登|发布|图片).{0,80}(?:转载|责任|负责|承担|联系|版权|仅供|侵权|删除)"
)
_FOOTER_MARK = re.compile(
    r"版权所有(?![人者])|版权归.{0,20}所有|Copyright|©|All Rights Reserved|ICP[备证]\s*[:：]?\s*\d|ICP备案号"
    r"|公网安备|公网编号|网安备\s*\d|网站标识码|网站识别码|备案号\s*[:：]",
    re.I,
)
_FOOTER_MARK_MAX = 200
_SEPARATOR_LINE = re.compile(r"^[-=_*~—─━·.…#+]{3,}$")
# `------分隔线-----`, `==== 正文 ====`: a rule with a word in it is still a rule.
_SEPARATOR_WORD = re.compile(
    r"分隔线|分割线|华丽的分割线|(?<=[-=_*~—─━#+]{3})\s*(?:正文|全文|内容)\s*(?=[-=_*~—─━#+]{3})"
)
# A page's metadata printed as a numbered list: `1. [主题分类] 综合政务`, `5. 【成文日期】2016-06-08`.
_NUMBERED_META = re.compile(r"^(?P<lead>\d{1,2}\s*[.．、]\s*)[\[【]\s*[\u4e00-\u9fff ]{2,8}\s*[\]】]")
_ATTACHMENT_FILE = re.compile(r"^[^。，,；;]{1,80}\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar|et|txt)$", re.I)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—－–]+\s*\d{1,3}\s*[-—－–]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_WORDISH = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_MORE = re.compile(r"(?:MORE|更多)\s*(?:>>|»|＞＞|>|\+)\s*$", re.I)
_MORE_MAX = 40
# Page controls. A line is a toolbar when nothing but these and separators is left; a sentence that
# mentions 打印 has words around it and stays.
_TOOLBAR = re.compile(
    r"打印(?:本页|此页|本文|文章|页面|正文)?|关闭(?:本页|窗口|本窗口|页面)?|分享(?:到|至)?|"
    r"扫一扫(?:在手机(?:上)?(?:打开|浏览|阅读)(?:当前页|本页|此页)?)?|加入收藏|收藏(?:本页|本站)?|"
    r"放大字体|缩小字体|(?:字体|字号)(?:大小)?\s*[:：]?(?:\s*[大中小]){1,3}|"
    r"返回(?:顶部|首页|列表|上一页)?|视力保护色|我要纠错|纠错|复制链接|保存(?:本页)?|QQ空间|朋友圈|微信|微博|"
    r"网站地图|联系我们|关于我们|设为首页|相关阅读|相关链接|相关文章|推荐阅读|延伸阅读|默认|"
    r"政务微信|政务微博|附件下载|下载(?:本页|附件|全文|文件)?|全文|字体|字号|浏览次数|阅读次数|点击数|"
    r"(?:^|(?<=\s))[大中小](?=\s|$)",
    re.I,
)
_SEPARATORS = re.compile(r"[\s|｜/·•\-—_【】\[\]()（）<>〔〕:：,，、;；]+")

# Metadata: `key: value` pairs, or keys and values in table cells. field, priority (lower wins).
_META_KEYS: dict[str, tuple[str | None, int, bool]] = {  # key -> (field, priority, strong)
    "标题": ("title", 1, True),
    "信息名称": ("title", 2, True),
    "文件名称": ("title", 2, True),
    "名称": ("title", 3, False),
    "发布机构": ("issuer", 1, True),
    "发文机关": ("issuer", 1, True),
    "发文单位": ("issuer", 1, True),
    "发布单位": ("issuer", 1, True),
    "制发机关": ("issuer", 1, True),
    "发文机构": ("issuer", 1, True),
    "信息来源": ("issuer", 3, True),
    "文章来源": ("issuer", 3, True),
    "来源": ("issuer", 3, True),
    "发文字号": ("doc_number", 1, True),
    "文号": ("doc_number", 1, True),
    "发文文号": ("doc_number", 1, True),
    "成文日期": ("date", 1, True),
    "发文日期": ("date", 1, True),
    "印发日期": ("date", 1, True),
    "发布日期": ("date", 2, True),
    "公开日期": ("date", 2, True),
    "发布时间": ("date", 2, True),
    "生成日期": ("date", 2, True),
    "更新时间": ("date", 3, True),
    "更新日期": ("date", 3, True),
    "时间": ("date", 4, False),
    "日期": ("date", 4, False),
    **{
        key: (None, 9, True)
        for key in (
            "索引号",
            "主题分类",
            "主题词",
            "公开方式",
            "公开范围",
            "公开形式",
            "公开时限",
            "存放位置",
            "有效性",
            "效力状态",
            "体裁分类",
            "组配分类",
            "服务对象分类",
            "信息分类",
            "所属机构",
            "所属主题",
            "文种",
            "点击数",
            "点击量",
            "点击率",
            "浏览次数",
            "浏览量",
            "阅读次数",
            "阅读量",
            "访问量",
            "访问次数",
            "作者",
            "责任编辑",
            "编辑",
            "审核",
            "校对",
            "供稿",
            "稿源",
            "实施日期",
            "生效日期",
            "废止日期",
            "失效日期",
            "分类",
            "栏目",
            "本地目录",
            "所属栏目",
            "法宝引证码",
            "时效性",
            "效力级别",
            "发布部门",
            "公布日期",
            "施行日期",
            "联合发文单位",
            "文件来源",
            "页面链接与图片详见",
        )
    },
}
_KEY_PATTERN = "|".join(r"\s*".join(map(re.escape, key)) for key in sorted(_META_KEYS, key=len, reverse=True))
# A key stands alone: at the start or after a separator, and followed by a colon, a separator or the end.
_META_KEY = re.compile(rf"(?<![^\s|｜【\[,，;；])(?P<key>{_KEY_PATTERN})\s*(?:[:：]|(?=[\s|｜】\]]|$))")
_LEADING_DATE = re.compile(r"^\s*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_META_VALUE_MAX = 100
_VALUE_TRIM = " \t|｜:：,，;；【】[]"
_ORG_SUFFIX = re.compile(r"(?:局|厅|委|委员会|政府|办公室|办|院|部|中心|署|会|处|室|所|站|队|公司)$")
_NOT_ORG = re.compile(r"网|报|社|台|本站|佚名")

# Footer fields: `地址:…  电话:…  邮编:…`, `XX主办 | YY承办`.
_FIELD_SPLIT = re.compile(
    r"\s{2,}|[|｜;；]|\s*[,，、]\s*(?=[^\s,，、:：]{1,14}[:：])|\s+(?=[^\s:：]{1,14}[:：])"
)
_FOOTER_FIELD = re.compile(
    r"^(?:[\u4e00-\u9fffA-Za-z]{0,12}?(?:电话|热线|手机|传真|邮编|邮政编码|邮箱|信箱|电子邮件|地址|办公区|网址|QQ|"
    r"E-?mail|微信号?|联系人)\s*[:：]"
    r"|(?:主办|承办|主管|协办|技术支持|运行维护|网站维护|维护|制作|建设)(?:单位)?\s*[:：]"
    r"|[^。，,；;！？:：]{2,40}?\s*(?:主办|承办|主管|协办|技术支持|维护|制作)(?:单位)?$)",
    re.I,
)
_FOOTER_WORD = re.compile(
    r"电话|热线|手机|传真|邮编|邮政编码|邮箱|信箱|电子邮件|地址|办公区|网址|QQ|mail|微信|联系人|"
    r"主办|承办|主管|协办|技术支持|维护|制作|建设",
    re.I,
)
_FOOTER_FIELD_MAX = 80
_FOOTER_LINE_MAX = 250
# After the last sentence or numbered point, a footer begins at the first noise line; short lines
# after it are footer too (site names, link lists), never the signature that comes before it.
_TAIL_LINE_MAX = 60


def _classify(shadow: str) -> str:
    """_BODY, _META, or the kind of noise the line is."""
    if len(shadow) > _MAX_NOISE_CHARS or (_MARKER.match(shadow) and not _NUMBERED_META.match(shadow)):
        return _BODY
    if _BREADCRUMB.match(shadow) or _HOME_CHAIN.match(shadow):
        return "breadcrumb"
    if _PREV_NEXT.match(shadow):
        return "prev_next"
    if _SITE_NOTICE.match(shadow):
        return "site_notice"
    if _URL_ONLY.match(shadow):
        return "url"
    if len(shadow) <= _FOOTER_MARK_MAX and _FOOTER_MARK.search(shadow):
        return "footer"
    if len(shadow) > _PROSE_MIN and "。" in shadow:
        return _BODY  # prose: what remains to check is furniture, which has no sentences
    if _is_chain(shadow):
        return "breadcrumb"
    if _SEPARATOR_LINE.match(_SEPARATOR_WORD.sub("", shadow).replace(" ", "") or "x"):
        return "separator"
    if len(shadow) <= _MORE_MAX and _MORE.search(shadow):
        return "more"
    if _ATTACHMENT_FILE.match(shadow):
        return "attachment"
    if _PAGE_NUMBER.match(shadow):
        return "page"  # `— 3 —`, `第2页 共5页` from a PDF copy (a bare `3` may be a table's 序号)
    numbered = _NUMBERED_META.match(shadow)
    if numbered:  # `1. [主题分类] 综合政务`: a page's metadata printed as a numbered list
        return _META if _meta_pairs(shadow[numbered.end("lead") :]) is not None else "meta"
    if _meta_pairs(shadow) is not None:
        return _META
    if not _WORDISH.search(shadow):
        return "symbols"  # `|`, `×`, `【 】`: nothing a document says
    # Blank out page controls (same length, so meta spans still fit the original line).
    rest = _blank_toolbar(shadow)
    if not _SEPARATORS.sub("", rest):
        return "toolbar"
    if rest != shadow and _meta_pairs(rest) is not None:
        return _META
    if _FOOTER_WORD.search(rest) and _is_footer_fields(rest):
        return "footer"
    return _BODY


def _is_chain(shadow: str) -> bool:
    """`政务公开 > 通知公告 > 正文`: short segments joined by arrows, no sentence."""
    if "。" in shadow or len(shadow) > _FOOTER_LINE_MAX:
        return False
    parts = _CHAIN_SPLIT.split(shadow)
    return len(parts) >= 3 and all(0 < len(part) <= 25 for part in parts[:-1])


def _is_footer_fields(rest: str) -> bool:
    if len(rest) > _FOOTER_LINE_MAX:
        return False
    fields = [part.strip(" ,，、") for part in _FIELD_SPLIT.split(rest.strip())]
    fields = [part for part in fields if part]
    short = all(len(part) <= _FOOTER_FIELD_MAX for part in fields)
    return bool(fields) and short and all(_FOOTER_FIELD.match(part) for part in fields)


def _meta_pairs(rest: str, *, relaxed: bool = False) -> list[tuple[str, int, int]] | None:
    """(key, value start, value end) of a metadata line, or None when the line is not one. A weak
    key alone (`名称：…`) makes a metadata line only `relaxed`, inside a block of metadata."""
    leading = _LEADING_DATE.match(rest)
    start = leading.end() if leading else 0
    while start < len(rest) and rest[start] in _VALUE_TRIM:
        start += 1
    if not _META_KEY.match(rest, start):
        return None  # metadata lines start with a key (or with the date the key belongs to)
    keys = list(_META_KEY.finditer(rest, start))
    pairs = []
    for index, found in enumerate(keys):
        end = keys[index + 1].start() if index + 1 < len(keys) else len(rest)
        value = rest[found.end() : end].strip(_VALUE_TRIM)
        if len(value) > _META_VALUE_MAX or "。" in value:
            return None
        pairs.append((_SPACE_RUN.sub("", found.group("key")), found.end(), end))
    strong = any(_META_KEYS[key][2] for key, _, _ in pairs)
    dated = leading is not None or any(
        _DATE.fullmatch(rest[a:b].strip(_VALUE_TRIM).split(" ")[0] or "-") for _, a, b in pairs
    )
    if not strong and len(pairs) < 2 and not dated and not relaxed:
        return None
    if leading:
        pairs.insert(0, ("时间", leading.start(1), leading.end(1)))
    return pairs


def _blank_toolbar(shadow: str) -> str:
    return _TOOLBAR.sub(lambda found: " " * len(found.group(0)), shadow)


def _mine_meta(line: str, shadow: str, meta: dict[str, str], ranks: dict[str, int]) -> None:
    """Keep the best value of each field; `ranks` holds the priority each value came with."""
    blanked = _blank_toolbar(shadow)
    pairs = _meta_pairs(blanked) or _meta_pairs(shadow) or _meta_pairs(shadow, relaxed=True) or []
    if blanked != shadow:  # blank the same page controls in the original line (same length)
        kept = zip(line, blanked, shadow, strict=True)
        line = "".join(char if blank != " " or was == " " else " " for char, blank, was in kept)
        shadow = blanked
    for key, start, end in pairs:
        name, priority, _ = _META_KEYS[key]
        value = line[start:end].strip(_VALUE_TRIM)  # the document's own script, not the shadow
        norm = shadow[start:end].strip(_VALUE_TRIM)
        if not name or not value or value in ("无", "-", "—", "/") or priority >= ranks.get(name, 99):
            continue
        if name == "date":
            date = _DATE.search(value)
            if not date:
                continue
            value = date.group(0).strip()
        elif name == "issuer" and priority > 1 and (not _ORG_SUFFIX.search(norm) or _NOT_ORG.search(norm)):
            continue  # 来源 is an issuer only when it names an office, not a website or a newspaper
        meta[name] = value
        ranks[name] = priority


_SHORT_KEY = re.compile(r"^[\u4e00-\u9fff ]{1,8}[:：]")


def _meta_block(shadows: list[str], kinds: list[str]) -> None:
    """A `key: value` line beside metadata is metadata too (`名 称: …`, `分 类: …`), though its key
    alone would not say so."""
    changed = True
    while changed:
        changed = False
        for index, (shadow, kind) in enumerate(zip(shadows, kinds, strict=True)):
            key = _SHORT_KEY.match(shadow)
            if kind != _BODY or "。" in shadow or len(shadow) > _META_VALUE_MAX or not key:
                continue
            if not shadow[key.end() :].strip() and _SPACE_RUN.sub("", key.group()[:-1]) not in _META_KEYS:
                continue  # `各单位：` alone is a notice's salutation, not an empty field
            beside = [kinds[i] for i in (index - 1, index + 1) if 0 <= i < len(kinds)]
            if _META in beside:
                kinds[index] = _META
                changed = True


def _drop_footer_tail(shadows: list[str], kinds: list[str]) -> None:
    last_body = -1
    for index, (shadow, kind) in enumerate(zip(shadows, kinds, strict=True)):
        # A table row is body too: a task table's rows are short and have no full stop.
        is_row = shadow.count("|") + shadow.count("｜") >= 2 or "\t" in shadow
        if kind == _BODY and (
            _MARKER.match(shadow) or "。" in shadow or len(shadow) > _TAIL_LINE_MAX or is_row
        ):
            last_body = index
    # A lone `|` or a page number is furniture inside the body, not the start of a footer.
    footer = next(
        (i for i in range(last_body + 1, len(kinds)) if kinds[i] in _NOISE and kinds[i] not in _INSIDE),
        None,
    )
    if footer is None:
        return
    for index in range(footer + 1, len(kinds)):
        if kinds[index] == _BODY:
            kinds[index] = _TAIL
