"""Login and logout."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from dashboard.context import Ctx, get_ctx
from models.storage.db import read_session, write_session
from models.vocabulary.i18n import _
from models.writes.users import LoginThrottle, authenticate, end_session, start_login, upgraded_hash

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only paths on this site: an open redirect would let a link log someone in and send them away.
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(ctx: Annotated[Ctx, Depends(get_ctx)], next: str | None = None) -> Response:
    return ctx.render("login.html", next=_safe_next(next), error="")


@router.post("/login")
def login(
    ctx: Annotated[Ctx, Depends(get_ctx)],
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    throttle: LoginThrottle = ctx.request.app.state.login_throttle
    # An attempt is reserved in the ledger before the password is checked: concurrent guesses (on
    # every server process) cannot get more checks than the allowance.
    wait = throttle.reserve(name)
    if wait:
        # Refused before the password is checked, right or wrong: guessing gets no answer at all.
        error = _("too many failed sign-ins: this account is locked, try again in {minutes} minutes").format(
            minutes=math.ceil(wait / 60)
        )
        response = ctx.render("login.html", status_code=429, next=_safe_next(next), error=error)
        response.headers["Retry-After"] = str(wait)
        return response
    # Verified in a read session: the slow argon2 check must not hold SQLite's write lock.
    with read_session(ctx.engine) as session:
        user = authenticate(session, name, password)
    if user is None:
        throttle.failed(name)
        return ctx.render(
            "login.html", status_code=401, next=_safe_next(next), error=_("wrong user name or password")
        )
    throttle.succeeded(name)
    new_hash = upgraded_hash(user, password)
    # A new session id on login: a session id planted before login is worth nothing after it.
    fresh = ctx.sessions.new(uid=user.id)
    with write_session(ctx.engine) as session:
        start_login(session, user, fresh.sid, hours=ctx.settings.dashboard.session_hours, new_hash=new_hash)
    ctx.request.state.session = fresh
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(ctx: Annotated[Ctx, Depends(get_ctx)]) -> Response:
    # Ended on the server, not only by replacing the cookie: a copy of the old cookie is refused too.
    with write_session(ctx.engine) as session:
        end_session(session, ctx.session.sid)
    ctx.request.state.session = ctx.sessions.new()
    return RedirectResponse("/login", status_code=303)
