"""The request-size limit, enforced on the bytes received, not on what the client declares.

A Content-Length over the limit is refused before anything is read. A chunked body has no
Content-Length, so `receive` is wrapped: once the bytes read pass the limit, reading stops with a 413
raised where the app reads the body (the CSRF check's form parsing, FastAPI's body parsing), before
Starlette has parsed or spooled more than the limit. A pure ASGI middleware, because a
BaseHTTPMiddleware cannot wrap the `receive` the app reads from.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.vocabulary.i18n import _


def too_large(limit: int) -> str:
    return _("request too large: the limit is {limit:,} bytes").format(limit=limit)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._declared(scope) > self.limit:
            await self._refuse(send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Mapped to the error page or JSON error by dashboard.errors, like any HTTP error.
                    raise HTTPException(413, too_large(self.limit))
            return message

        await self.app(scope, limited, send)

    @staticmethod
    def _declared(scope: Scope) -> int:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0  # the server refuses a malformed length itself
        return 0

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": too_large(self.limit)}, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
