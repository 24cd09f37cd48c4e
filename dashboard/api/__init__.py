"""The JSON API (under /api), one module per resource; the same permissions as the pages."""

from __future__ import annotations

from fastapi import APIRouter

from dashboard.api import overview, reporting, requests, session, tasks, units

ROUTERS: list[APIRouter] = [
    session.router,
    overview.router,
    tasks.router,
    requests.router,
    units.router,
    reporting.router,
]
