"""The dashboard against a clumsy user and an attacker (issue 13), on SQLite and PostgreSQL: the
login throttle raced across two server processes, bad input answered 4xx (never 500), a real 500
answered with the security headers and no traceback, and a view cache that keeps nothing per
failed key."""

from __future__ import annotations

import threading
import tracemalloc
from pathlib import Path

import pytest
from dashboard_client import PASSWORD, add_users, csrf_of, login, token
from fastapi.testclient import TestClient
from sqlalchemy import text
from workflow_ledger import seed

from dashboard.app import POLICY
from dashboard.cache import ViewCache
from models.errors import NotFound
from models.storage.db import open_ledger, read_session
from models.writes.ledger import get_task

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


def api(app, name: str) -> TestClient:
    client = login(TestClient(app), name)
    client.headers["X-CSRF-Token"] = token(client)
    return client


def assert_client_error(response, *statuses: int) -> None:
    assert response.status_code in (statuses or (400, 404, 422)), (response.status_code, response.text[:300])
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    assert "Traceback" not in response.text


# --- Bad input: 4xx, never 500 ---------------------------------------------------------------------


def test_nul_and_control_characters_anywhere_are_a_400_the_login_form_included(app):
    anonymous = TestClient(app)
    csrf = csrf_of(anonymous.get("/login").text)
    for name, password in (("office\x00", PASSWORD), ("office", "x\x00y"), ("\x0b", "\uffff")):
        answer = anonymous.post("/login", data={"name": name, "password": password, "csrf": csrf})
        assert_client_error(answer, 400)
        assert "控制字符" in answer.text
    office = api(app, "office")
    for path in (
        "/tasks?plan=%00",
        "/api/tasks?unit=a%00b",
        "/api/tasks/T1%00",
        "/tasks/T1%1f",
        "/?as_of=%0b",
    ):
        assert_client_error(office.get(path), 400)
    with read_session(app.state.engine) as session:
        version = get_task(session, "T1").version
    for field in ("note", "evidence"):
        answer = office.post(
            "/api/tasks/T1/update", json={"version": version, "progress": 5, field: "a\x00b"}
        )
        assert_client_error(answer, 400)
    answer = office.post(
        "/api/tasks/T1/defer", json={"version": version, "to": "2021-09-01", "reason": "\x1f"}
    )
    assert_client_error(answer, 400)
    with read_session(app.state.engine) as session:
        assert get_task(session, "T1").version == version  # nothing written


def test_edge_values_are_refused_with_a_4xx_on_the_pages_and_the_api(app):
    office = api(app, "office")
    for path in (
        "/api/tasks?due_within=3000000",
        "/tasks?due_within=3000000",
        "/api/tasks?as_of=9999-12-30",
        "/tasks?as_of=9999-12-30",
        "/api/overview?as_of=0001-01-01",
        "/lookback?year=99999999999999999999",
        "/lookback.xlsx?year=99999999999999999999",
    ):
        assert_client_error(office.get(path))
    for path in ("/api/tasks?page=99999999999999999999", "/tasks?page=99999999999999999999&per_page=-1"):
        assert office.get(path).status_code < 500, path  # clamped or refused, never a 500
    with read_session(app.state.engine) as session:
        version = get_task(session, "T1").version
    for day in ("0001-01-01", "9999-12-31"):
        answer = office.post("/api/tasks/T1/defer", json={"version": version, "to": day, "reason": "推迟"})
        assert_client_error(answer, 400)
        assert "超出允许范围" in answer.json()["error"]
        page = office.post(
            "/tasks/T1/defer", data={"version": version, "to": day, "reason": "推迟", "csrf": token(office)}
        )
        assert_client_error(page, 400)
    with read_session(app.state.engine) as session:
        assert get_task(session, "T1").version == version


def test_a_csrf_token_with_non_ascii_characters_is_a_403(app):
    client = TestClient(app)
    client.get("/login")
    answer = client.post("/login", data={"name": "office", "password": PASSWORD, "csrf": "令牌令牌"})
    assert_client_error(answer, 403)
    office = login(TestClient(app), "office")
    answer = office.post(
        "/api/tasks/T1/update", json={"version": 1}, headers={"X-CSRF-Token": ("é" * 64).encode()}
    )
    assert_client_error(answer, 403)


