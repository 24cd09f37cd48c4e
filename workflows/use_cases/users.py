"""Dashboard accounts: create, set a password, deactivate and activate (admins only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from models.rules.permissions import Action
from models.storage.db import write_session
from models.writes import users as accounts
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    unit: str | None
    active: bool


def add_user(
    engine: Engine, actor: Actor, name: str, *, role: str, password: str, unit: str | None = None
) -> Account:
    require(actor, Action.MANAGE_USERS)
    with write_session(engine) as session:
        user = accounts.add_user(session, name, role=role, unit=unit, password=password)
        return Account(user.name, user.role, unit, user.active)


def set_password(engine: Engine, actor: Actor, name: str, password: str) -> Account:
    """A new password; the account is signed out of every dashboard session."""
    require(actor, Action.MANAGE_USERS)
    with write_session(engine) as session:
        user = accounts.set_password(session, name, password)
        return Account(user.name, user.role, None, user.active)


def set_active(engine: Engine, actor: Actor, name: str, active: bool) -> Account:
    """Allow or refuse an account's logins (deactivating ends its sessions; its history stays)."""
    require(actor, Action.MANAGE_USERS)
    with write_session(engine) as session:
        user = accounts.set_active(session, name, active)
        return Account(user.name, user.role, None, user.active)
