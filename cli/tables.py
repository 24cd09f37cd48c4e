"""Rows out in the three formats every listing command offers: table, json, csv."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any

from tabulate import tabulate


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def render(headers: list[str], rows: list[list[Any]], fmt: Format) -> str:
    if fmt is Format.json:
        return json.dumps(
            [dict(zip(headers, row, strict=True)) for row in rows], ensure_ascii=False, indent=2, default=str
        )
    if fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows([[("" if v is None else v) for v in row] for row in rows])
        return buffer.getvalue()
    return (
        tabulate([[("" if v is None else v) for v in row] for row in rows], headers=headers)
        if rows
        else "(none)"
    )
