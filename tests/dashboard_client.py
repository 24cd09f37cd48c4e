"""The dashboard in tests: the real app on a real ledger, a client per user, logging in as a browser does."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from workflow_ledger import seed as seed_plans

from dashboard.app import create_app
from models.settings import Settings, load_settings
from models.storage.db import open_ledger, write_session
from models.writes.users import add_user

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def dashboard_settings(tmp_path: Path, url: str) -> Settings:
    settings = load_settings(ROOT / "config.toml")
    return settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"url": url}),
            "dashboard": settings.dashboard.model_copy(update={"secret_file": str(tmp_path / "secret")}),
            "notify": settings.notify.model_copy(update={"outbox": str(tmp_path / "outbox")}),
            "lookback": settings.lookback.model_copy(update={"output": str(tmp_path / "lookback")}),
        }
    )


def add_users(engine: Engine, unit: str = "办公室", other_unit: str = "法规处") -> None:
    """One account per role: admin, office, leader, and two unit users of different units."""
    with write_session(engine) as session:
        add_user(session, "admin", role="admin", password=PASSWORD)
        add_user(session, "office", role="office", password=PASSWORD)
        add_user(session, "leader", role="leader", password=PASSWORD)
        add_user(session, "unit", role="unit", unit=unit, password=PASSWORD)
        add_user(session, "other", role="unit", unit=other_unit, password=PASSWORD)


@contextmanager
def seeded_app(
    tmp_path: Path,
    url: str,
    *,
    seed: Callable[[Engine], None] = seed_plans,
    prepare: Callable[[Engine], None] | None = None,
    settings: Settings | None = None,
) -> Iterator[FastAPI]:
    """The dashboard on a fresh ledger: `seed` (the 2021 plan by default), one account per role
    (add_users), then `prepare` for what a test file adds (another plan, a digest); the app's
    engine is closed after."""
    engine = open_ledger(url)
    try:
        seed(engine)
        add_users(engine)  # unit: 办公室, other: 法规处
        if prepare is not None:
            prepare(engine)
    finally:
        engine.dispose()
    app = create_app(settings or dashboard_settings(tmp_path, url))
    try:
        yield app
    finally:
        app.state.engine.dispose()


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def token(client: TestClient, path: str = "/") -> str:
    """The CSRF token of the signed-in session (read off a page, as a form would)."""
    return csrf_of(client.get(path).text)


def every_route(app) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, walked from app.routes. FastAPI (0.150) keeps an included
    router as one wrapper route holding the router and its prefix, so the walk descends into those;
    a router included anywhere is found, not only those of a list the test knows about."""
    found: list[tuple[str, set[str]]] = []

    def walk(routes: list, prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                walk(included.routes, prefix + route.include_context.prefix)
            elif getattr(route, "methods", None):
                found.append((prefix + route.path, set(route.methods)))

    walk(app.routes, "")
    return found
