"""One message, three renderings: plain text (tables laid out as tabulate does), Markdown and HTML.

Messages are built as a list of blocks (headings, paragraphs, tables) and rendered three ways, so
the email, the chat-bot Markdown and the outbox file always say the same thing. HTML escapes every
piece of task text: a document may contain anything.

A notice stores its message once (`to_json`, in Notice.message) and is rendered when it is sent or
shown (`from_json`): storing the three renderings made each weekly digest of a big ledger add about
100 MB, and the plain text, the dearest to lay out, is read only by channels that show plain text.
The few words a rendering adds ("{text}: {url}", "[{heading}]", the page's language) are stored
resolved with the message (`Wording`), so it renders in the language it was composed in, byte for
byte what rendering it at once would have given.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain

from models.vocabulary import _
from models.vocabulary.i18n import HTML_LANG
from workflows.text_tables import simple

Rows = Sequence[Sequence[object]]  # a table's rows: lists, or tuples (which the collector does not track)

FORMAT = 2  # the version of to_json's layout (2: text tables as one joined string)
READ_FORMATS = (1, 2)  # what from_json reads: notices queued by an earlier version are still sent


EMPTY_TABLE = _("(none)")  # what a table without rows renders as


class Table:
    """A message's table: its headers and rows, or, read back from storage, its cells' text joined
    by _CELL and _ROW (`joined`), the rows split from it only when a rendering asks for them (the
    plain text). The Markdown and the HTML are made from the joined text, so a digest read back
    makes one string per table, not a string per cell. A table's rows are not changed once given:
    the cells' types and their joined text are worked out at most once."""

    def __init__(
        self,
        headers: list[str],
        rows: Rows | None = None,
        empty: str = EMPTY_TABLE,
        *,
        joined: str = "",
    ) -> None:
        self.headers = headers
        self.empty = empty
        self._rows = rows
        self._kinds: set[type] | None = None
        self._joined: str | object | None = _UNKNOWN
        if rows is None:  # read back joined: text cells, at least one row
            self._kinds, self._joined = {str}, joined

    @property
    def rows(self) -> Rows:
        if self._rows is None:
            text = self._joined
            assert isinstance(text, str)
            self._rows = [row.split(_CELL) for row in text.split(_ROW)]
        return self._rows

    def __bool__(self) -> bool:
        """Whether the table has rows."""
        return self._rows is None or bool(self._rows)

    def kinds(self) -> set[type]:
        """The types of the cells (map and chain run in C: no Python step per cell)."""
        if self._kinds is None:
            self._kinds = set(map(type, chain.from_iterable(self.rows)))
        return self._kinds

    def joined(self) -> str | None:
        """The cells as text (None as ""), joined by the separators; None when a cell holds a
        separator or a row has no cells (it lays out differently)."""
        if self._joined is _UNKNOWN:
            rows = self.rows
            text = self._text_join(rows)
            self._joined = _checked(rows, _typed_join(rows) if text is None else text)
        return self._joined  # type: ignore[return-value]

    def text_joined(self) -> str | None:
        """The joined text when every cell is text or a date (read back as text either way)."""
        if self._joined is _UNKNOWN and self._kinds is None:
            rows = self.rows
            text = self._text_join(rows)
            if text is not None:
                self._joined = _checked(rows, text)
        return self.joined() if self.kinds() <= _TEXT else None

    def _text_join(self, rows: Rows) -> str | None:
        """The cells joined as they are, when they are all text (None when one is not): joining
        them tells so, with no look at each cell's type (a cell of a str subclass, a StrEnum,
        counts as the text it holds)."""
        if self._kinds is not None and not self._kinds <= {str}:
            return None
        try:
            text = _ROW.join([_CELL.join(row) for row in rows])  # type: ignore[arg-type]
        except TypeError:  # a cell that is not text: its type decides how it reads
            return None
        self._kinds = {str}
        return text


@dataclass
class Link:
    """A line with a link to a dashboard page (dashboard.base_url): a URL in plain text, a link in
    Markdown and HTML."""

    text: str
    url: str


