"""How the API authorises a request, declared for the OpenAPI schema.

The checks themselves happen elsewhere, once for pages and API alike: the session middleware
(dashboard.app) refuses a request without a signed-in session, and dashboard.context.check_csrf a
write without the session's token. These declarations only put the two in the schema, as API keys
(the session cookie, the X-CSRF-Token header), so a script's author reads there what to send.
"""

from __future__ import annotations

from fastapi import Security
from fastapi.security import APIKeyCookie, APIKeyHeader

from dashboard.sessions import COOKIE

SESSION = APIKeyCookie(
    name=COOKIE,
    scheme_name="session",
    description="The session cookie set by POST /login (a form post, as a browser logs in).",
    auto_error=False,  # refused by the middleware, with the dashboard's own message
)
CSRF = APIKeyHeader(
    name="X-CSRF-Token",
    scheme_name="csrf",
    description="The session's CSRF token, from GET /api/session: required on every POST.",
    auto_error=False,  # refused by dashboard.context.check_csrf, which also reads form fields
)
SIGNED_IN = [Security(SESSION)]  # on every API router
WRITES = [Security(CSRF)]  # on every API route that changes something
