"""Login and logout."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from dashboard.context import Ctx, get_ctx
from models.vocabulary.i18n import _
from workflows.use_cases import sign_in

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
    throttle: sign_in.LoginThrottle = ctx.request.app.state.login_throttle
    checked = sign_in.check(ctx.engine, throttle, name, password)
    if checked.wait:
        # Refused before the password is checked, right or wrong: guessing gets no answer at all.
        error = _("too many failed sign-ins: this account is locked, try again in {minutes} minutes").format(
            minutes=math.ceil(checked.wait / 60)
        )
        response = ctx.render("login.html", status_code=429, next=_safe_next(next), error=error)
        response.headers["Retry-After"] = str(checked.wait)
        return response
    if checked.user is None:
        return ctx.render(
            "login.html", status_code=401, next=_safe_next(next), error=_("wrong user name or password")
        )
    # A new session id on login: a session id planted before login is worth nothing after it.
    fresh = ctx.sessions.new(uid=checked.user.id)
    sign_in.start(ctx.engine, checked, fresh.sid, hours=ctx.settings.dashboard.session_hours)
    ctx.request.state.session = fresh
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(ctx: Annotated[Ctx, Depends(get_ctx)]) -> Response:
    # Ended on the server, not only by replacing the cookie: a copy of the old cookie is refused too.
    sign_in.end(ctx.engine, ctx.session.sid)
    ctx.request.state.session = ctx.sessions.new()
    return RedirectResponse("/login", status_code=303)