def test_a_server_error_answers_with_the_security_headers_and_no_traceback(app):
    office = api(app, "office")
    with app.state.engine.begin() as connection:  # a real failure: a table gone under the server
        connection.execute(text("DROP TABLE unit_summary"))
    answer = TestClient(app, raise_server_exceptions=False, cookies=office.cookies).get("/lookback?year=2021")
    assert answer.status_code == 500
    for header in SECURITY_HEADERS:
        assert header in answer.headers, header
    assert answer.headers["content-security-policy"] == POLICY
    assert "Traceback" not in answer.text and "unit_summary" not in answer.text and "出错了" in answer.text


# --- The view cache --------------------------------------------------------------------------------


def test_the_view_cache_keeps_nothing_for_failed_keys():
    cache = ViewCache(entries=8)

    def unknown() -> None:
        raise NotFound("no such plan")

    def fill(start: int) -> None:
        for number in range(start, start + 3000):
            with pytest.raises(NotFound):
                cache.get(("overview", "x" * 2000 + str(number)), unknown)

    fill(0)  # warm up: whatever the interpreter keeps once
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    fill(3000)
    grown = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    assert len(cache) == 0
    assert grown < 200_000, grown  # flat: 3,000 keys of 2 KB kept would be 6 MB
    for number in range(20):  # found values: at most `entries` kept
        assert cache.get(("overview", number), lambda n=number: n) == number
    assert len(cache) == 8


def test_unknown_plans_over_http_leave_the_cache_empty(app):
    office = api(app, "office")
    held = len(app.state.view_cache)  # the overview page the login landed on
    for number in range(300):
        answer = office.get(f"/api/overview?plan={'p' * 500}{number}")
        assert answer.status_code == 404
    assert len(app.state.view_cache) == held
    assert office.get("/api/overview").status_code == 200
    assert len(app.state.view_cache) == held + 1


# --- The login throttle, raced across two server processes ----------------------------------------


def _attempts(url: str, name: str, passwords: list[str]) -> list[int]:
    """Every password posted at once, each from a client of its own (its own session and token)."""
    import httpx

    clients = [httpx.Client(base_url=url, timeout=60) for _ in passwords]
    tokens = [csrf_of(client.get("/login").text) for client in clients]
    barrier = threading.Barrier(len(passwords), timeout=60)
    statuses: list[int] = [0] * len(passwords)

    def post(index: int) -> None:
        barrier.wait()
        answer = clients[index].post(
            "/login",
            data={"name": name, "password": passwords[index], "csrf": tokens[index]},
            follow_redirects=False,
        )
        statuses[index] = answer.status_code

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(passwords))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for client in clients:
        client.close()
    return statuses


def test_forty_concurrent_guesses_on_two_server_processes_get_at_most_five_checks(ledger_url, tmp_path: Path):
    from live_server import LiveServer, server_env, serving, write_config

    folder = tmp_path / "served"
    folder.mkdir()
    write_config(folder)
    engine = open_ledger(ledger_url)
    seed(engine)
    add_users(engine)
    engine.dispose()
    live = LiveServer(url="", folder=folder, env=server_env(folder, ledger_url), log=folder / "serve.log")
    with serving(live, args=("--workers", "2")):
        wrong = _attempts(live.url, "office", ["guess guess"] * 40)
        # Checked and wrong: 401; refused before any check: 429. Never more checks than the allowance.
        assert wrong.count(401) <= 5 and wrong.count(401) + wrong.count(429) == 40, wrong
        assert _attempts(live.url, "office", [PASSWORD]) == [429]  # locked: the right one is refused
        # The right password among 39 wrong ones: at most five wrong ones are checked, and the right
        # one logs in only if it was checked before the name locked.
        mixed = _attempts(live.url, "leader", ["guess guess"] * 20 + [PASSWORD] + ["guess guess"] * 19)
        assert mixed.count(401) <= 5 and mixed.count(303) <= 1, mixed
        assert mixed.count(401) + mixed.count(303) + mixed.count(429) == 40, mixed
        assert mixed[20] in (303, 429)
        if mixed.count(401) == 5:  # locked: the right password is refused unchecked
            assert _attempts(live.url, "leader", [PASSWORD]) == [429]
