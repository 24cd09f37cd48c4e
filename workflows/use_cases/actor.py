"""Who acts: a dashboard user with a role, a unit user bound to a unit, or the system (a job)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models.reads import units as registry
from models.reads.users import user_named
from models.rules.permissions import Role
from models.storage.tables import User


@dataclass(frozen=True)
class Actor:
    """The one who acts. `name` is what the journal records; `unit_id` is set for a unit user only."""

    name: str
    role: Role
    unit_id: int | None = None
    user_id: int | None = None

    @classmethod
    def of_user(cls, user: User) -> Actor:
        """A signed-in dashboard account (an unknown stored role acts as a leader: read only)."""
        try:
            role = Role(user.role)
        except ValueError:
            role = Role.LEADER
        if role is Role.SYSTEM:  # not an account role: a stored "system" user gets no job powers
            role = Role.LEADER
        return cls(user.name, role, unit_id=user.unit_id if role is Role.UNIT else None, user_id=user.id)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """A job: the scheduler, a Prefect flow, the demo's script."""
        return cls(name, Role.SYSTEM)

    @classmethod
    def operator(cls, name: str) -> Actor:
        """Whoever runs the CLI on the server with the ledger's credentials: every power (they could
        open the database themselves), the journal recording the name they give with --as."""
        return cls(name, Role.ADMIN)


def cli_actor(session: Session, name: str) -> Actor:
    """The actor behind `--as NAME`: the dashboard account of that name acts with its role (a unit
    user for its unit only); a unit of the registry (name or alias) acts as that unit's user, on
    the tasks it leads or supports; any other name is the operator at the server."""
    user = user_named(session, name.strip())
    if user is not None and user.active:
        return Actor.of_user(user)
    unit = registry.find(session, name)
    if unit is not None and unit.id is not None:
        return Actor(name, Role.UNIT, unit_id=unit.id)
    return Actor.operator(name)
