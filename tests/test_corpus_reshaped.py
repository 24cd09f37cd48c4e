"""The real documents of tests/data/corpus in the other shapes copies give them, scored the same way.

Copies of one document differ in punctuation width, line breaks, indentation, script, how a table
was flattened and the page furniture around it; none of that changes what the document assigns. Each
reshaping here is applied to every corpus document and the figures must still meet the floor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import opencc
import pytest
from test_corpus import CORPUS, FLOOR, Tally

from parsing.plan import parse_text

_S2T = opencc.OpenCC("s2t")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_row(line: str) -> bool:
    return "|" in line and line.strip() != "|"


def one_line(text: str) -> str:
    """A crawl that kept the body on one line (tables keep their rows)."""
    if "|" in text:
        return text
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def traditional(text: str) -> str:
    return _S2T.convert(text)


def half_width(text: str) -> str:
    return text.translate(str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"}))


def blank_lines(text: str) -> str:
    return "\n\n".join(text.splitlines())


def indented(text: str) -> str:
    return "\n".join("\u3000\u3000" + line if line.strip() else line for line in text.splitlines())


def tab_tables(text: str) -> str:
    return "\n".join("\t".join(_cells(line)) if _is_row(line) else line for line in text.splitlines())


def stacked_tables(text: str) -> str:
    """Tables copied one cell per line, blank lines between."""
    out: list[str] = []
    for line in text.splitlines():
        out += [cell for cell in _cells(line) if cell] if "|" in line else [line]
    return "\n\n".join(out)


def page_numbers(text: str) -> str:
    """A PDF copy: a page number every few lines."""
    out: list[str] = []
    for index, line in enumerate(text.splitlines()):
        out.append(line)
        if index % 7 == 6:
            out.append(f"— {index // 7 + 2} —")
    return "\n".join(out)


def page_chrome(text: str) -> str:
    return (
        "当前位置：首页 > 政务公开 > 通知公告\n【字体：大 中 小】【打印】【关闭】\n"
        + text
        + "\n上一篇：关于做好某项工作的通知\n下一篇：无\n版权所有：某市人民政府 备案号：某ICP备12345678号"
    )


def dun_markers(text: str) -> str:
    return re.sub(r"(?m)^(\s*\d{1,2})\.", r"\1、", text)


RESHAPINGS: dict[str, Callable[[str], str]] = {
    "one line": one_line,
    "Traditional": traditional,
    "half-width punctuation": half_width,
    "blank lines": blank_lines,
    "indented": indented,
    "tables with tabs": tab_tables,
    "tables one cell per line": stacked_tables,
    "page numbers": page_numbers,
    "page chrome": page_chrome,
    "1、 for 1.": dun_markers,
}


@pytest.mark.parametrize("name", list(RESHAPINGS))
def test_the_corpus_reshaped_still_meets_the_floor(name):
    reshape = RESHAPINGS[name]
    tally = Tally()
    for truth_file in sorted((CORPUS / "truth").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        text = (CORPUS / "docs" / f"{truth_file.stem}.txt").read_text(encoding="utf-8")
        tally.add(truth_file.stem, truth, parse_text(reshape(text), source=truth_file.stem))
    low = {figure: value for figure, value in tally.figures().items() if value < FLOOR}
    assert not low, f"{name}: {low}\n" + "\n".join(tally.misses)
