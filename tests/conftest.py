"""Shared fixtures: a real ledger on SQLite (a file) and on the PostgreSQL server of this machine.

Every ledger test runs on both. PostgreSQL tests each get a schema of their own, dropped after.
Where no PostgreSQL server answers they are skipped, unless DUBAN_REQUIRE_POSTGRES=1 (CI sets it),
in which case they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from models.storage.db import open_ledger

POSTGRES = os.environ.get("DUBAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"


def _postgres_schema() -> Iterator[str]:
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # the server is not there
        admin.dispose()
        if os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but not reachable at {POSTGRES}: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES}")
    schema = f"duban_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    else:
        yield from _postgres_schema()


@pytest.fixture
def engine(ledger_url: str) -> Iterator[Engine]:
    engine = open_ledger(ledger_url)
    yield engine
    engine.dispose()


@pytest.fixture
def cli_env(ledger_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """Point the CLI at the test ledger (and at no config file but the defaults); the statements
    `duban tasks` compiles once (models.reads.quick) are kept in the test's own folder."""
    from cli import context

    monkeypatch.setenv("DUBAN_DATABASE_URL", ledger_url)
    monkeypatch.setenv("DUBAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DUBAN_CONFIG", str(ROOT / "config.toml"))
    context.settings.cache_clear()
    yield ledger_url
    context.settings.cache_clear()


@pytest.fixture
def ledger(cli_env: str) -> Iterator[Engine]:
    """The five seed plans in a fresh ledger, the CLI pointed at it."""
    from workflows.ingest import import_paths

    engine = open_ledger(cli_env)
    import_paths(engine, sorted(PLANS.glob("*.plan.toml")), actor="office", max_bytes=20_000_000)
    yield engine
    engine.dispose()


@pytest.fixture
def app(ledger_url: str, tmp_path: Path) -> Iterator[object]:
    """The dashboard on the seed plan with one account per role (dashboard_client.seeded_app); a test
    file that needs another ledger or other settings defines its own `app`."""
    from dashboard_client import seeded_app

    with seeded_app(tmp_path, ledger_url) as app:
        yield app
