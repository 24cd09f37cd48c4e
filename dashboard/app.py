"""The FastAPI application: one factory, the settings passed in, the ledger opened once.

`duban serve` runs `create_app` through uvicorn; tests build it with their own settings.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from dashboard import auth, errors
from dashboard.cache import ViewCache
from dashboard.context import check_csrf, check_input
from dashboard.limits import BodyLimit
from dashboard.sessions import COOKIE, SessionData, Sessions, load_secret
from models.reads.users import session_user
from models.settings import Settings, load_settings
from models.vocabulary.i18n import _
from workflows.use_cases.ledger import open_ledger, read_session
from workflows.use_cases.sign_in import LoginThrottle

if TYPE_CHECKING:  # a type only: faces import no storage at run time
    from models.storage.tables import User

log = logging.getLogger("duban.dashboard")
STATIC = Path(__file__).parent / "static"
# Open to anonymous visitors: these exact paths, and anything under /static/ (vendored assets).
PUBLIC = frozenset({"/login", "/health"})
STATIC_PREFIX = "/static/"
# The pages use one vendored stylesheet and nothing else: no script, no inline style, no font or
# frame; forms post only here, and no other site may frame the dashboard.
POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    app = FastAPI(
        title="Duban 督办",
        description="The disclosure office's ledger of work-plan tasks: pages and JSON API.",
        docs_url=None,  # no CDN for Swagger UI's assets: the schema is at /api/openapi.json
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(check_input), Depends(check_csrf)],
    )
    app.state.settings = settings
    app.state.engine = open_ledger(settings.database_url)
    app.state.login_throttle = LoginThrottle(app.state.engine)
    app.state.view_cache = ViewCache()
    # The pages' HTML, rendered once for everyone at the same state (Ctx.render_shared): apart, so
    # that many pages kept do not push out the figures that cost far more to compute again.
    app.state.page_cache = ViewCache()
    hours = settings.dashboard.session_hours
    app.state.sessions = Sessions(
        load_secret(settings.resolve(settings.dashboard.secret_file)),
        max_age_seconds=hours * 3600,
        secure=settings.dashboard.cookie_secure,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.include_router(auth.router)
    from dashboard import routes

    routes.include(app)

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    # Added before the session middleware, so it runs inside it: the 413 it raises while the app
    # reads the body reaches the app's error pages directly, not wrapped by that middleware's task
    # group. The limit is a document plus the form around it.
    app.add_middleware(BodyLimit, limit=settings.plans.max_document_bytes + 1_000_000)

    @app.middleware("http")
    async def session_and_login(request: Request, call_next):  # type: ignore[no-untyped-def]
        sessions: Sessions = app.state.sessions
        path = request.url.path
        static = path.startswith(STATIC_PREFIX)
        session = sessions.read(request.cookies.get(COOKIE))
        request.state.session = session
        try:
            # Stylesheets need no user: no query for them. For the rest, the lookup is a blocking database
            # call: run in the thread pool, it leaves the event loop free for the other clients meanwhile.
            request.state.user = None if static else await run_in_threadpool(_user, app, session)
            if request.state.user is None and session.uid is not None and not static:
                # Logged out, expired, password changed or account deactivated: the cookie is worth nothing.
                request.state.session = session = sessions.new()
            if request.state.user is None and not (static or path in PUBLIC):
                if path.startswith("/api"):
                    response: Response = JSONResponse({"error": _("sign in first")}, status_code=401)
                else:
                    target = quote(path + (f"?{request.url.query}" if request.url.query else ""))
                    response = RedirectResponse(f"/login?next={target}", status_code=303)
            else:
                response = await call_next(request)
        except Exception:
            # Whatever failed, the answer is a plain 500 with the same headers as every other page,
            # and no traceback: that goes to the server's log.
            log.exception("unhandled error: %s %s", request.method, path)
            response = errors.server_error(path)
        if request.state.session.fresh and not static:
            response.set_cookie(
                COOKIE,
                sessions.dump(request.state.session),
                max_age=sessions.max_age,
                httponly=True,
                samesite="lax",
                secure=sessions.secure,
            )
        # setdefault: a response with a policy of its own (a digest's HTML body, sandboxed) keeps it.
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app


def _user(app: FastAPI, session: SessionData) -> User | None:
    """The signed-in user, read with the server-side session in one query: a signed cookie alone is
    not enough, so a cookie kept after logout or a password change is refused."""
    if session.uid is None:
        return None  # an anonymous visitor: no query at all
    with read_session(app.state.engine) as db:
        user = session_user(db, session.sid)
    return user if user is not None and user.id == session.uid else None
