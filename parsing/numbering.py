"""Recognising the numbering marker at the start of a line.

A work plan nests its points with a small set of schemes (一、 / （一） / 1. / （1） / ①). The
scheme, not the depth, identifies a level: the structure parser assigns depths in order of first
appearance. Damaged markers (a lost `（二`, a `?` where a bracket was) are recognised here and
flagged so the structure parser can repair their value from the sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from parsing.chinese_numbers import DIGITS

_CN_NUMERAL = "[一二三四五六七八九十〇零两百]+"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_OPEN = "[（(〔]"
_CLOSE = "[）)〕]"
# Characters that GBK/UTF-8 mojibake leaves where a full-width bracket was (the `?` of a lost byte,
# bopomofo and box-drawing debris) — seen in real copies of county documents.
_DEBRIS = "[?？\u3000-\u303f\u3100-\u312f\u2500-\u257f\u01d5-\u01dc]"


class Scheme(StrEnum):
    PART = "part"  # 第一部分
    CN_DUN = "cn_dun"  # 一、
    CN_PAREN = "cn_paren"  # （一）
    AR_DOT = "ar_dot"  # 1.  1．  1、
    AR_PAREN = "ar_paren"  # （1）
    CIRCLED = "circled"  # ①


def cn_to_int(numeral: str) -> int | None:
    """一 -> 1, 十一 -> 11, 二十三 -> 23, 一百零二 -> 102; None for anything else.

    Point numbers are counted (一百零二), unlike the digit-by-digit years of dates (二〇二一) that
    parsing.chinese_numbers reads; the digits are shared.
    """
    if not numeral:
        return None
    total, current = 0, 0
    for char in numeral:
        if char in DIGITS:
            current = DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def int_to_cn(value: int) -> str:
    """1 -> 一, 11 -> 十一, 23 -> 二十三, 110 -> 一百一十, 105 -> 一百零五 (as documents number points)."""
    digits = "〇一二三四五六七八九"
    if value < 10:
        return digits[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = f"零{digits[rest]}"
        else:
            tail = f"一{int_to_cn(rest)}" if rest < 20 else int_to_cn(rest)
        return f"{digits[hundreds]}百{tail}"
    return str(value)  # no plan numbers a thousand points in words


def label(scheme: Scheme, value: int) -> str:
    """The normalised path label of a point: 一, （三）, 2, （1）, ①."""
    if scheme is Scheme.CN_DUN:
        return int_to_cn(value)
    if scheme is Scheme.PART:
        return f"第{int_to_cn(value)}部分"
    if scheme is Scheme.CN_PAREN:
        return f"（{int_to_cn(value)}）"
    if scheme is Scheme.AR_DOT:
        return str(value)
    if scheme is Scheme.AR_PAREN:
        return f"（{value}）"
    return _CIRCLED[value - 1] if 1 <= value <= len(_CIRCLED) else f"({value})"


@dataclass(frozen=True)
class Marker:
    scheme: Scheme
    value: int | None  # None when the numeral itself was lost
    rest: str  # the line after the marker
    raw: str  # the marker as written
    damaged: bool = False


# Order matters: bracketed forms before bare ones, so `（1）` is not read as `1.`.
_PATTERNS: list[tuple[Scheme, re.Pattern[str], bool]] = [
    (Scheme.CN_PAREN, re.compile(rf"^{_OPEN}\s*({_CN_NUMERAL})\s*{_CLOSE}\s*"), False),
    (Scheme.AR_PAREN, re.compile(rf"^{_OPEN}\s*(\d{{1,2}})\s*{_CLOSE}\s*"), False),
    # 一、 and the rarer 一. / 一．; 一是 (an inline enumeration) is deliberately not a marker.
    (Scheme.CN_DUN, re.compile(rf"^({_CN_NUMERAL})\s*[、.．]\s*"), False),
    (Scheme.PART, re.compile(rf"^第({_CN_NUMERAL})部分\s*[、：:]?\s*"), False),
    # 1. / 1． / 1、 — but not 2021.6.30, 1.5倍 or a bare year.
    (Scheme.AR_DOT, re.compile(r"^(\d{1,2})\s*(?:[.．](?!\d)|、)\s*"), False),
    (Scheme.CIRCLED, re.compile(rf"^([{_CIRCLED}])\s*"), False),
    # 1） / 1) — the half-bracket form of （1）, common at the fourth level.
    (Scheme.AR_PAREN, re.compile(rf"^(\d{{1,2}})\s*{_CLOSE}\s*"), False),
    # Damaged forms: a numeral with one bracket replaced by debris, or the opening and numeral lost.
    (Scheme.CN_PAREN, re.compile(rf"^{_DEBRIS}({_CN_NUMERAL}){_CLOSE}\s*"), True),
    (Scheme.CN_PAREN, re.compile(rf"^{_OPEN}({_CN_NUMERAL}){_DEBRIS}\s*"), True),
    (Scheme.CN_PAREN, re.compile(rf"^(){_CLOSE}\s*(?=[\u4e00-\u9fff])"), True),
    (
        Scheme.CN_PAREN,
        re.compile(
            rf"^(){_DEBRIS}{{1,5}}(?:{_CN_NUMERAL})?{_CLOSE}?(?:[（(]?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{{1,7}}[)）])?\s*"
            r"(?=[\u4e00-\u9fff0-9])"
        ),
        True,
    ),
    (Scheme.AR_PAREN, re.compile(rf"^{_DEBRIS}(\d{{1,2}}){_CLOSE}\s*"), True),
]

# A marker must be followed by the point's text, not by a unit or a figure (`1、2、3月`, `一、二季度`).
_FALSE_FOLLOWERS = re.compile(
    r"^(?:[\d一二三四五六七八九十]{1,3}[、.．，,]|[\d一二三四五六七八九十]{1,2}[月日号季个项]|[月日年号季]|$)"
)


def match_marker(text: str) -> Marker | None:
    """The numbering marker at the start of a (cleaned) line, or None."""
    for scheme, pattern, damaged in _PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        rest = text[found.end() :]
        if _FALSE_FOLLOWERS.match(rest):
            return None
        numeral = found.group(1)
        if scheme in (Scheme.PART, Scheme.CN_DUN, Scheme.CN_PAREN):
            value = cn_to_int(numeral) if numeral else None
        elif scheme is Scheme.CIRCLED:
            value = _CIRCLED.index(numeral) + 1
        else:
            value = int(numeral) if numeral else None
        if value == 0:
            return None
        return Marker(scheme, value, rest.strip(), found.group(0).strip(), damaged)
    return None
