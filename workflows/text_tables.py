"""Plain-text and pipe tables laid out byte for byte as tabulate lays them out, at a fraction of its cost.

tabulate types every cell several times over (ANSI stripping, bool, int and float sniffing through
exceptions) and measures every cell twice through wcwidth; on a big ledger that was a fifth to a
third of the escalation, digest and look-back jobs (issue 14). The two layouts Duban uses are simple:
- `simple(headers, rows)`: tabulate(rows, headers, tablefmt="simple") with its default number
  parsing. A column whose every value is an int or a string int() accepts (None aside) is an int
  column: right-aligned, its cells kept as they are (tabulate's "decimal" alignment strips nothing);
  every other column is left-aligned with its cells stripped. None is the empty string.
- `github(headers, rows)`: tabulate(rows, headers, tablefmt="github", disable_numparse=True):
  every column left-aligned, cells stripped. `write_github(headers, rows, out)` writes the same text
  a line at a time from rows it goes through twice (the widths, then the lines): a look-back's
  table of a million rows is never held whole.
Both measure a cell as tabulate does when WIDE_CHARS_MODE is on (wcwidth installed: an East Asian
wide character takes two columns), and with len() when it is off; a column is as wide as its widest
cell or its header plus two. Anything whose layout depends on more than that goes to tabulate
itself, so the output never differs: floats and bools (decimal alignment, "True"/"False" columns),
bytes and other cell types, line breaks (tabulate's multiline layout), ANSI escapes (measured
without them), tabulate's separating-line marker "\\x01", PRESERVE_WHITESPACE, ragged rows.
tests/test_text_tables.py checks the two against tabulate on many generated tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

import tabulate as _tabulate
from tabulate import tabulate

from workflows.repeats import Repeats

try:
    from wcwidth import wcswidth
except ImportError:  # tabulate then measures with len() (WIDE_CHARS_MODE is off)
    wcswidth = None

_DIGIT = re.compile(r"\d")  # Unicode decimal digits: what int() and float() read as digits
_SPECIAL = re.compile(r"[\x01\x1b\r\n]")  # separating line, ANSI escape, line breaks
# Characters wcwidth measures on their own, whatever stands beside them (each a base character of
# width 1 or 2): a cell of only these is as wide padded as unpadded plus its padding.
_ADDITIVE = re.compile(
    "[\x20-\x7e\u00b7\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u3029\u3030-\u303f\u4e00-\u9fff\uff01-\uff60]*"
)
_CACHED = 50_000  # distinct wide cells a streamed table keeps the width of: not a million titles
_BATCH = 2_000  # rows whose cells write_github's first pass takes in together, a column at a time
# The cells _github_text lays out (bool is not among them: it is not an int to tabulate).
_CELL_KINDS = frozenset({str, int, dt.date, dt.datetime, type(None)})
_REPEATS = 2_000  # texts per column a streamed table keeps done (few: a column of titles repeats none)
_NOT_NUMBERS = frozenset({"inf", "-inf", "nan"})  # tabulate's only digitless numbers (lower-cased)

# What a string cell is to tabulate's number parsing.
_TEXT, _INT, _OTHER = 0, 1, 2


def simple(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """tabulate(rows, headers, tablefmt="simple"), byte for byte."""
    columns = _columns(headers, rows, numparse=True)
    if columns is None:
        return tabulate(rows, headers, tablefmt="simple")
    width = _width_function()
    laid = [_lay_out(str(h), cells, right, width) for h, (cells, right) in zip(headers, columns, strict=True)]
    lines = ["  ".join(head for head, _w, _c in laid).rstrip()]
    lines.append("  ".join("-" * w for _h, w, _c in laid).rstrip())
    lines += ["  ".join(row).rstrip() for row in zip(*(cells for _h, _w, cells in laid), strict=True)]
    return "\n".join(lines)


def github(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """tabulate(rows, headers, tablefmt="github", disable_numparse=True), byte for byte."""
    columns = _columns(headers, rows, numparse=False)
    if columns is None:
        return tabulate(rows, headers, tablefmt="github", disable_numparse=True)
    width = _width_function()
    laid = [
        _lay_out(str(h), cells, False, width) for h, (cells, _right) in zip(headers, columns, strict=True)
    ]
    lines = [("|" + "|".join(f" {head} " for head, _w, _c in laid) + "|").rstrip()]
    lines.append("|" + "|".join("-" * (w + 2) for _h, w, _c in laid) + "|")
    lines += [
        ("|" + "|".join(f" {cell} " for cell in row) + "|").rstrip()
        for row in zip(*(cells for _h, _w, cells in laid), strict=True)
    ]
    return "\n".join(lines)


def _width_function(*, bounded: bool = False) -> Callable[[str], int]:
    """A cell's width as tabulate measures it; `bounded`: its memo of wide cells is emptied when
    it holds _CACHED of them (a streamed table of a million distinct titles)."""
    if wcswidth is None or not _tabulate.WIDE_CHARS_MODE:
        return len
    measured: dict[str, int] = {}  # one table repeats many cells (units, statuses, dates)

    def width(text: str) -> int:
        if text.isascii() and text.isprintable():
            return len(text)
        found = measured.get(text)
        if found is None:
            if bounded and len(measured) >= _CACHED:
                measured.clear()
            found = measured[text] = wcswidth(text)
        return found

    return width


def _columns(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, numparse: bool
) -> list[tuple[list[str], bool]] | None:
    """Each column's cells as text and whether it is right-aligned (an int column), or None when
    tabulate must lay the table out itself."""
    if _tabulate.PRESERVE_WHITESPACE or not rows or not headers:
        return None
    if any(type(h) is not str or _SPECIAL.search(h) for h in headers):
        return None
    count = len(headers)
    if any(type(row) not in (list, tuple) or len(row) != count for row in rows):
        return None
    columns = []
    for cells in zip(*rows, strict=True):
        found = _column(cells, numparse)
        if found is None:
            return None
        columns.append(found)
    return columns


def _column(cells: Sequence[object], numparse: bool) -> tuple[list[str], bool] | None:
    texts: list[str] = []
    text = other = False  # a cell tabulate reads as text; one it reads as a float or a bool
    filled = False  # a value other than None: a column of None only is left-aligned
    for value in cells:
        kind = type(value)
        if kind is str:
            if _SPECIAL.search(value):  # type: ignore[arg-type]
                return None
            filled = True
            if numparse and not text:
                sort = _string_sort(value)  # type: ignore[arg-type]
                text, other = text or sort == _TEXT, other or sort == _OTHER
            texts.append(value)  # type: ignore[arg-type]
        elif kind is int:
            filled = True
            texts.append(str(value))
        elif value is None:
            texts.append("")
        elif kind is dt.date or kind is dt.datetime:  # text to tabulate, written as f"{value}"
            filled = text = True
            texts.append(f"{value}")
        else:  # floats, bools, bytes, anything else: tabulate's own typing decides
            return None
    if numparse and not text and other:  # a float or bool column: decimal alignment and formats
        return None
    if numparse and filled and not text:
        return texts, True
    return [cell.strip() for cell in texts], False


def _string_sort(value: str) -> int:
    """_TEXT, _INT (int() reads it: an int cell) or _OTHER (a float or a bool to tabulate)."""
    if value in ("True", "False"):
        return _OTHER
    if not _DIGIT.search(value):
        return _OTHER if value.lower() in _NOT_NUMBERS else _TEXT
    try:
        int(value)
    except ValueError:
        return _OTHER if _tabulate._isnumber(value) else _TEXT
    return _INT


def _lay_out(
    header: str, cells: list[str], right: bool, width: Callable[[str], int]
) -> tuple[str, int, list[str]]:
    """The padded header, the column's width and its padded cells, as tabulate's _align_column,
    its header width and _align_header compute them."""
    widths = [width(cell) for cell in cells]
    header_width = width(header)
    widest = max(max(widths), header_width + 2)
    if right:
        padded = [" " * (widest - w) + cell for cell, w in zip(cells, widths, strict=True)]
    else:
        padded = [cell + " " * (widest - w) for cell, w in zip(cells, widths, strict=True)]
    # tabulate measures the padded cells again for the column's width. Spaces add one column each to
    # a cell of plain characters (ASCII, CJK ideographs and punctuation, fullwidth forms); wcwidth
    # may join a space to a neighbouring character (a zero-width joiner, a virama, a spacing mark
    # or a variation selector), so any other cell is measured again, padded, as tabulate does.
    column = header_width + 2
    if width is len:
        column = widest
    else:
        for cell, text in zip(padded, cells, strict=True):
            if _ADDITIVE.fullmatch(text):
                column = max(column, widest)
            elif cell != text:
                column = max(column, wcswidth(cell))  # type: ignore[misc]
            else:
                column = max(column, width(text))
    pad = column - header_width
    head = " " * pad + header if right else header + " " * pad
    return head, column, padded


def write_github(headers: Sequence[str], rows: Iterable[Sequence[object]], out: TextIO) -> None:
    """github(headers, rows) written to `out` a line at a time, never held whole: `rows` is gone
    through twice (the columns' widths, then the lines), so it may be read again each time (a
    look-back's long list read from the database) instead of kept in memory. Byte for byte what
    github() returns, tabulate's fallbacks included (those tables are read into memory first)."""
    widths = _github_widths(headers, rows)
    if widths is None:
        out.write(github(headers, [list(row) for row in rows]))
        return
    heads, columns, widests = widths
    out.write(("|" + "|".join(f" {head} " for head in heads) + "|").rstrip())
    out.write("\n|" + "|".join("-" * (w + 2) for w in columns) + "|")
    width = _width_function(bounded=True)

    # Each column's laid-out cell per text it repeats (units, plans, states, dates over thousands
    # of rows): made once, while at most _REPEATS of them are kept.
    def laid_out(widest: int) -> Callable[[object], str]:
        def cell(value: object) -> str:
            text = _github_text(value).strip()  # type: ignore[union-attr]
            return f" {text}{' ' * (widest - width(text))} "

        return cell

    layouts = [laid_out(widest) for widest in widests]
    made = [Repeats(layout, _REPEATS) for layout in layouts]
    lines: list[str] = []
    for row in rows:
        cells = [
            known[value] if type(value) is str else layout(value)
            for value, known, layout in zip(row, made, layouts, strict=True)
        ]
        lines.append(("|" + "|".join(cells) + "|").rstrip())
        if len(lines) >= 1000:
            out.write("\n" + "\n".join(lines))
            lines.clear()
    if lines:
        out.write("\n" + "\n".join(lines))


def _github_text(value: object) -> str | None:
    """A cell as github() reads it (disable_numparse), or None when tabulate must lay it out."""
    kind = type(value)
    if kind is str:
        return None if _SPECIAL.search(value) else value  # type: ignore[arg-type,return-value]
    if kind is int or kind is dt.date or kind is dt.datetime:
        return f"{value}"
    if value is None:
        return ""
    return None


def _github_widths(
    headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> tuple[list[str], list[int], list[int]] | None:
    """Pass one of write_github: the padded headers, each column's width and the width its cells
    are padded to, as _lay_out gives them, or None when tabulate must lay the table out itself."""
    if _tabulate.PRESERVE_WHITESPACE or not headers:
        return None
    if any(type(h) is not str or _SPECIAL.search(h) for h in headers):
        return None
    count = len(headers)
    width = _width_function(bounded=True)
    widest = [-(10**9)] * count
    additive = [False] * count  # a cell wcwidth measures padded as its own width plus the padding
    # The other cells, each distinct one with its width: padded to the column's final width they
    # are measured again (see _lay_out), which can only be done once that width is known.
    others: list[dict[str, int] | None] = [{} for _ in range(count)]
    # Each column's texts already taken in (bounded): a text met again changes nothing below.
    met: list[set[str]] = [set() for _ in range(count)]

    def take(batch: list[Sequence[object]]) -> bool:
        """A batch of rows taken in a column at a time, each distinct cell once (a set made in C:
        a cell at a time was most of the Markdown's first pass); False where tabulate must lay the
        table out itself. A cell taken in twice changes nothing, so which is first does not matter."""
        for index, column in enumerate(zip(*batch, strict=True)):
            if not set(map(type, column)) <= _CELL_KINDS:
                return False
            known = met[index]
            for value in set(column):
                text = _github_text(value)
                if text is None:
                    return False
                if type(value) is str:
                    if text in known:
                        continue
                    if len(known) >= _REPEATS:
                        known.clear()
                    known.add(text)
                text = text.strip()
                found = width(text)
                if found > widest[index]:
                    widest[index] = found
                if width is not len:
                    if _ADDITIVE.fullmatch(text):
                        additive[index] = True
                    elif others[index] is not None:
                        others[index][text] = found  # type: ignore[index]
                        if len(others[index]) > _CACHED:  # type: ignore[arg-type]
                            others[index] = None  # measured in a pass of its own below
        return True

    seen = False
    batch: list[Sequence[object]] = []
    for row in rows:
        if type(row) not in (list, tuple) or len(row) != count:
            return None
        seen = True
        batch.append(row)
        if len(batch) >= _BATCH:
            if not take(batch):
                return None
            batch = []
    if batch and not take(batch):
        return None
    if not seen:
        return None
    pads = [max(widest[i], width(str(h)) + 2) for i, h in enumerate(headers)]
    # The widest of each column's other cells padded, as tabulate measures them again.
    padded = [
        None if found is None else max((_padded_width(t, w, pads[i]) for t, w in found.items()), default=None)
        for i, found in enumerate(others)
    ]
    if any(found is None for found in others):
        _measure_others(rows, pads, others, padded, width)
    heads, columns = [], []
    for index, header in enumerate(headers):
        header_width = width(str(header))
        column = header_width + 2
        if width is len or additive[index]:
            column = max(column, pads[index])
        if padded[index] is not None:
            column = max(column, padded[index])  # type: ignore[type-var]
        heads.append(str(header) + " " * (column - header_width))
        columns.append(column)
    return heads, columns, pads


def _padded_width(text: str, found: int, pad: int) -> int:
    """What tabulate measures for a cell that is not only plain characters, padded to `pad`."""
    return pad if found >= pad else wcswidth(text + " " * (pad - found))  # type: ignore[misc]


def _measure_others(
    rows: Iterable[Sequence[object]],
    pads: list[int],
    others: list[dict[str, int] | None],
    padded: list[int | None],
    width: Callable[[str], int],
) -> None:
    """The columns with too many distinct cells of other characters to keep measured in one more
    pass over the rows: `padded` gets their widest such cell, padded."""
    wanted = [index for index, found in enumerate(others) if found is None]
    for row in rows:
        for index in wanted:
            text = _github_text(row[index]).strip()  # type: ignore[union-attr]
            if not _ADDITIVE.fullmatch(text):
                found = _padded_width(text, width(text), pads[index])
                if padded[index] is None or found > padded[index]:  # type: ignore[operator]
                    padded[index] = found
