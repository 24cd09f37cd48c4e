"""What every ledger command needs: settings, the ledger's engine, the as-of date."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import Engine

from models.clock import parse_date, today
from models.db import open_ledger
from models.settings import Settings, load_settings
from models.vocabulary.i18n import _


@cache
def settings() -> Settings:
    return load_settings()


def ledger() -> Engine:
    return open_ledger(settings().database_url)


def as_of(value: str | None) -> dt.date:
    return parse_date(value, what=_("--as-of date")) if value else today(settings().timezone)
