"""Every router of the dashboard, in one list: pages first, then the JSON API under /api."""

from __future__ import annotations

from fastapi import FastAPI


def include(app: FastAPI) -> None:
    from dashboard.pages import ROUTERS as PAGES

    for router in PAGES:
        app.include_router(router)
    from dashboard.api import ROUTERS as API
    from dashboard.api.security import SIGNED_IN

    for router in API:
        app.include_router(router, prefix="/api", dependencies=SIGNED_IN)
