"""The pages, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from dashboard.pages import digests, imports, ledger, lookback, overview, reporting, tasks, units

ROUTERS: list[APIRouter] = [
    overview.router,
    ledger.router,
    tasks.router,
    reporting.router,
    imports.router,
    units.router,
    digests.router,
    lookback.router,
]
