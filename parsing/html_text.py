"""HTML page -> plain text lines, the way a reader sees the page.

Block elements become line breaks (the numbering parser works line by line), data tables become
`cell | cell | cell` rows (the form parsing/tables.py reads), scripts, styles, navigation and hidden
elements are dropped, entities are decoded by the parser. Web noise that is ordinary text
(breadcrumbs, footers) is left to parsing/cleaning.py, which sees every format.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

_DROP = frozenset(
    [
        "script",
        "style",
        "head",
        "title",
        "nav",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "button",
        "select",
        "option",
        "textarea",
        "input",
        "map",
        "audio",
        "video",
        "aside",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "blockquote",
        "address",
        "figure",
        "figcaption",
        "center",
        "form",
        "fieldset",
        "legend",
        "details",
        "summary",
    ]
)
_BREAK = frozenset({"br", "hr"})
# HTML collapses its own whitespace; NBSP (&nbsp;) is content and stays for the cleaner.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_CELL_SPACE = re.compile(r"\s+")
# A cell must not contain what parsing/tables.py splits cells on.
_CELL_SEPARATORS = re.compile(r"[|｜\t]")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BLANK_RUN = re.compile(r"\n{2,}")  # blank lines carry nothing in a page: blocks are lines
# A cell this long is a page region laid out with a table, not a data cell.
_LAYOUT_CELL_CHARS = 3000


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: one line per block, table rows as `cell | cell`."""
    soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    _emit(soup, out)
    lines = (line.strip(" ") for line in "".join(out).split("\n"))
    return _BLANK_RUN.sub("\n", "\n".join(lines)).strip("\n")


def _emit(root: PageElement, out: list[str]) -> None:
    # An explicit stack, not recursion: hostile pages nest deeper than Python's recursion limit.
    # Items are elements to render, or plain `str` line breaks to write when they come up.
    stack: list[PageElement | str] = [root]
    while stack:
        item = stack.pop()
        if type(item) is str:
            out.append(item)
        elif isinstance(item, NavigableString):
            if type(item) is NavigableString:  # not a comment, doctype, CDATA or script body
                out.append(_HTML_SPACE.sub(" ", item))
        elif isinstance(item, Tag):
            name = (item.name or "").lower()
            if name in _DROP or _hidden(item):
                continue
            if name in _BREAK:
                out.append("\n")
            elif name == "pre":
                out.append("\n" + item.get_text() + "\n")
            elif name == "table" and not _is_layout(item):
                out.append("\n" + "\n".join(_table_rows(item)) + "\n")
            elif name in _BLOCK or name == "table":
                out.append("\n")
                stack.append("\n")
                stack.extend(reversed(item.contents))
            else:
                stack.extend(reversed(item.contents))


def _hidden(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    return "hidden" in tag.attrs or bool(_HIDDEN.search(str(tag.attrs.get("style", ""))))


def _is_layout(table: Tag) -> bool:
    """A table used to lay out the page (nested tables, one column, page-sized cells) is read as blocks."""
    if table.find("table") is not None:
        return True
    rows = table.find_all("tr")
    cells = [row.find_all(["td", "th"], recursive=False) for row in rows]
    if all(len(row) <= 1 for row in cells):
        return True
    return any(len(cell.get_text()) > _LAYOUT_CELL_CHARS for row in cells for cell in row)


def _table_rows(table: Tag) -> list[str]:
    """`cell | cell` lines, columns aligned with the header. A cell merged across columns is written
    once; a cell merged down rows is repeated in each row it covers: in a task table a merged 责任单位
    or 完成时限 cell belongs to every row beside it."""
    lines: list[str] = []
    covered: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text) from a rowspan
    for row in table.find_all("tr"):
        tags = row.find_all(["td", "th"], recursive=False)
        cells: list[str] = []
        from_above = 0
        for tag in tags:
            from_above += _fill_covered(cells, covered)
            across = _span(tag.get("colspan"), 100)
            down = _span(tag.get("rowspan"), 10_000)
            text = _cell_text(tag)
            if down > 1:
                covered[len(cells)] = (down - 1, text)
                covered.update(dict.fromkeys(range(len(cells) + 1, len(cells) + across), (down - 1, "")))
            cells.append(text)
            cells.extend([""] * (across - 1))
        from_above += _fill_covered(cells, covered, to_end=True)
        if not any(cells):
            continue
        if len(tags) == 1 and not from_above:
            lines.append(cells[0])  # a group row across the table: its text, no separators
        else:
            lines.append(" | ".join(cells))
    return lines


def _fill_covered(cells: list[str], covered: dict[int, tuple[int, str]], *, to_end: bool = False) -> int:
    """Write the cells a rowspan covers at this point of the row (with `to_end`, up to the last
    covered column); how many."""
    last = max((column for column, (rows, _) in covered.items() if rows > 0), default=-1) if to_end else -1
    added = 0
    while covered.get(len(cells), (0, ""))[0] > 0 or len(cells) <= last:
        rows, text = covered.get(len(cells), (0, ""))
        if rows > 0:
            covered[len(cells)] = (rows - 1, text)
        cells.append(text if rows > 0 else "")
        added += 1
    return added


def _span(value: object, limit: int) -> int:
    try:
        return max(1, min(int(str(value).strip()), limit))
    except ValueError:
        return 1


def _cell_text(cell: Tag) -> str:
    out: list[str] = []
    _emit(cell, out)
    return _CELL_SPACE.sub(" ", _CELL_SEPARATORS.sub(" ", "".join(out))).strip()
