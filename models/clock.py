"""The one place "today" comes from: every operation takes an explicit as-of date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.errors import BadInput


def today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()


def parse_date(text: str, *, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"bad {what} {text!r}: expected YYYY-MM-DD") from None
