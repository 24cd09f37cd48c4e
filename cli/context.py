"""What every ledger command needs: settings, the ledger's engine, the as-of date, the actor."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from models.clock import parse_date, today
from models.vocabulary.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from models.quick_settings import QuickSettings
    from models.settings import Settings
    from workflows.use_cases.actor import Actor


@cache
def settings() -> Settings:
    # pydantic and the settings' models only for the commands that read the configuration:
    # `duban --help` needs none of them (see cli/main.py).
    from models.settings import load_settings

    return load_settings()


def quick_settings() -> QuickSettings:
    """The values `duban tasks` and `duban show` read, without pydantic once this configuration
    was validated (models.quick_settings). Not cached in the process: `settings.cache_clear()`
    (the tests, between ledgers) must reach these too."""
    from models.quick_settings import QuickSettings, quick_settings

    if settings.cache_info().currsize:  # loaded already in this process: the same values
        return QuickSettings.of(settings())
    return quick_settings(settings)


def ledger() -> Engine:
    # SQLAlchemy only for the commands that open the ledger (see cli/main.py).
    from workflows.use_cases.ledger import open_ledger

    return open_ledger(settings().database_url)


def as_of(value: str | None, timezone: str | None = None) -> dt.date:
    """The --as-of date, else today in the configured time zone (`timezone` when the caller has it
    already)."""
    return parse_date(value, what=_("--as-of date")) if value else today(timezone or settings().timezone)


def today_() -> dt.date:
    return today(settings().timezone)


# Who a change is journalled under when not a person or a unit: the defaults of the commands.
SYSTEM_ACTORS = ("office", "lookback")


def actor(name: str) -> Actor:
    """Who `--as NAME` is: a dashboard account of that name acts with its role (a unit user on its
    own unit's tasks only, as on the pages), a unit of the registry (or an alias) as that unit, the
    commands' defaults (office, lookback) as the operator at the server. Any other name is refused
    with the closest names, so a typo never lands in the journal as somebody new."""
    from models.errors import BadInput
    from models.reads import units
    from models.reads.users import user_named
    from workflows.use_cases.actor import Actor, cli_actor
    from workflows.use_cases.ledger import read_session

    with read_session(ledger()) as session:
        if name in SYSTEM_ACTORS:
            return Actor.operator(name)
        known = units.find(session, name) is not None or user_named(session, name) is not None
        if known:
            return cli_actor(session, name)
        close = units.suggest(session, name)
    raise BadInput(
        _("unknown --as {name}: give office, a unit of the registry or a user name").format(name=name)
        + units.did_you_mean(close)
    )


def operator(name: str = "office") -> Actor:
    """The operator at the server, for commands that take no --as (the jobs run by hand)."""
    from workflows.use_cases.actor import Actor

    return Actor.operator(name)
