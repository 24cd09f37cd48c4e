"""Local accounts of the dashboard: argon2-hashed passwords, a role, and for unit users their unit.

Roles: admin and office may do everything; unit users see everything and change only their own
unit's tasks; leaders only read. Who may do what is the table of models.rules.permissions, asked by
the use cases (workflows/use_cases); models.reads.users asks it for a page deciding what to show
and holds the reads (a login's password check, the account behind a session).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable

from sqlalchemy import Engine, and_, case, delete, or_, update
from sqlmodel import Session, col, select

from models.errors import BadInput, Conflict, NotFound
from models.reads import units as registry
from models.reads.users import hasher, session_key
from models.storage.db import insert_new, write_session
from models.storage.tables import LoginAttempt, User, UserRole, WebSession, utcnow

MIN_PASSWORD = 8


def add_user(session: Session, name: str, *, role: str, password: str, unit: str | None = None) -> User:
    name = name.strip()
    if not name:
        raise BadInput(code="user.name_required", field="name")
    if role not in {r.value for r in UserRole}:
        raise BadInput(
            code="user.role.unknown", field="role", value=role, choices=[r.value for r in UserRole]
        )
    if role == UserRole.UNIT.value and not unit:
        raise BadInput(code="user.unit_required", field="unit")
    if role != UserRole.UNIT.value and unit:
        raise BadInput(code="user.unit_not_allowed", field="unit", role=role)
    if len(password) < MIN_PASSWORD:
        raise BadInput(code="user.password.too_short", field="password", min=MIN_PASSWORD)
    if session.exec(select(User).where(User.name == name)).first() is not None:
        raise Conflict(code="user.exists", user=name)
    unit_id = registry.get(session, unit).id if unit else None
    user = User(name=name, role=role, unit_id=unit_id, password_hash=hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, name: str, password: str) -> User:
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(code="user.not_found", user=name)
    if len(password) < MIN_PASSWORD:
        raise BadInput(code="user.password.too_short", field="password", min=MIN_PASSWORD)
    user.password_hash = hasher.hash(password)
    session.add(user)
    # A new password is often set because the old one leaked: whoever used it is signed out too.
    end_user_sessions(session, user)
    session.flush()
    return user


def set_active(session: Session, name: str, active: bool) -> User:
    """Allow or refuse an account's logins; deactivating also ends its open sessions."""
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(code="user.not_found", user=name)
    user.active = active
    session.add(user)
    if not active:
        end_user_sessions(session, user)
    session.flush()
    return user


def start_login(
    session: Session, user: User, sid: str, *, hours: int, new_hash: str | None = None
) -> WebSession:
    """The writes of a login, in one short transaction: the upgraded hash (unless the password was
    changed since it was verified) and the server-side session."""
    if new_hash is not None:
        session.execute(
            update(User)
            .where(col(User.id) == user.id, col(User.password_hash) == user.password_hash)
            .values(password_hash=new_hash)
        )
    return start_session(session, user, sid, hours=hours)


# --- Dashboard sessions ---------------------------------------------------------------------------


def start_session(
    session: Session, user: User, sid: str, *, hours: int, now: dt.datetime | None = None
) -> WebSession:
    """Record a signed-in session (the cookie's id): valid until `hours` from now or until ended."""
    assert user.id is not None  # a stored account
    now = now or utcnow()
    # Expired rows of anyone are cleared here, at a login, so the table never grows without bound.
    session.execute(delete(WebSession).where(col(WebSession.expires_at) <= now))
    row = WebSession(
        sid=session_key(sid), user_id=user.id, created_at=now, expires_at=now + dt.timedelta(hours=hours)
    )
    session.add(row)
    session.flush()
    return row


def end_session(session: Session, sid: str) -> None:
    session.execute(delete(WebSession).where(col(WebSession.sid) == session_key(sid)))


def end_user_sessions(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(col(WebSession.user_id) == user.id))


# --- Login throttling -----------------------------------------------------------------------------

MAX_FAILURES = 5  # failed logins for one name …
FAILURE_WINDOW = 15 * 60  # … within this many seconds …
LOCKOUT = 15 * 60  # … refuse that name for this many seconds, the right password included
BUSY = 60  # seconds to wait when the whole allowance is being checked at this moment
_NAME_KEY = 200  # the column's width: a longer name is counted under its first 200 characters


