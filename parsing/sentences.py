"""Splitting a point's first line into its title and the rest.

A point reads `（一）聚焦重点领域，强化信息公开力度。以构建…`: the title is the first sentence. The
end of a sentence inside 《》, “”, or brackets does not count.
"""

from __future__ import annotations

import re

_OPENERS = "《“‘（(〔【「『"
_CLOSERS = "》”’）)〕】」』"
_ENDS = "。！？!?"  # the first full stop ends a title (the labelling standard); a ；does not


_HEADING_COLON = "：:"
_LABELS = ("责任", "牵头", "配合", "完成", "时限", "时间")
# `加强组织领导：各单位要…`: a short heading before a colon is the title.
MAX_COLON_TITLE = 20


# A translation or transliteration some copies print after a heading (`做好政策解读 Policy
# Interpretation`, `政务公开 Zhengwu Gongkai`): Latin words only, to the end of the title. Short
# Latin names a title may end with (`推广使用 WPS Office`) are kept: two words and 12 letters at least.
_LATIN_TAIL = re.compile(
    r"(?<=[\u3400-\u9fff”》）)])\s+(?P<tail>[A-Za-z][A-Za-z'’.,&\-]*(?:\s+[A-Za-z'’.,&\-]+)+)\s*$"
)
_MIN_TAIL_LETTERS = 12


def _without_latin_tail(title: str) -> str:
    found = _LATIN_TAIL.search(title)
    if found is None or sum(char.isalpha() for char in found["tail"]) < _MIN_TAIL_LETTERS:
        return title
    return title[: found.start()]


def split_title(text: str) -> tuple[str, str]:
    """(title, remainder) — title without its closing punctuation; remainder stripped."""
    title, rest = _split_title(text)
    return _without_latin_tail(title), rest


def _split_title(text: str) -> tuple[str, str]:
    for index, char in enumerate(text[: MAX_COLON_TITLE + 1]):
        if char in _ENDS or char in _OPENERS:
            break
        if char in _HEADING_COLON and index >= 2 and not any(label in text[:index] for label in _LABELS):
            return text[:index].strip(), text[index + 1 :].strip()
    depth = 0
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif char in _ENDS and depth == 0:
            return text[:index].strip(), text[index + 1 :].strip()
    return text.strip(), ""
