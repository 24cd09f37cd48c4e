"""A message's Markdown and HTML tables, laid out a whole table at a time (workflows.render), are
byte for byte what laying them out cell by cell gives, whatever the cells hold."""

from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal

import pytest

from workflows.render import Message

HEADERS = ["编号", "事项", "期限"]
TRICKY = "a & b < c > d \"e\" 'f' *g* _h_ `i` | j\nk"
CASES = {
    "plain": [["T1", "加强政务公开平台建设", "2021-06-20"], ["T22", "编制标准", dt.date(2021, 12, 31)]],
    "every kind of cell": [[None, 3, True], [2.5, dt.datetime(2021, 5, 1, 8, 30), TRICKY], ["", " ", "—"]],
    "ragged rows": [["T1"], ["T2", "two", "three", "four"], ["T3", None]],
    "a cell holding the cell separator": [["T1", "a\x1fb", "c"], ["T2", "d", "e"]],
    "a cell holding the row separator": [["T1", "a\x1eb", "c"], ["T2", "d", "e"]],
    "an empty row": [["T1", "a", "b"], [], ["T2", "c", "d"]],
    "one row": [[TRICKY, TRICKY, TRICKY]],
}


def cell_text(value: object) -> str:
    return "" if value is None else str(value)


def markdown_cell(value: object) -> str:
    text = cell_text(value).replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("*", r"\*").replace("_", r"\_").replace("`", r"\`")
    return text.replace("|", r"\|").replace("\n", " ")


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(markdown_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    lines += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def html_table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(cell_text(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


@pytest.mark.parametrize("case", CASES)
def test_tables_are_laid_out_as_cell_by_cell(case: str) -> None:
    rows = CASES[case]
    message = Message("表").table(HEADERS, rows)
    assert message.markdown() == f"# 表\n\n{markdown_table(HEADERS, rows)}\n"
    assert f"<h1>表</h1>\n{html_table(HEADERS, rows)}\n</body>" in message.html()
    # Stored and read back, it renders the same bytes.
    stored = message.to_json()
    assert stored is not None
    again = Message.from_json(stored)
    assert (again.markdown(), again.html(), again.text()) == (
        message.markdown(),
        message.html(),
        message.text(),
    )


def test_dates_are_stored_as_their_text_and_other_types_not_at_all() -> None:
    day, moment = dt.date(2021, 3, 1), dt.datetime(2021, 3, 1, 9, 0)
    stored = Message("表").table(["a", "b"], [[day, moment], [1, None]]).to_json()
    assert stored is not None
    assert json.loads(stored)["blocks"][0]["rows"] == [["2021-03-01", "2021-03-01 09:00:00"], [1, None]]
    # A cell JSON would not bring back as it renders: the caller stores the renderings instead.
    assert Message("表").table(["a"], [["x"], [Decimal("1.5")]]).to_json() is None
    assert Message("表").table(["a"], [[b"bytes"]]).to_json() is None