class LoginThrottle:
    """Failed logins per name, to stop guessing a password online.

    Kept in the ledger (table login_attempt), so every server process (`duban serve --workers N`)
    counts against one allowance. An attempt is *reserved* before its password is checked, by one
    conditional UPDATE (`failures + pending < MAX_FAILURES`): forty guesses sent at once get five
    checks, not forty. A failure turns its reservation into a failure; the failure that fills the
    allowance locks the name for LOCKOUT, and while locked every attempt is refused unchecked, the
    right password included. A success releases its reservation but clears no failure: at most
    MAX_FAILURES wrong passwords are checked per name and window, whatever the timing (a success
    that cleared the count would hand a burst of guesses a new allowance). Counts start again
    after FAILURE_WINDOW, or when a lockout ends. Unknown names are counted like real ones, so the answer
    tells nothing about which accounts exist; stale rows are deleted as new names arrive, so the
    table stays small. The clock (seconds since the epoch) is passed in, so tests move time.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock(), dt.UTC)

    @staticmethod
    def _key(name: str) -> str:
        return name.strip()[:_NAME_KEY]

    def reserve(self, name: str) -> int:
        """Reserve an attempt for `name`: 0 when its password may now be checked (then call
        `failed` or `succeeded`), else the seconds until it may try again (nothing reserved)."""
        key, now = self._key(name), self._now()
        window = dt.timedelta(seconds=FAILURE_WINDOW)
        with write_session(self._engine) as session:
            fresh = {"name": key, "failures": 0, "pending": 0, "window_start": now}
            if insert_new(session, LoginAttempt, [fresh], returning=(LoginAttempt.name,)):
                # A name not seen lately: forget the names whose window and lockout are both over.
                session.execute(
                    delete(LoginAttempt).where(
                        col(LoginAttempt.window_start) < now - window,
                        or_(col(LoginAttempt.locked_until).is_(None), col(LoginAttempt.locked_until) <= now),
                        col(LoginAttempt.name) != key,
                    )
                )
            # A lockout over, or a window passed without one: the allowance is whole again (a check
            # left pending by a process that died is forgotten too).
            session.execute(
                update(LoginAttempt)
                .where(
                    col(LoginAttempt.name) == key,
                    or_(
                        col(LoginAttempt.locked_until) <= now,
                        and_(
                            col(LoginAttempt.locked_until).is_(None),
                            col(LoginAttempt.window_start) <= now - window,
                        ),
                    ),
                )
                .values(failures=0, pending=0, window_start=now, locked_until=None)
            )
            # The reservation itself: the WHERE is evaluated on the row as locked by this UPDATE, so
            # concurrent requests cannot both take the last attempt.
            reserved = session.execute(
                update(LoginAttempt)
                .where(
                    col(LoginAttempt.name) == key,
                    col(LoginAttempt.locked_until).is_(None),
                    LoginAttempt.failures + LoginAttempt.pending < MAX_FAILURES,
                )
                .values(pending=LoginAttempt.pending + 1)
            ).rowcount  # type: ignore[attr-defined]
            if reserved == 1:
                return 0
            until = session.scalar(select(LoginAttempt.locked_until).where(LoginAttempt.name == key))
        if until is None:
            return BUSY  # the whole allowance is being checked right now
        return max(1, math.ceil((until - now).total_seconds()))

    def failed(self, name: str) -> None:
        """A reserved attempt with a wrong password: counted; the one that fills the allowance locks."""
        now = self._now()
        with write_session(self._engine) as session:
            session.execute(
                update(LoginAttempt)
                .where(col(LoginAttempt.name) == self._key(name))
                .values(
                    pending=case((LoginAttempt.pending > 0, LoginAttempt.pending - 1), else_=0),
                    failures=LoginAttempt.failures + 1,
                    locked_until=case(
                        (
                            and_(
                                col(LoginAttempt.locked_until).is_(None),
                                LoginAttempt.failures + 1 >= MAX_FAILURES,
                            ),
                            now + dt.timedelta(seconds=LOCKOUT),
                        ),
                        else_=LoginAttempt.locked_until,
                    ),
                )
            )

    def succeeded(self, name: str) -> None:
        """A reserved attempt with the right password: its reservation is released. The failures
        of the window stay counted: a login in the middle of a burst of guesses (or between them)
        must not give the guesses a new allowance."""
        with write_session(self._engine) as session:
            session.execute(
                update(LoginAttempt)
                .where(col(LoginAttempt.name) == self._key(name))
                .values(pending=case((LoginAttempt.pending > 0, LoginAttempt.pending - 1), else_=0))
            )
