"""The ledger page and the overview are rendered once for everyone asking for them at the same state
(dashboard.context.Ctx.render_shared): each user still gets their own header and CSRF token, the
office's forms only where the office sees them, and every change on the next load."""

from __future__ import annotations

import re

import pytest
from dashboard_client import csrf_of, login
from fastapi.testclient import TestClient
from sqlalchemy import text
from test_dashboard_pages import AS_OF, codes

from dashboard.cache import ViewCache
from dashboard.context import TEMPLATES, Ctx, SharedCtx, SharedPage
from models.storage.db import open_ledger, write_session

PAGES = (f"/tasks?as_of={AS_OF}", f"/?as_of={AS_OF}")
KEY = "2021-gongkai"  # tests/workflow_ledger.py's plan
WHO = re.compile(r'<form class="who".*?</form>', re.S)
TOKEN = re.compile(r'name="csrf" value="[^"]*"')


def shared_part(html: str) -> str:
    """The page without what is each user's own: the header's form and the CSRF tokens."""
    return TOKEN.sub("", WHO.sub("", html))


@pytest.mark.parametrize("path", PAGES)
def test_each_user_gets_their_own_header_and_token_on_a_shared_page(app, path):
    clients = {name: login(TestClient(app), name) for name in ("office", "admin", "leader")}
    pages = {name: client.get(path) for name, client in clients.items()}
    assert all(page.status_code == 200 for page in pages.values())
    # The office and an admin see the same page (one entry); the leader's has no office forms.
    assert len(app.state.page_cache) == 2
    assert shared_part(pages["office"].text) == shared_part(pages["admin"].text)
    tokens = {
        name: set(re.findall(r'name="csrf" value="([^"]+)"', page.text)) for name, page in pages.items()
    }
    for name, page in pages.items():
        assert len(tokens[name]) == 1, tokens  # the header's and the rename forms' are the session's
        assert name in WHO.search(page.text).group(0)  # type: ignore[union-attr]
        assert "duban-csrf-" not in page.text and "duban-header-" not in page.text
    assert len(set.union(*tokens.values())) == 3
    if path.startswith("/?"):
        assert f'action="/plans/{KEY}/name"' in pages["admin"].text
        assert "/name" not in pages["leader"].text
    # The token an admin read off the page the office's request rendered is the admin's own.
    renamed = clients["admin"].post(
        f"/plans/{KEY}/name",
        data={"csrf": csrf_of(pages["admin"].text), "short_name": "要点简称"},
        follow_redirects=False,
    )
    assert renamed.status_code == 303, renamed.text


def test_a_shared_page_shows_every_change_on_the_next_load(app, ledger_url):
    office = login(TestClient(app), "office")
    unit = login(TestClient(app), "unit")
    for path in PAGES:
        assert office.get(path).status_code == 200
    # A new short name moves no journal row: the names are read on every request all the same.
    renamed = office.post(
        f"/plans/{KEY}/name", data={"csrf": csrf_of(office.get("/").text), "short_name": "新的简称"}
    )
    assert renamed.status_code == 200
    for path in PAGES:
        assert "新的简称" in office.get(path).text
    # A request shown beside its task's status, then closed by a write no journal row records.
    code = codes(app)["修订政府信息公开指南"]
    asked = unit.post(
        f"/api/tasks/{code}/extension-request?as_of={AS_OF}",
        json={"to": "2021-06-30", "reason": "等待数据"},
        headers={"X-CSRF-Token": csrf_of(unit.get("/").text)},
    )
    assert asked.status_code == 200, asked.text
    assert 'class="pending"' in office.get(PAGES[0]).text
    engine = open_ledger(ledger_url)
    try:
        with write_session(engine) as session:
            session.execute(text("UPDATE task_request SET state = 'withdrawn'"))
        assert 'class="pending"' not in office.get(PAGES[0]).text
        # A plan's title corrected by a re-import moves no journal row either: the overview's figures
        # show it once they are computed again (60 s, here at once), and its page with them.
        app.state.view_cache = ViewCache(max_age=0)
        with write_session(engine) as session:
            session.execute(text("UPDATE plan SET title = '更正后的标题' WHERE key = :key"), {"key": KEY})
        assert "更正后的标题" in office.get(PAGES[1]).text
    finally:
        engine.dispose()


def test_a_shared_page_refuses_what_differs_between_users(app):
    ctx = Ctx(None, app.state.settings, app.state.engine, app.state.sessions, None, None)  # type: ignore[arg-type]
    shared = SharedCtx(ctx, {KEY: "要点"})
    assert TEMPLATES.env.from_string("{{ ctx.plan_name(key) }}").render(ctx=shared, key=KEY) == "要点"
    for source in ("{{ ctx.user.name }}", "{{ ctx.request.url }}", "{{ ctx.plan_name('other') }}"):
        with pytest.raises(SharedPage):
            TEMPLATES.env.from_string(source).render(ctx=shared)


def test_a_page_too_long_to_keep_is_rendered_for_each_request(app, monkeypatch):
    office = login(TestClient(app), "office")
    monkeypatch.setattr("dashboard.context.SHARED_PAGE_CHARS", 1_000)  # every page here is longer
    pages = [office.get(path) for path in PAGES for _ in range(2)]
    assert all(page.status_code == 200 and "修订政府信息公开指南" in page.text for page in pages)
    assert all("duban-csrf-" not in page.text and "duban-header-" not in page.text for page in pages)
    # Each key holds a marker, not the page; the pages are what the shared ones would be.
    assert all(value[1] is None for _, value in app.state.page_cache._values.values())
    monkeypatch.setattr("dashboard.context.SHARED_PAGE_CHARS", 10_000_000)
    app.state.page_cache = ViewCache()
    assert [office.get(path).text for path in PAGES] == [pages[0].text, pages[2].text]
