"""The plain-text rendering of a message: tables line up in a terminal or a monospaced mail client."""

from __future__ import annotations

import unicodedata

from workflows.render import Message


def test_plain_text_table_columns_line_up_with_chinese_text():
    message = Message("周报").table(
        ["编号", "事项", "期限"],
        [["T1", "加强政务公开平台建设", "2021-06-20"], ["T22", "编制标准", "2021-12-31"]],
    )
    header, _rule, *rows = message.text().splitlines()[2:]
    # The third column starts at the same display column on every line (a CJK character is two
    # columns wide): the text before it is equally wide.
    starts = {
        width(line[: line.index(cell)])
        for line, cell in zip([header, *rows], ["期限", "2021", "2021"], strict=True)
    }
    assert len(starts) == 1, message.text()


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
