"""Logging in, sessions, CSRF and refusing anonymous users."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import contextmanager

from argon2 import PasswordHasher
from dashboard_client import PASSWORD, add_users, csrf_of, dashboard_settings, every_route, login, token
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import select
from typer.testing import CliRunner
from workflow_ledger import seed

from cli.main import app as cli
from dashboard.app import create_app
from dashboard.sessions import COOKIE
from models.reads import users
from models.storage.db import open_ledger, read_session, write_session
from models.storage.tables import User
from models.writes.users import LoginThrottle


def test_a_wrong_password_is_refused_and_a_right_one_signs_in(app):
    client = TestClient(app)
    page = client.get("/login")
    assert page.status_code == 200
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    bad = client.post("/login", data={"name": "office", "password": "nope", "csrf": csrf_of(page.text)})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.text
    assert client.get("/", follow_redirects=False).status_code == 303
    login(client, "office")
    assert client.get("/", follow_redirects=False).status_code == 200


def test_login_issues_a_new_session_id(app):
    client = TestClient(app)
    before = csrf_of(client.get("/login").text)
    login(client, "office")
    assert token(client) != before  # the token is bound to the session id, which login replaced


def test_a_form_without_its_csrf_token_is_refused(app):
    client = TestClient(app)
    assert client.post("/login", data={"name": "office", "password": PASSWORD}).status_code == 403
    login(client, "office")
    refused = client.post("/logout", follow_redirects=False)
    assert refused.status_code == 403 and "表单缺少安全令牌" in refused.text
    assert client.post("/logout", data={"csrf": "forged"}, follow_redirects=False).status_code == 403
    assert client.post("/logout", data={"csrf": token(client)}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303  # signed out


def test_a_login_never_redirects_off_site(app):
    client = TestClient(app)
    page = client.get("/login?next=//evil.example/x")
    response = client.post(
        "/login",
        data={
            "name": "office",
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_every_route_refuses_anonymous_users(app):
    client = TestClient(app)
    checked = 0
    for path, methods in every_route(app):
        if path.startswith(("/login", "/health", "/static")):
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path.replace("{code}", "T1"))
        for method in methods - {"HEAD"}:
            response = client.request(method, concrete, follow_redirects=False)
            if path.startswith("/api"):
                assert response.status_code == 401, (method, path)
            else:
                assert response.status_code == 303 and response.headers["location"].startswith("/login"), (
                    method,
                    path,
                )
            checked += 1
    assert checked >= 30


def test_a_script_gets_its_csrf_token_from_the_session_endpoint(app):
    client = login(TestClient(app), "office")
    session = client.get("/api/session").json()
    assert session["name"] == "office" and session["role"] == "office"
    assert session["csrf"] == token(client)
    assert TestClient(app).get("/api/session").status_code == 401


def signed_in_cookie(app, name: str) -> str:
    client = login(TestClient(app), name)
    assert client.get("/", follow_redirects=False).status_code == 200
    return client.cookies[COOKIE]


def replayed(app, cookie: str) -> TestClient:
    """A second browser holding a copy of the cookie (as someone who copied it would)."""
    return TestClient(app, cookies={COOKIE: cookie})


def test_a_cookie_replayed_after_logout_is_refused(app):
    client = login(TestClient(app), "office")
    cookie = client.cookies[COOKIE]
    assert replayed(app, cookie).get("/api/session").status_code == 200  # the copy works while signed in
    assert client.post("/logout", data={"csrf": token(client)}, follow_redirects=False).status_code == 303
    assert replayed(app, cookie).get("/api/session").status_code == 401
    assert replayed(app, cookie).get("/", follow_redirects=False).status_code == 303


def test_a_password_change_or_deactivation_ends_the_accounts_sessions(app, cli_env):
    runner = CliRunner()
    office, unit = signed_in_cookie(app, "office"), signed_in_cookie(app, "unit")
    changed = runner.invoke(cli, ["user", "passwd", "office", "--password-stdin"], input="a new password\n")
    assert changed.exit_code == 0, changed.output
    assert replayed(app, office).get("/api/session").status_code == 401
    assert replayed(app, unit).get("/api/session").status_code == 200  # other accounts keep theirs
    login(TestClient(app), "office", "a new password")
    deactivated = runner.invoke(cli, ["user", "deactivate", "unit"])
    assert deactivated.exit_code == 0, deactivated.output
    assert replayed(app, unit).get("/api/session").status_code == 401
    runner.invoke(cli, ["user", "activate", "unit"])
    assert replayed(app, unit).get("/api/session").status_code == 401  # reactivating revives nothing
    login(TestClient(app), "unit")


class LockProbe:
    """The real argon2 hasher, asking SQLite at each verify whether another connection could start
    writing right now (BEGIN IMMEDIATE with no wait): a spy around the real work, not a stand-in."""

    def __init__(self, hasher, path: str) -> None:
        self.hasher, self.path, self.writable_during_verify = hasher, path, []

    def verify(self, hash: str, password: str) -> bool:
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            self.writable_during_verify.append(True)
        except sqlite3.OperationalError:  # database is locked: the login holds the write lock
            self.writable_during_verify.append(False)
        finally:
            probe.close()
        return self.hasher.verify(hash, password)

    def __getattr__(self, name: str):
        return getattr(self.hasher, name)


def test_a_login_does_not_hold_the_write_lock_while_checking_the_password(tmp_path, monkeypatch):
    path = tmp_path / "ledger.sqlite3"
    engine = open_ledger(f"sqlite:///{path}")
    seed(engine)
    add_users(engine)
    engine.dispose()
    app = create_app(dashboard_settings(tmp_path, f"sqlite:///{path}"))
    probe = LockProbe(users.hasher, str(path))
    monkeypatch.setattr(users, "hasher", probe)
    try:
        login(TestClient(app), "office")
        client = TestClient(app)
        client.post(
            "/login", data={"name": "office", "password": "wrong", "csrf": csrf_of(client.get("/login").text)}
        )
    finally:
        app.state.engine.dispose()
    assert probe.writable_during_verify == [True, True]


def test_an_old_hash_is_upgraded_at_login(app):
    weak = PasswordHasher(time_cost=1, memory_cost=8192)
    with write_session(app.state.engine) as session:
        office = session.exec(select(User).where(User.name == "office")).one()
        office.password_hash = weak.hash(PASSWORD)
        session.add(office)
    login(TestClient(app), "office")
    with read_session(app.state.engine) as session:
        upgraded = session.exec(select(User).where(User.name == "office")).one().password_hash
    assert not users.hasher.check_needs_rehash(upgraded) and users.hasher.verify(upgraded, PASSWORD)


def test_only_the_exact_public_paths_are_open_to_anonymous_users(app):
    client = TestClient(app)
    for path in ("/login", "/health", "/static/style.css"):
        assert client.get(path, follow_redirects=False).status_code == 200, path
    # Paths that merely start like a public one are not public (they used to reach the router).
    for path in ("/loginx", "/login/x", "/healthz", "/health/x", "/static"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path


@contextmanager
def statements(engine) -> list[bool]:
    """Every SQL statement the app runs meanwhile, as whether it ran on the event loop's thread."""
    seen: list[bool] = []

    def record(*_args) -> None:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:  # no loop in this thread: a worker thread of the pool
            seen.append(False)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_static_files_cost_no_user_lookup(app):
    client = login(TestClient(app), "office")
    with statements(app.state.engine) as seen:
        assert client.get("/static/style.css").status_code == 200
    assert seen == []


