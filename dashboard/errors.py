"""Duban's exceptions mapped once: an HTML page for the pages, JSON for the API."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from models.errors import BadInput, Conflict, DubanError, NotFound, PermissionDenied
from models.vocabulary.i18n import HTML_LANG, _

STATUS = {NotFound: 404, Conflict: 409, PermissionDenied: 403, BadInput: 400}
TITLES = {
    404: _("Not found"),
    409: _("Conflict"),
    403: _("Not allowed"),
    400: _("Bad input"),
    422: _("Bad input"),
}


def _respond(request: Request, status: int, message: str, error: Exception | None = None) -> Response:
    if request.url.path.startswith("/api"):
        body = {"error": message}
        # Coded errors carry their code and the field they are about (models.errors).
        for name in ("code", "field"):
            value = getattr(error, name, None)
            if isinstance(value, str) and value:
                body[name] = value
        return JSONResponse(body, status_code=status)
    from dashboard.context import get_ctx

    ctx = get_ctx(request)
    return ctx.render(
        "error.html", status_code=status, title=TITLES.get(status, _("Something went wrong")), message=message
    )


SERVER_ERROR = _("internal server error, logged: try again later or ask an administrator")


def server_error(path: str) -> Response:
    """The 500 answer: no template (rendering may be what failed), no traceback."""
    if path.startswith("/api"):
        return JSONResponse({"error": SERVER_ERROR}, status_code=500)
    page = (
        f'<!doctype html><html lang="{HTML_LANG}"><head><meta charset="utf-8"><title>{_("Something went wrong")}</title></head>'
        f'<body><h1>{_("Something went wrong")}</h1><p>{SERVER_ERROR}</p><p><a href="/">{_("Back to the home page")}</a></p></body></html>'
    )
    return HTMLResponse(page, status_code=500)


def install(app: FastAPI) -> None:
    @app.exception_handler(DubanError)
    async def duban_error(request: Request, error: DubanError) -> Response:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        # A coded error names its field by its word, which is the form's label on the pages.
        return _respond(request, status, error.describe(), error)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query", "form"))
        return _respond(request, 422, f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return _respond(request, error.status_code, str(error.detail))
