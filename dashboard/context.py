"""What every route gets: settings, the ledger, the session, the signed-in user; rendering; CSRF."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlmodel import Session

from dashboard.sessions import SessionData, Sessions
from models.clock import today
from models.errors import BadInput, PermissionDenied
from models.reads.names import path_label, plan_names
from models.reads.users import can_write, is_office
from models.rules import bounds
from models.rules.permissions import Action, allowed
from models.settings import Settings
from models.vocabulary.i18n import HTML_LANG, LANGUAGE, _, translation
from workflows.use_cases.errors import OFFICE_ONLY, Denied
from workflows.use_cases.ledger import read_session

if TYPE_CHECKING:  # a type only: faces import no storage at run time
    from models.storage.tables import User

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescape on for .html
TEMPLATES.env.filters["point"] = path_label  # 五、12 / 二（三）2, as documents write a point's place
# The pages' own words come from the same catalog as the code's: `{{ _("Ledger") }}` in a template.
# New-style gettext formats `%(name)s` placeholders itself and escapes their values, not the msgstr.
TEMPLATES.env.add_extension("jinja2.ext.i18n")
TEMPLATES.env.install_gettext_translations(translation(LANGUAGE), newstyle=True)  # type: ignore[attr-defined]
TEMPLATES.env.globals["html_lang"] = HTML_LANG

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Ctx:
    request: Request
    settings: Settings
    engine: Engine
    sessions: Sessions
    session: SessionData
    user: User | None

    @property
    def csrf(self) -> str:
        return self.sessions.csrf_token(self.session)

    @property
    def today(self) -> dt.date:
        return today(self.settings.timezone)

    @property
    def office(self) -> bool:
        return self.user is not None and is_office(self.user)

    @property
    def writer(self) -> bool:
        return self.user is not None and can_write(self.user)

    def plan_name(self, key: str) -> str:
        """The short name people read for a plan key (one query per request)."""
        names = self.__dict__.get("_plan_names")
        if names is None or (key not in names and not self.__dict__.get("_every_plan")):
            with read_session(self.engine) as session:
                names = self.__dict__["_plan_names"] = plan_names(session)
            self.__dict__["_every_plan"] = True
        return names.get(key, key)

    def name_plans(self, session: Session, keys: Collection[str]) -> None:
        """Read the names of these plans only (a page's rows'), not every plan's: deriving 2,000
        names cost the ledger page 80 ms. plan_name still reads them all for any other key."""
        self.__dict__["_plan_names"] = plan_names(session, keys)

    def render(self, name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            self.request, name, {"ctx": self, **values}, status_code=status_code
        )


def get_ctx(request: Request) -> Ctx:
    state = request.app.state
    return Ctx(
        request, state.settings, state.engine, state.sessions, request.state.session, request.state.user
    )


CtxDep = Annotated[Ctx, Depends(get_ctx)]


def signed_in(ctx: CtxDep) -> User:
    assert ctx.user is not None  # the middleware refuses anonymous requests before routing
    return ctx.user


def requires(action: Action) -> Callable[[Ctx], Ctx]:
    """A dependency refusing (403) a signed-in user whom the permission table does not give
    `action`: the page is not shown at all. The use case behind the page checks again."""

    def check(ctx: CtxDep) -> Ctx:
        if ctx.user is None or not allowed(ctx.user.role, action):
            raise Denied(OFFICE_ONLY, action=action)
        return ctx

    return check


# The plan import pages and the unit merge: the office's (and admins').
OfficeCtx = Annotated[Ctx, Depends(requires(Action.IMPORT_PLAN))]
MergeCtx = Annotated[Ctx, Depends(requires(Action.MERGE_UNITS))]


async def check_input(request: Request) -> None:
    """The one text rule of models.rules.bounds on everything a request carries before any route reads it:
    its path, query parameters, form fields and JSON strings. A NUL anywhere (the anonymous login
    form included) would reach PostgreSQL, which refuses it with an error: a 400 here instead."""
    found = [(_("request path"), request.url.path), *request.query_params.multi_items()]
    content_type = request.headers.get("content-type", "")
    if request.method in UNSAFE and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form(max_fields=50_000)
        found += [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    elif request.method in UNSAFE and content_type.startswith("application/json"):
        # A malformed body is left to FastAPI's own parsing, which answers it with a 422.
        with contextlib.suppress(ValueError, RecursionError):
            found += list(_strings("body", json.loads(await request.body() or b"null")))
    for name, value in found:
        bad = bounds.forbidden_character(name) or bounds.forbidden_character(value)
        if bad is not None:
            raise BadInput(
                _("the input holds a control character that is not allowed: {bad} ({field})").format(
                    bad=bad, field=bounds.shown_name(name)
                ),
                code="input.control_character",
                field=name,
            )


def _strings(where: str, value: object) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield where, str(key)
            yield from _strings(str(key), item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(where, item)


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token: a form field or X-CSRF-Token."""
    if request.method not in UNSAFE:
        return
    token = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        # Starlette's default is 1,000 fields; a plan's review form has four per task.
        form = await request.form(max_fields=50_000)
        value = form.get("csrf")
        token = value if isinstance(value, str) else None
    if not request.app.state.sessions.csrf_ok(request.state.session, token):
        # Worded unlike the permission refusals, so a user (and a test) can tell the two 403s apart.
        raise PermissionDenied(
            _("the form has no security token or it has expired: reload the page and send it again"),
            code="csrf",
        )
