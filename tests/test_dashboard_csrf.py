"""Every state-changing route refuses a request without the session's CSRF token, and changes nothing.

The routes are enumerated from the app, so a POST route added later is covered (or the test asks for
a body for it). Each request is signed in as the office, which may do everything, and carries a
body that would succeed with the token: only the missing token stands between it and a change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dashboard_client import PASSWORD, dashboard_settings, every_route, login, seeded_app, token
from fastapi.testclient import TestClient
from sqlmodel import SQLModel, select

from models.plan import ParsedPlan, ParsedTask
from models.storage.db import read_session, write_session
from models.storage.tables import Task
from models.writes.ledger import import_plan

SEED = Path(__file__).resolve().parent.parent / "plans" / "2021-linyi-health-gongkai-fangan.txt"
CSRF_REFUSED = "表单缺少安全令牌"

# What each POST route is sent: a body it would accept from the office with the token.
FORMS: dict[str, dict[str, str]] = {
    "/login": {"name": "office", "password": PASSWORD, "next": "/"},
    "/logout": {},
    "/tasks/{code}/update": {"version": "1", "status": "done", "progress": "100", "note": "无令牌"},
    "/tasks/{code}/defer": {"version": "1", "to": "2021-12-31", "reason": "无令牌"},
    "/plans/import": {"key": "csrf-probe"},
    "/plans/import/{upload_id}/confirm": {"key": "csrf-probe"},
    "/plans/import/{upload_id}/discard": {},
    "/plans/import/{upload_id}/compare": {"key": "csrf-probe"},
    "/units/merge": {"alias": "法规科", "canonical": "法规处"},
    "/plans/{key}/name": {"short_name": "无令牌的简称"},
    "/tasks/{code}/instruct": {"text": "无令牌的批示"},
    "/tasks/{code}/reply": {"instruction": "1", "text": "无令牌的回复"},
    "/tasks/{code}/chase": {"method": "phone", "contact": "王科长", "note": "无令牌"},
    "/tasks/{code}/ack": {},
    "/tasks/{code}/report": {"progress": "50", "text": "无令牌", "version": "1"},
    "/tasks/{code}/extension": {"to": "2021-12-31", "reason": "无令牌", "progress": "50"},
    "/tasks/{code}/completion": {"summary": "无令牌", "evidence": ""},
    "/tasks/{code}/cancel": {"reason": "无令牌"},
    "/requests/{ref}/approve": {"comment": "无令牌"},
    "/requests/{ref}/reject": {"comment": "无令牌"},
    "/requests/{ref}/signoff": {},
    "/requests/{ref}/return": {"reason": "无令牌"},
}
JSON: dict[str, dict[str, object]] = {
    "/api/tasks/{code}/update": {"version": 1, "status": "done", "progress": 100},
    "/api/tasks/{code}/defer": {"version": 1, "to": "2021-12-31", "reason": "无令牌"},
    "/api/units/merge": {"alias": "法规科", "canonical": "法规处"},
    "/api/tasks/{code}/ack": {},
    "/api/tasks/{code}/report": {"progress": 50, "text": "无令牌"},
    "/api/tasks/{code}/extension-request": {"to": "2021-12-31", "reason": "无令牌", "progress": 50},
    "/api/tasks/{code}/completion-request": {"summary": "无令牌"},
    "/api/tasks/{code}/cancel": {"reason": "无令牌"},
    "/api/requests/{ref}/approve": {"comment": "无令牌"},
    "/api/requests/{ref}/reject": {"comment": "无令牌"},
    "/api/requests/{ref}/signoff": {},
    "/api/requests/{ref}/return": {"reason": "无令牌"},
}
FILES = {"/plans/import": {"file": (SEED.name, SEED.read_bytes())}}


@pytest.fixture
def app(ledger_url, tmp_path):
    base = dashboard_settings(tmp_path, ledger_url)
    settings = base.model_copy(
        update={"base_dir": tmp_path, "plans": base.plans.model_copy(update={"dir": str(tmp_path / "plans")})}
    )
    with seeded_app(tmp_path, ledger_url, prepare=_extra_plan, settings=settings) as app:
        yield app


def _extra_plan(engine) -> None:
    with write_session(engine) as session:  # an unresolved name, so a merge would have work to do
        plan = ParsedPlan(
            title="补充计划",
            year=2021,
            tasks=[ParsedTask(path=["1"], title="编制目录", lead_units=["法规科"])],
        )
        import_plan(session, plan, key="extra", actor="office")


def everything(app) -> tuple[dict[str, list[tuple]], list[str]]:
    """Every row of every table, and every file under the uploads and plans folders."""
    with read_session(app.state.engine) as session:
        rows = {
            table.name: sorted(map(tuple, session.execute(select(table)).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }
    settings = app.state.settings
    files = sorted(
        str(path)
        for folder in (settings.resolve("var/uploads"), Path(settings.plans.dir))
        if folder.exists()
        for path in folder.rglob("*")
    )
    return rows, files


def test_every_post_route_refuses_a_request_without_the_token_and_changes_nothing(app):
    office = login(TestClient(app), "office")
    staged = office.post(
        "/plans/import",
        data={"key": "csrf-probe", "csrf": token(office, "/plans/import")},
        files=FILES["/plans/import"],
        follow_redirects=False,
    )
    assert staged.status_code == 303, staged.text  # a real upload for confirm and discard to act on
    upload_id = staged.headers["location"].rsplit("/", 1)[-1]
    with read_session(app.state.engine) as session:
        code = session.exec(select(Task.code).where(Task.title == "修订政府信息公开指南")).one()
    before = everything(app)

    posts = sorted({path for path, methods in every_route(app) if "POST" in methods})
    assert len(posts) >= 11, posts
    for path in posts:
        url = path.replace("{code}", code).replace("{upload_id}", upload_id).replace("{key}", "extra")
        url = url.replace("{ref}", "R1")  # no request is filed: the token is checked first
        assert "{" not in url, f"give the test a value for the parameters of {path}"
        if path.startswith("/api/"):
            assert path in JSON, f"give the test a JSON body for {path}"
            response = office.post(url, json=JSON[path], follow_redirects=False)
            message = response.json()["error"]
        else:
            assert path in FORMS, f"give the test a form for {path}"
            response = office.post(url, data=FORMS[path], files=FILES.get(path), follow_redirects=False)
            message = " ".join(re.findall(r'role="alert">([^<]*)', response.text))
        assert response.status_code == 403, (path, response.status_code)
        assert CSRF_REFUSED in message, (path, message)
        assert everything(app) == before, path
    assert office.get("/", follow_redirects=False).status_code == 200  # the refused logout left it signed in
