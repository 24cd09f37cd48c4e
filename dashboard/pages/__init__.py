"""The pages, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from dashboard.pages import (
    digests,
    imports,
    instructions,
    ledger,
    lookback,
    overview,
    reporting,
    requests,
    tasks,
    units,
)

ROUTERS: list[APIRouter] = [
    overview.router,
    ledger.router,
    tasks.router,
    instructions.router,
    requests.router,
    reporting.router,
    imports.router,
    units.router,
    digests.router,
    lookback.router,
]
