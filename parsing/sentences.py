"""Splitting a point's first line into its title and the rest.

A point reads `（一）聚焦重点领域，强化信息公开力度。以构建…`: the title is the first sentence. The
end of a sentence inside 《》, “”, or brackets does not count.
"""

from __future__ import annotations

_OPENERS = "《“‘（(〔【「『"
_CLOSERS = "》”’）)〕】」』"
_ENDS = "。！？!?"  # the first full stop ends a title (the labelling standard); a ；does not


_HEADING_COLON = "：:"
_LABELS = ("责任", "牵头", "配合", "完成", "时限", "时间")
# `加强组织领导：各单位要…`: a short heading before a colon is the title.
MAX_COLON_TITLE = 20


def split_title(text: str) -> tuple[str, str]:
    """(title, remainder) — title without its closing punctuation; remainder stripped."""
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
