"""The look-back report as Markdown: the shared outline, tables in GitHub pipe syntax."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from models.reads.lookback_views import Lookback
from models.vocabulary import _
from models.writes.carry_over_report import CarryOverReport
from workflows.lookback_outline import Block, chapters, cn_date, cn_number, issuer_of, report_title
from workflows.repeats import Repeats
from workflows.spooled import Spooled
from workflows.text_tables import github, write_github


def render_markdown(
    lookback: Lookback,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
    outline: list[tuple[str, list[Block]]] | None = None,
) -> str:
    """The whole report; `outline` is `chapters(lookback, carried)` when the caller already has it."""
    parts = markdown_parts(lookback, issuer=issuer, carried=carried, outline=outline)
    return "\n".join(md_table(*part) if isinstance(part, tuple) else part for part in parts)


def write_markdown(
    lookback: Lookback,
    out: TextIO,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
    outline: list[tuple[str, list[Block]]] | None = None,
) -> None:
    """The report written to `out` a part at a time, each table a line at a time (its rows gone
    through twice: the columns' widths, then the lines): the same text as render_markdown, never
    held whole."""
    for number, part in enumerate(markdown_parts(lookback, issuer=issuer, carried=carried, outline=outline)):
        if number:
            out.write("\n")
        if isinstance(part, tuple):
            write_md_table(*part, out)
        else:
            out.write(part)


def markdown_parts(
    lookback: Lookback,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
    outline: list[tuple[str, list[Block]]] | None = None,
) -> Iterator[str | tuple[list[str], Any]]:
    """The report's lines and tables (as (headers, rows), laid out by md_table or write_md_table),
    to be joined with newlines."""
    yield from [
        f"# {html.escape(report_title(lookback), quote=False)}",
        "",
        _("As of: {day}").format(day=lookback.as_of.isoformat()),
        "",
    ]
    for number, (heading, body) in enumerate(
        chapters(lookback, carried) if outline is None else outline, start=1
    ):
        yield from [f"## {cn_number(number)}、{html.escape(heading, quote=False)}", ""]
        for block in body:
            if isinstance(block, tuple):
                kind, *rest = block
                if kind == "table":
                    yield from [(rest[0], rest[1]), ""]
                elif kind == "sub":
                    yield from [f"### {html.escape(rest[0], quote=False)}", ""]
            else:
                yield from [html.escape(block, quote=False), ""]
    yield from ["", issuer_of(lookback, issuer), "", cn_date(lookback.as_of), ""]


_MD_SPECIAL = re.compile(r"[&<>\\|\r\n]")  # what md_cell changes


def md_cell(value: Any) -> str:
    # Raw HTML escaped first (a note holding <script> or <img onerror> is shown, never run where
    # the Markdown is rendered); the <br> added after is the only markup a cell carries.
    text = "" if value is None else str(value)
    if not _MD_SPECIAL.search(text):  # most cells: nothing to escape
        return text
    text = html.escape(text, quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def md_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A pipe table, byte for byte what tabulate(tablefmt="github", disable_numparse=True) writes
    (workflows.text_tables lays it out without tabulate's per-cell typing: that made it most of the
    Markdown time on a big ledger, 5 s for 80,000 rows)."""
    if not rows:
        return _("(none)")
    return github([md_cell(h) for h in headers], [[md_cell(v) for v in row] for row in rows])


def write_md_table(headers: list[str], rows: Iterable[list[Any]], out: TextIO) -> None:
    """md_table(headers, rows) written to `out` a line at a time; `rows` (a list, or a long list's
    Rows read again on each pass) is gone through twice and never held whole."""
    if not rows:
        out.write(_("(none)"))
        return
    # The cells made once: the second pass (the lines) reads them back from a temporary file,
    # not the long list again, its rows and their escaping.
    write_github([md_cell(h) for h in headers], Spooled(_Cells(rows)), out)


class _Cells:
    """Rows as md_cell texts, made again on each pass over them."""

    def __init__(self, rows: Iterable[list[Any]]) -> None:
        self.rows = rows

    def __iter__(self) -> Iterator[list[str]]:
        # md_cell of each text once while it repeats (plans, units, states, dates), at most
        # _REPEATS kept; other values (numbers, None) as they come.
        made = Repeats(md_cell, _REPEATS)
        for row in self.rows:
            yield [made[value] if type(value) is str else md_cell(value) for value in row]


_REPEATS = 5_000
