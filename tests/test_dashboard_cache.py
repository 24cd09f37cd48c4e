"""The overview's figures are computed once per state of the ledger, and never shown stale after a
change, whoever made it (a page, the CLI, the scheduler: they all write through models)."""

from __future__ import annotations

import re
import threading
import time

from dashboard_client import add_users, dashboard_settings, login
from fastapi.testclient import TestClient
from test_dashboard_pages import AS_OF, codes, tables
from workflow_ledger import seed

from dashboard.app import create_app
from dashboard.cache import ViewCache
from models.storage.db import open_ledger, write_session
from models.storage.tables import Role
from models.writes.ledger import assign_unit, update_task
from models.writes.units import UnitSpec, load_registry


def overview_units(client: TestClient) -> dict[str, list[str]]:
    return {row[0]: row[1:7] for row in tables(client.get(f"/?as_of={AS_OF}").text)["按单位"][1:]}


def test_the_overview_follows_every_change_to_the_ledger(ledger_url, tmp_path):
    engine = open_ledger(ledger_url)
    seed(engine)
    add_users(engine)
    app = create_app(dashboard_settings(tmp_path, ledger_url))
    try:
        leader = login(TestClient(app), "leader")
        before = overview_units(leader)
        assert before["办公室"] == ["3", "1", "1", "0", "1", "0"]
        assert overview_units(leader) == before  # the second look is served from the cache
        code = codes(app)["修订政府信息公开指南"]
        with write_session(engine) as session:  # as `duban update` would, outside the server
            update_task(session, code, actor="cli", status="done")
        assert overview_units(leader)["办公室"] == ["3", "0", "1", "0", "1", "1"]
        with write_session(engine) as session:
            load_registry(session, [UnitSpec(name="宣传处")])
            assign_unit(session, code, unit="宣传处", role=Role.SUPPORT, actor="cli")
        assert overview_units(leader)["宣传处"] == ["1", "0", "0", "0", "0", "1"]
    finally:
        app.state.engine.dispose()
        engine.dispose()


def test_one_computation_serves_every_request_waiting_for_it():
    cache = ViewCache()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "figures"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["figures"] * 8 and len(calls) == 1
    assert cache.get("other", lambda: "b") == "b" and len(calls) == 1


def test_entries_expire_and_the_oldest_is_dropped_when_full():
    cache = ViewCache(entries=2, max_age=0.05)
    assert cache.get("a", lambda: 1) == 1
    assert cache.get("a", lambda: 2) == 1
    time.sleep(0.1)
    assert cache.get("a", lambda: 3) == 3  # expired: computed again
    cache.get("b", lambda: 4)
    cache.get("c", lambda: 5)  # full: "a", the least recently used, goes
    assert cache.get("a", lambda: 6) == 6


def ledger_total(client: TestClient, query: str) -> int:
    page = client.get(f"/tasks?as_of={AS_OF}&{query}")
    assert page.status_code == 200
    found = re.search(r"共 (\d+) 项", page.text)
    assert found, page.text[:500]
    return int(found.group(1))


def test_the_ledger_count_follows_every_change_to_the_ledger(ledger_url, tmp_path):
    engine = open_ledger(ledger_url)
    seed(engine)
    add_users(engine)
    app = create_app(dashboard_settings(tmp_path, ledger_url))
    try:
        office = login(TestClient(app), "office")
        done = ledger_total(office, "status=done")
        overdue = ledger_total(office, "overdue=1")
        assert ledger_total(office, "status=done") == done  # the second look is served from the cache
        code = codes(app)["修订政府信息公开指南"]
        with write_session(engine) as session:  # as `duban update` would, outside the server
            update_task(session, code, actor="cli", status="done")
        assert ledger_total(office, "status=done") == done + 1
        assert ledger_total(office, "overdue=1") == overdue - 1
        with write_session(engine) as session:
            load_registry(session, [UnitSpec(name="宣传处")])
            assign_unit(session, code, unit="宣传处", role=Role.SUPPORT, actor="cli")
        assert ledger_total(office, "unit=宣传处") == 1
    finally:
        app.state.engine.dispose()
        engine.dispose()
