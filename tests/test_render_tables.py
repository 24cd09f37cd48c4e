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
    "control characters": [["T1", "a\x1fb", "c"], ["T2", "d\x1ee", "f"]],
    "a cell holding the cell separator": [["T1", "a\uf8f0b", "c"], ["T2", "d", "e"]],
    "a cell holding the row separator": [["T1", "a\uf8f1b", "c"], ["T2", "d", "e"]],
    "rows as tuples": [("T1", "加强", dt.date(2021, 6, 20)), ("T2", "编制", "—")],
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


def test_text_tables_are_stored_as_one_string_and_read_back_the_same() -> None:
    """Text and dates go to storage as one joined string per table (one string for JSON to read
    back, not one per cell); numbers and empty cells stay rows, as the plain text types them."""
    text_rows = [["T1", "加强", dt.date(2021, 6, 20)], ["T2", TRICKY, dt.datetime(2021, 5, 1, 8, 30)]]
    message = Message("表").table(HEADERS, text_rows).table(HEADERS, [["T3", 3, None]])
    stored = message.to_json()
    assert stored is not None
    joined, rows = json.loads(stored)["blocks"]
    assert "rows" not in joined and joined["cells"].count("加强") == 1
    assert rows["rows"] == [["T3", 3, None]]
    again = Message.from_json(stored)
    assert (again.markdown(), again.html(), again.text()) == (
        message.markdown(),
        message.html(),
        message.text(),
    )
    assert again.blocks[0].rows == [["T1", "加强", "2021-06-20"], ["T2", TRICKY, "2021-05-01 08:30:00"]]


def test_a_message_stored_by_the_earlier_layout_still_renders() -> None:
    """Notices queued before text tables were stored joined (format 1, every table as rows) are
    still sent and shown."""
    rows = [["T1", "加强", "2021-06-20"], ["T2", TRICKY, "—"]]
    message = Message("表").para("说明").table(HEADERS, rows).table(HEADERS, [])
    document = json.loads(message.to_json() or "")
    document["format"] = 1
    document["blocks"][1] = {"headers": HEADERS, "rows": rows, "empty": document["blocks"][1]["empty"]}
    again = Message.from_json(json.dumps(document, ensure_ascii=False))
    assert (again.markdown(), again.html(), again.text()) == (
        message.markdown(),
        message.html(),
        message.text(),
    )
    document["format"] = 9
    with pytest.raises(ValueError, match="format 9"):
        Message.from_json(json.dumps(document))