def test_no_database_call_blocks_the_event_loop(app):
    # The session middleware is async: a query made in it directly would stall every other client.
    client = login(TestClient(app), "unit")
    with statements(app.state.engine) as seen:
        for path in ("/", "/tasks", "/units", "/api/session", "/api/tasks", "/api/overview"):
            assert client.get(path).status_code == 200, path
        assert client.post("/logout", data={"csrf": token(client)}, follow_redirects=False).status_code == 303
        login(client, "office")
    assert seen and not any(seen)


POLICY = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def policy(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_response_carries_the_content_security_policy(app):
    anonymous = TestClient(app)
    responses = [
        anonymous.get(path, follow_redirects=False)
        for path in ("/login", "/health", "/static/style.css", "/", "/api/tasks")
    ]
    office = login(TestClient(app), "office")
    responses += [office.get(path) for path in ("/", "/tasks", "/tasks.xlsx", "/api/tasks", "/tasks/T999")]
    responses.append(office.post("/logout", follow_redirects=False))  # refused: no token
    assert {response.status_code for response in responses} >= {200, 303, 401, 403, 404}
    for response in responses:
        assert policy(response.headers["content-security-policy"]) == POLICY, response.url


def test_repeated_failed_logins_suspend_the_name_for_a_while(app):
    now = [1000.0]
    app.state.login_throttle = LoginThrottle(app.state.engine, clock=lambda: now[0])  # the clock passed in
    client = TestClient(app)

    def attempt(name: str, password: str):
        csrf = csrf_of(client.get("/login").text)
        return client.post(
            "/login", data={"name": name, "password": password, "csrf": csrf}, follow_redirects=False
        )

    for _ in range(5):
        assert attempt("office", "guess guess").status_code == 401
    refused = attempt("office", PASSWORD)  # the right password, too late
    assert (
        refused.status_code == 429 and "登录失败次数过多" in refused.text and "15 分钟后再试" in refused.text
    )
    assert int(refused.headers["retry-after"]) == 15 * 60
    assert client.get("/", follow_redirects=False).status_code == 303  # not signed in
    assert attempt("leader", PASSWORD).status_code == 303  # other names are not affected
    now[0] += 15 * 60
    assert attempt("office", PASSWORD).status_code == 303


def test_failures_spread_beyond_the_window_do_not_suspend(app):
    now = [1000.0]
    app.state.login_throttle = LoginThrottle(app.state.engine, clock=lambda: now[0])
    client = TestClient(app)
    for _ in range(8):
        csrf = csrf_of(client.get("/login").text)
        wrong = client.post("/login", data={"name": "office", "password": "guess guess", "csrf": csrf})
        assert wrong.status_code == 401
        now[0] += 4 * 60  # one failure every four minutes: never five within fifteen
    login(client, "office")
