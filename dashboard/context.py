"""What every route gets: settings, the ledger, the session, the signed-in user; rendering; CSRF."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from collections.abc import Callable, Collection, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
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
# Where each user's own values go in a page rendered once for many (Ctx.render_shared). The random
# part is new in every process and never leaves it (every hole is filled before a page is sent), so
# no text in the ledger can contain one.
_NONCE = secrets.token_hex(16)
HEADER_HOLE = Markup(f"<!--duban-header-{_NONCE}-->")
CSRF_HOLE = Markup(f"duban-csrf-{_NONCE}")
# A shared page longer than this is not kept: the whole overview of a 100,000-task ledger
# (显示全部) is 5 MB of HTML, and sixty-four of them would hold 300 MB; a capped one is 70 KB.
SHARED_PAGE_CHARS = 500_000


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

    def header(self) -> Markup:
        """The page head's navigation and sign-out form: the signed-in user's own (base.html)."""
        return Markup(TEMPLATES.get_template("header.html").render(ctx=self))

    def render(self, name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            self.request, name, {"ctx": self, **values}, status_code=status_code
        )

    def render_shared(
        self, name: str, key: Hashable, kept: tuple[object, ...], **values: Any
    ) -> HTMLResponse:
        """`name` rendered once for all the requests asking for the same page at the same state,
        then each user's header and CSRF token put in: fifty people opening the ledger at nine
        would otherwise each pay the template (two thirds of a kept page's time).

        The HTML is kept in the page cache (dashboard/cache.py) under `key`, which must name
        everything else the page shows that a request could change (its query string, the as-of
        date, the ledger's state, what the page reads on every request), plus what SharedCtx lets
        the template see: the office flag and the plan names read for the page. `kept` is what the
        page took from the view cache: the entry is tied to those very objects (their ids in the
        key, the objects held by the entry so no other can take an id meanwhile), so when they
        are computed again (the ledger moved, or their 60 s passed) the HTML is too, never staler
        than they are."""
        names = self.__dict__.get("_plan_names") or {}
        cache = self.request.app.state.page_cache
        full_key = (name, key, tuple(map(id, kept)), self.office, tuple(sorted(names.items())))

        rendered: list[str] = []

        def render() -> str:
            rendered.append(TEMPLATES.get_template(name).render(ctx=SharedCtx(self, names), **values))
            return rendered[-1]

        def page() -> tuple[tuple[object, ...], str | None]:
            html = render()
            return kept, html if len(html) <= SHARED_PAGE_CHARS else None  # None: each renders its own

        html = cache.get(full_key, page)[1]
        if html is None:
            html = rendered[-1] if rendered else render()
        return HTMLResponse(html.replace(HEADER_HOLE, self.header()).replace(CSRF_HOLE, escape(self.csrf)))


class SharedPage(RuntimeError):
    """A shared page's template asked for something of one user's (a programming error)."""


class SharedCtx:
    """`ctx` while a page is rendered for everyone who asks for it at the same state: only what is
    the same for all of them (the settings; the office flag and the plan names, both in the cache
    key) and holes where each user's own goes (the header, the CSRF token). Anything else fails
    loudly rather than showing one user's values to another: a RuntimeError, which Jinja does not
    turn into an empty Undefined as it does an AttributeError."""

    def __init__(self, ctx: Ctx, names: dict[str, str]) -> None:
        self.settings = ctx.settings
        self.office = ctx.office
        self.csrf = CSRF_HOLE
        self._names = names

    def header(self) -> Markup:
        return HEADER_HOLE

    def plan_name(self, key: str) -> str:
        if key not in self._names:  # Ctx.plan_name would read every plan: not in the cache key
            raise SharedPage(f"plan {key!r} was not named for this page (Ctx.name_plans)")
        return self._names[key]

    def __getattr__(self, name: str) -> Any:
        raise SharedPage(f"ctx.{name} differs between users: not on a shared page")


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