@dataclass(frozen=True)
class Wording:
    """The words the renderings add around a message's own text, in one language."""

    link: str  # "{text}: {url}"
    heading: str  # "[{heading}]"
    html_lang: str  # <html lang="…">


def current_wording() -> Wording:
    return Wording(_("{text}: {url}"), _("[{heading}]"), HTML_LANG)


@dataclass
class Message:
    title: str
    blocks: list[str | Table | Link] = field(default_factory=list)  # a str is a paragraph; "## x" a heading
    wording: Wording | None = None  # None: the process's language; set by from_json

    def link(self, text: str, url: str) -> Message:
        self.blocks.append(Link(text, url))
        return self

    def heading(self, text: str) -> Message:
        self.blocks.append(f"## {text}")
        return self

    def para(self, text: str) -> Message:
        self.blocks.append(text)
        return self

    def table(self, headers: list[str], rows: Rows) -> Message:
        self.blocks.append(Table(headers, rows))
        return self

    def render(self, kind: str) -> str:
        """One rendering by name: "text", "markdown" or "html"."""
        if kind not in ("text", "markdown", "html"):
            raise ValueError(f"no rendering named {kind!r}")
        return getattr(self, kind)()

    def text(self) -> str:
        wording = self.wording or current_wording()
        parts = [self.title, "=" * min(60, _width(self.title))]
        for block in self.blocks:
            if isinstance(block, Link):
                parts.append(wording.link.format(text=block.text, url=block.url))
            elif isinstance(block, Table):
                parts.append(simple(block.headers, block.rows) if block else block.empty)
            elif block.startswith("## "):
                parts.append("\n" + wording.heading.format(heading=block[3:]))
            else:
                parts.append(block)
        return "\n".join(parts) + "\n"

    def markdown(self) -> str:
        parts = [f"# {_md(self.title)}"]
        for block in self.blocks:
            if isinstance(block, Link):
                parts.append(f"[{_md(block.text)}](<{block.url.replace('>', '%3E')}>)")
            elif isinstance(block, Table):
                if block:
                    parts.append(_md_table(block))
                else:
                    parts.append(block.empty)
            elif block.startswith("## "):
                parts.append(f"## {_md(block[3:])}")
            else:
                parts.append(_md(block))
        return "\n\n".join(parts) + "\n"

    def html(self) -> str:
        parts = [f"<h1>{html.escape(self.title)}</h1>"]
        for block in self.blocks:
            if isinstance(block, Link):
                parts.append(f'<p><a href="{html.escape(block.url)}">{html.escape(block.text)}</a></p>')
            elif isinstance(block, Table):
                if block:
                    parts.append(_html_table(block))
                else:
                    parts.append(f"<p>{html.escape(block.empty)}</p>")
            elif block.startswith("## "):
                parts.append(f"<h2>{html.escape(block[3:])}</h2>")
            else:
                parts.append(f"<p>{html.escape(block)}</p>")
        body = "\n".join(parts)
        lang = (self.wording or current_wording()).html_lang
        return (
            f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title>"
            "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}</style>"
            f"</head><body>\n{body}\n</body></html>\n"
        )

    def to_json(self) -> str | None:
        """The message as stored (Notice.message), its wording resolved now; None when a cell is of
        a type JSON would not bring back as it renders (the caller then stores the renderings)."""
        blocks: list[object] = []
        for block in self.blocks:
            if isinstance(block, Link):
                blocks.append({"link": block.text, "url": block.url})
            elif isinstance(block, Table):
                # Text and dates (stored as their text either way) go as one joined string: JSON
                # then reads back one string per table, not one per cell (a digest of a big ledger
                # has fifteen million), and the renderings use it as it is. Other storable cells
                # (numbers, None: the plain text lays them out by type) go as rows.
                joined = block.text_joined()
                if not all(type(h) is str for h in block.headers) or not block.kinds() <= _STORABLE:
                    return None
                if joined is not None:
                    blocks.append({"headers": block.headers, "cells": joined, "empty": block.empty})
                else:
                    blocks.append({"headers": block.headers, "rows": block.rows, "empty": block.empty})
            else:
                blocks.append(block)
        document = {
            "format": FORMAT,
            "wording": asdict(self.wording or current_wording()),
            "title": self.title,
            "blocks": blocks,
        }
        # Only dates reach `default` (the cells' types were checked above): stored as their ISO text.
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)

    @classmethod
    def from_json(cls, stored: str) -> Message:
        document = json.loads(stored)
        if document.get("format") not in READ_FORMATS:
            raise ValueError(f"a stored message of format {document.get('format')!r}, not {FORMAT}")
        blocks: list[str | Table | Link] = []
        for block in document["blocks"]:
            if isinstance(block, str):
                blocks.append(block)
            elif "link" in block:
                blocks.append(Link(block["link"], block["url"]))
            elif "cells" in block:
                blocks.append(Table(block["headers"], empty=block["empty"], joined=block["cells"]))
            else:
                blocks.append(Table(block["headers"], block["rows"], block["empty"]))
        return cls(document["title"], blocks, Wording(**document["wording"]))


