"""Duban's exceptions mapped once: an HTML page for the pages, JSON for the API."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from models.errors import BadInput, Conflict, DubanError, NotFound, PermissionDenied

STATUS = {NotFound: 404, Conflict: 409, PermissionDenied: 403, BadInput: 400}
TITLES = {404: "未找到", 409: "冲突", 403: "无权操作", 400: "输入有误", 422: "输入有误"}


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
    return ctx.render("error.html", status_code=status, title=TITLES.get(status, "出错了"), message=message)


SERVER_ERROR = "服务器内部错误，已记入日志，请稍后再试或联系管理员"


def server_error(path: str) -> Response:
    """The 500 answer: no template (rendering may be what failed), no traceback."""
    if path.startswith("/api"):
        return JSONResponse({"error": SERVER_ERROR}, status_code=500)
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>出错了</title></head>'
        f'<body><h1>出错了</h1><p>{SERVER_ERROR}</p><p><a href="/">返回首页</a></p></body></html>'
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
