"""The units page: the registry with task counts, unresolved names, and the office's merge."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_client import login, seeded_app, token
from fastapi.testclient import TestClient

from models.plan import ParsedPlan, ParsedTask
from models.reads.task_query import TaskFilter, TaskQuery
from models.reads.units import unresolved
from models.storage.db import read_session, write_session
from models.writes.ledger import import_plan


@pytest.fixture
def app(ledger_url, tmp_path):
    with seeded_app(tmp_path, ledger_url, prepare=_extra_plan) as app:
        yield app


def _extra_plan(engine) -> None:
    with write_session(engine) as session:
        plan = ParsedPlan(
            title="补充计划",
            year=2021,
            tasks=[
                ParsedTask(path=["1"], title="编制目录", lead_units=["法规科"], support_units=["<b>某处</b>"])
            ],
        )
        import_plan(session, plan, key="extra", actor="office")


def unresolved_names(app) -> list[str]:
    with read_session(app.state.engine) as session:
        return [unit.name for unit in unresolved(session)]


def test_the_page_lists_registered_units_with_counts_and_the_unresolved_names(app):
    client = login(TestClient(app), "leader")
    page = client.get("/units")
    assert page.status_code == 200
    registered = page.text.split("<h2>已登记单位")[1]
    assert "办公室" in registered and "张副局长" in registered
    pending = page.text.split("<h2>已登记单位")[0]
    assert "法规科" in pending
    assert "&lt;b&gt;某处&lt;/b&gt;" in pending and "<b>某处" not in page.text
    assert 'action="/units/merge"' not in page.text  # leaders read only


def test_the_office_merges_an_unresolved_name_into_a_unit(app):
    client = login(TestClient(app), "office")
    page = client.get("/units")
    assert 'action="/units/merge"' in page.text
    unsigned = client.post("/units/merge", data={"alias": "法规科", "canonical": "法规处"})
    assert unsigned.status_code == 403 and "法规科" in unresolved_names(app)
    response = client.post(
        "/units/merge",
        data={"alias": "法规科", "canonical": "法规处", "csrf": token(client, "/units")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = client.get(response.headers["location"])
    assert "已将“法规科”记为“法规处”的别名" in after.text
    assert "法规科" not in unresolved_names(app)
    with read_session(app.state.engine) as session:
        [task] = TaskQuery(
            session, TaskFilter(plan="extra"), as_of=dt.date(2021, 6, 1), due_soon_days=14
        ).rows()
    assert task.lead == ["法规处"]


def test_a_merge_into_an_unknown_unit_is_refused_with_the_reason(app):
    client = login(TestClient(app), "office")
    response = client.post(
        "/units/merge", data={"alias": "法规科", "canonical": "不存在处", "csrf": token(client, "/units")}
    )
    assert response.status_code == 404 and "不存在处" in response.text
    assert "法规科" in unresolved_names(app)


def test_a_crafted_link_cannot_claim_a_merge(app):
    client = login(TestClient(app), "office")
    assert "记为" not in client.get("/units?merged=法规科").text


def test_unit_users_may_not_merge(app):
    client = login(TestClient(app), "unit")
    page = client.get("/units")
    assert page.status_code == 200 and 'action="/units/merge"' not in page.text
    csrf = token(client, "/units")
    response = client.post("/units/merge", data={"alias": "法规科", "canonical": "法规处", "csrf": csrf})
    # Refused for the role, with a valid token: the office-only message, not the CSRF one.
    assert response.status_code == 403 and "只有政务公开办和管理员可以进行此操作" in response.text
    api = client.post(
        "/api/units/merge", json={"alias": "法规科", "canonical": "法规处"}, headers={"X-CSRF-Token": csrf}
    )
    assert api.status_code == 403 and "只有政务公开办和管理员" in api.json()["error"]
    assert "法规科" in unresolved_names(app)
    with read_session(app.state.engine) as session:
        [task] = TaskQuery(
            session, TaskFilter(plan="extra"), as_of=dt.date(2021, 6, 1), due_soon_days=14
        ).rows()
    assert task.lead == ["法规科"]  # its task still points at the unresolved name


def test_the_api_lists_units_and_merges_for_the_office(app):
    client = login(TestClient(app), "office")
    listed = client.get("/api/units/registry", params={"unresolved": "true"}).json()
    assert {row["name"] for row in listed} == {"法规科", "<b>某处</b>"}
    assert all(row["provisional"] for row in listed)
    office = next(row for row in client.get("/api/units/registry").json() if row["name"] == "办公室")
    assert office["total"] == 3 and isinstance(office["channels"], int)
    refused = client.post("/api/units/merge", json={"alias": "法规科", "canonical": "法规处"})
    assert refused.status_code == 403  # no CSRF header
    merged = client.post(
        "/api/units/merge",
        json={"alias": "法规科", "canonical": "法规处"},
        headers={"X-CSRF-Token": token(client)},
    )
    assert merged.status_code == 200 and merged.json() == {"alias": "法规科", "unit": "法规处"}
    assert TestClient(app).get("/api/units/registry").status_code == 401