# What JSON brings back as the same type, and the dates, stored as their text: a date renders as its
# ISO text in all three renderings, and tabulate types its ISO text as text too (no number reads it).
_STORABLE = frozenset({type(None), bool, int, float, str, dt.date, dt.datetime})
_TEXT = frozenset({str, dt.date, dt.datetime})  # read back as text whether joined or not
_UNKNOWN = object()  # a Table's joined text not worked out yet

# A table's cells are joined with these separators and escaped as one string (one str.replace per
# character to escape, in C, instead of a Python call per cell: a first escalation lists 100,000
# rows), then the separators become the table's own; a stored message keeps the joined text. A
# table whose text holds either character is laid out cell by cell and stored as rows. They are
# private-use characters: no document should carry them, and JSON writes them as they are (a
# control character would take six bytes, \u001f, per cell of a stored message).
_CELL = "\uf8f0"
_ROW = "\uf8f1"


def _typed_join(rows: Rows) -> str:
    """The rows' cells as text (None as ""), cells and rows joined by the separators: for a table
    whose cells are not all text (Table._text_join joins those as they are)."""
    return _ROW.join(
        [_CELL.join([c if type(c) is str else ("" if c is None else str(c)) for c in row]) for row in rows]
    )


def _checked(rows: Rows, text: str) -> str | None:
    """The joined text, or None when a cell holds a separator or a row has no cells."""
    cells = sum(map(len, rows))
    if not all(rows) or text.count(_CELL) != cells - len(rows) or text.count(_ROW) != len(rows) - 1:
        return None
    return text


def _md_table(block: Table) -> str:
    # A pipe table needs no padding to render; written directly it costs nothing next to tabulate,
    # which sniffs every cell's type (a first escalation run on a big ledger lists 30,000 rows).
    lines = ["| " + " | ".join(_md_cell(h) for h in block.headers) + " |"]
    lines.append("|" + "|".join("---" for _ in block.headers) + "|")
    text = block.joined()
    if text is None:
        lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in block.rows]
    else:
        escaped = _md(text).replace("|", r"\|").replace("\n", " ")
        lines.append("| " + escaped.replace(_CELL, " | ").replace(_ROW, " |\n| ") + " |")
    return "\n".join(lines)


def _html_table(block: Table) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in block.headers)
    text = block.joined()
    if text is None:
        body = "\n".join(
            "<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in row) + "</tr>"
            for row in block.rows
        )
    else:
        cells = html.escape(text).replace(_CELL, "</td><td>").replace(_ROW, "</td></tr>\n<tr><td>")
        body = f"<tr><td>{cells}</td></tr>"
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _md(text: str) -> str:
    # Task text is shown, never interpreted: neutralise the characters Markdown and HTML act on.
    # "&" and "<" are enough to stop a renderer from reading HTML; ">" mid-line is plain text.
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return text.replace("*", r"\*").replace("_", r"\_").replace("`", r"\`")


def _md_cell(value: object) -> str:
    return _md("" if value is None else str(value)).replace("|", r"\|").replace("\n", " ")
