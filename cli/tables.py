"""Rows out in the three formats every listing command offers: table, json, csv."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any

from models.vocabulary.i18n import _


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


BOM = "\ufeff"
# A spreadsheet opening the CSV runs a cell starting with these as a formula (`=HYPERLINK(…)`,
# `@SUM(…)`, `-2+3`); a leading apostrophe makes it text, as OWASP's CSV-injection advice says.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell for CSV: text that a spreadsheet would run as a formula is kept as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def render(headers: list[str], rows: list[list[Any]], fmt: Format) -> str:
    """JSON and CSV keep the English keys (msgids) for scripts; a table is read by a person, so its
    headers are given in the chosen language (the rows come already worded by the command)."""
    if fmt is Format.json:
        return json.dumps(
            [dict(zip(headers, row, strict=True)) for row in rows], ensure_ascii=False, indent=2, default=str
        )
    if fmt is Format.csv:
        # For the office's spreadsheet: Excel reads UTF-8 only after a byte-order mark (without it,
        # GBK mojibake), and the columns carry the names the office uses. JSON keeps the stable keys.
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        writer.writerow([_(h) for h in headers])
        writer.writerows([[csv_cell(v) for v in row] for row in rows])
        return buffer.getvalue()
    from tabulate import tabulate  # 50 ms to import: only when a table is printed

    return (
        tabulate([[("" if v is None else v) for v in row] for row in rows], headers=[_(h) for h in headers])
        if rows
        else _("(none)")
    )
