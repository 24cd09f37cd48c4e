"""One message, three renderings: plain text (tabulate tables), Markdown and HTML.

Messages are built as a list of blocks (headings, paragraphs, tables) and rendered three ways, so
the email, the chat-bot Markdown and the outbox file always say the same thing. HTML escapes every
piece of task text: a document may contain anything.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from tabulate import tabulate

from models.vocabulary import _
from models.vocabulary.i18n import HTML_LANG


@dataclass
class Table:
    headers: list[str]
    rows: list[list[object]]
    empty: str = _("(none)")


@dataclass
class Link:
    """A line with a link to a dashboard page (dashboard.base_url): a URL in plain text, a link in
    Markdown and HTML."""

    text: str
    url: str


@dataclass
class Message:
    title: str
    blocks: list[str | Table | Link] = field(default_factory=list)  # a str is a paragraph; "## x" a heading

    def link(self, text: str, url: str) -> Message:
        self.blocks.append(Link(text, url))
        return self

    def heading(self, text: str) -> Message:
        self.blocks.append(f"## {text}")
        return self

    def para(self, text: str) -> Message:
        self.blocks.append(text)
        return self

    def table(self, headers: list[str], rows: list[list[object]]) -> Message:
        self.blocks.append(Table(headers, rows))
        return self

    def text(self) -> str:
        parts = [self.title, "=" * min(60, _width(self.title))]
        for block in self.blocks:
            if isinstance(block, Link):
                parts.append(_("{text}: {url}").format(text=block.text, url=block.url))
            elif isinstance(block, Table):
                parts.append(
                    tabulate(block.rows, block.headers, tablefmt="simple") if block.rows else block.empty
                )
            elif block.startswith("## "):
                parts.append("\n" + _("[{heading}]").format(heading=block[3:]))
            else:
                parts.append(block)
        return "\n".join(parts) + "\n"

    def markdown(self) -> str:
        parts = [f"# {_md(self.title)}"]
        for block in self.blocks:
            if isinstance(block, Link):
                parts.append(f"[{_md(block.text)}](<{block.url.replace('>', '%3E')}>)")
            elif isinstance(block, Table):
                if block.rows:
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
                if block.rows:
                    parts.append(_html_table(block))
                else:
                    parts.append(f"<p>{html.escape(block.empty)}</p>")
            elif block.startswith("## "):
                parts.append(f"<h2>{html.escape(block[3:])}</h2>")
            else:
                parts.append(f"<p>{html.escape(block)}</p>")
        body = "\n".join(parts)
        return (
            f'<!doctype html>\n<html lang="{HTML_LANG}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title>"
            "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}</style>"
            f"</head><body>\n{body}\n</body></html>\n"
        )


def _md_table(block: Table) -> str:
    # A pipe table needs no padding to render; written directly it costs nothing next to tabulate,
    # which sniffs every cell's type (a first escalation run on a big ledger lists 30,000 rows).
    lines = ["| " + " | ".join(_md_cell(h) for h in block.headers) + " |"]
    lines.append("|" + "|".join("---" for _ in block.headers) + "|")
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in block.rows]
    return "\n".join(lines)


def _html_table(block: Table) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in block.headers)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in row) + "</tr>"
        for row in block.rows
    )
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
