"""What every ledger command needs: settings, the ledger's engine, the as-of date."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import Engine

from models.clock import parse_date, today
from models.db import open_ledger
from models.settings import Settings, load_settings


@cache
def settings() -> Settings:
    return load_settings()


def ledger() -> Engine:
    return open_ledger(settings().database_url)


def as_of(value: str | None) -> dt.date:
    return parse_date(value, what="--as-of date") if value else today(settings().timezone)


# Who a change is journalled under when not a person or a unit: the defaults of the commands.
SYSTEM_ACTORS = ("office", "lookback")


def actor(name: str) -> str:
    """An `--as` name: the office, a unit of the registry (or an alias) or a user; anything else
    is refused with the closest names, so a typo never lands in the journal as somebody new."""
    from sqlmodel import select

    from models import units
    from models.db import read_session
    from models.errors import BadInput
    from models.tables import User

    if name in SYSTEM_ACTORS:
        return name
    with read_session(ledger()) as session:
        if units.find(session, name) is not None:
            return name
        if session.exec(select(User.id).where(User.name == name)).first() is not None:
            return name
        close = units.suggest(session, name)
    raise BadInput(
        f"unknown --as {name!r}: give office, a unit of the registry or a user name{units.did_you_mean(close)}"
    )
