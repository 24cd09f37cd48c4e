"""What every ledger command needs: settings, the ledger's engine, the as-of date, the actor."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from models.clock import parse_date, today
from models.db import open_ledger
from models.settings import Settings, load_settings
from models.vocabulary.i18n import _

if TYPE_CHECKING:
    from workflows.use_cases.actor import Actor


@cache
def settings() -> Settings:
    return load_settings()


def ledger() -> Engine:
    return open_ledger(settings().database_url)


def as_of(value: str | None) -> dt.date:
    return parse_date(value, what=_("--as-of date")) if value else today(settings().timezone)


def today_() -> dt.date:
    return today(settings().timezone)


def actor(name: str) -> Actor:
    """Who `--as NAME` is: a dashboard account of that name acts with its role (a unit user on its
    own unit's tasks only, as on the pages); any other name is the operator at the server, who
    may do everything the office and an admin may."""
    from models.db import read_session
    from workflows.use_cases.actor import cli_actor

    with read_session(ledger()) as session:
        return cli_actor(session, name)


def operator(name: str = "office") -> Actor:
    """The operator at the server, for commands that take no --as (the jobs run by hand)."""
    from workflows.use_cases.actor import Actor

    return Actor.operator(name)
