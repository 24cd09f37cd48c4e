"""The JSON API under /api on a real ledger: listings, detail, updates and deferrals, the same
permissions as the pages, conflicts on stale versions, and a meaningful OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from dashboard_client import login, token
from fastapi.testclient import TestClient
from sqlmodel import select
from workflow_ledger import settings_for

from dashboard.params import Status
from dashboard.sessions import COOKIE
from models import clock
from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import read_session
from models.storage.tables import Journal, TaskStatus
from models.writes.ledger import get_task
from workflows.escalate import raise_due

AS_OF = "2021-04-20"


def codes(app) -> dict[str, str]:
    with read_session(app.state.engine) as session:
        rows = TaskQuery(session, TaskFilter(), as_of=dt.date(2021, 4, 20), due_soon_days=14).rows()
    return {row.title: row.code for row in rows}


def api(app, name: str) -> TestClient:
    """A signed-in client sending the session's CSRF token as a header, as a script would."""
    client = login(TestClient(app), name)
    client.headers["X-CSRF-Token"] = token(client)
    return client


def snapshot(app, code: str) -> tuple[str, int, int, dt.date | None, int]:
    with read_session(app.state.engine) as session:
        task = get_task(session, code)
        entries = len(list(session.exec(select(Journal.id).where(Journal.task_id == task.id))))
        return task.status, task.progress, task.version, task.due_date, entries


def test_tasks_are_listed_filtered_sorted_and_paged(app):
    c, client = codes(app), api(app, "leader")
    body = client.get(f"/api/tasks?as_of={AS_OF}").json()
    assert body["total"] == 6 and body["pages"] == 1 and body["as_of"] == AS_OF
    first = body["items"][0]
    assert first["code"] == c["修订政府信息公开指南"]
    assert first["light"] == "red" and first["lead"] == ["办公室"] and first["support"] == ["法规处"]
    assert (
        first["due_date"] == "2021-03-15" and first["deadline_text"] == "3月15日前" and first["version"] == 1
    )
    overdue = client.get(f"/api/tasks?as_of={AS_OF}&overdue=true&unit=办公室").json()
    assert [t["code"] for t in overdue["items"]] == [c["修订政府信息公开指南"]]
    soon = client.get(f"/api/tasks?as_of={AS_OF}&due_within=14").json()
    assert [t["title"] for t in soon["items"]] == ["发布年度报告"]
    ongoing = client.get(f"/api/tasks?as_of={AS_OF}&status=not_started&unit=法规处").json()
    assert ongoing["total"] == 3
    by_code = [t["code"] for t in client.get("/api/tasks?sort=code").json()["items"]]
    assert by_code == sorted(by_code, key=lambda code: int(code[1:]))
    page = client.get("/api/tasks?sort=code&per_page=4&page=2").json()
    assert page["total"] == 6 and page["pages"] == 2 and page["page"] == 2
    assert [t["code"] for t in page["items"]] == by_code[4:]
    assert client.get("/api/tasks?status=finished").status_code == 422
    assert client.get("/api/tasks?due_within=-1").status_code == 422
    assert client.get("/api/tasks?per_page=100000").status_code == 422
    assert client.get("/api/tasks?plan=nope").json() == {"error": "没有计划 nope", "code": "plan.not_found"}


def test_a_task_in_detail_with_journal_escalations_and_notices(app, tmp_path, ledger_url):
    raise_due(app.state.engine, settings_for(tmp_path, ledger_url), as_of=dt.date(2021, 3, 15))
    code = codes(app)["修订政府信息公开指南"]
    body = api(app, "unit").get(f"/api/tasks/{code}?as_of={AS_OF}").json()
    assert body["title"] == "修订政府信息公开指南" and body["overdue"] is True and body["may_update"] is True
    assert body["deadline_type"] == "date" and body["plan_title"] == "2021年政务公开工作要点"
    assert [(e["level"], e["level_name"], e["skipped"]) for e in body["escalations"]] == [
        ("reminder", "提醒", True),
        ("overdue", "逾期催办", False),
    ]
    assert sorted(n["recipient"] for n in body["notices"]) == ["unit:办公室", "unit:法规处"]
    assert all(n["period"].startswith("2021-03-15/") for n in body["notices"])
    assert body["journal"][0]["action"] == "import"
    assert api(app, "leader").get(f"/api/tasks/{code}").json()["may_update"] is False
    assert api(app, "other").get(f"/api/tasks/{codes(app)['发布年度报告']}").json()["may_update"] is False
    missing = api(app, "unit").get("/api/tasks/T999")
    assert missing.status_code == 404 and "T999" in missing.json()["error"]


def test_a_unit_updates_its_task_through_the_api(app):
    code = codes(app)["发布年度报告"]
    client = api(app, "unit")
    response = client.post(
        f"/api/tasks/{code}/update?as_of={AS_OF}",
        json={
            "version": 1,
            "status": "in_progress",
            "progress": 40,
            "note": "初稿已完成",
            "evidence": "OA-7",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["progress"], body["version"]) == ("in_progress", 40, 2)
    reports = [entry for entry in body["journal"] if entry["action"] == "update"]
    # A unit's change counts for today, not for the as_of it sent (only the office back-fills).
    day = clock.today(app.state.settings.timezone).isoformat()
    assert {(e["field"], e["actor"], e["day"], e["note"], e["evidence"]) for e in reports} == {
        ("status", "unit", day, "初稿已完成", "OA-7"),
        ("progress", "unit", day, "初稿已完成", "OA-7"),
    }
    # A unit does not move its own due date: it asks, and the office decides.
    refused = client.post(
        f"/api/tasks/{code}/defer?as_of={AS_OF}",
        json={"version": 2, "to": "2021-06-30", "reason": "等待数据"},
    )
    assert refused.status_code == 403 and "请提交延期申请" in refused.json()["error"]
    asked = client.post(
        f"/api/tasks/{code}/extension-request?as_of={AS_OF}", json={"to": "2021-06-30", "reason": "等待数据"}
    )
    assert asked.status_code == 200, asked.text
    assert (asked.json()["state"], asked.json()["new_due_date"]) == ("pending", "2021-06-30")
    assert snapshot(app, code)[:4] == ("in_progress", 40, 2, dt.date(2021, 4, 30))
    approved = api(app, "office").post(f"/api/requests/{asked.json()['ref']}/approve?as_of={AS_OF}", json={})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert snapshot(app, code)[:4] == ("deferred", 40, 3, dt.date(2021, 6, 30))


def test_a_unit_cannot_journal_a_change_for_another_day_but_the_office_can(app):
    code = codes(app)["发布年度报告"]
    unit, office = api(app, "unit"), api(app, "office")
    future = unit.post(f"/api/tasks/{code}/update?as_of=2099-12-31", json={"version": 1, "note": "未来"})
    assert future.status_code == 200, future.text
    asked = unit.post(
        f"/api/tasks/{code}/extension-request?as_of=2099-12-31", json={"to": "2021-06-30", "reason": "x"}
    )
    assert asked.status_code == 200, asked.text
    today = clock.today(app.state.settings.timezone).isoformat()
    assert asked.json()["requested_on"] == today
    journal = unit.get(f"/api/tasks/{code}").json()["journal"]
    assert {e["day"] for e in journal if e["actor"] == "unit"} == {today}
    back_filled = office.post(f"/api/tasks/{code}/update?as_of={AS_OF}", json={"version": 2, "note": "补录"})
    assert back_filled.json()["journal"][-1]["actor"] == "office"
    assert back_filled.json()["journal"][-1]["day"] == AS_OF


def test_the_api_needs_the_csrf_token_for_changes(app):
    code = codes(app)["发布年度报告"]
    client = login(TestClient(app), "unit")
    before = snapshot(app, code)
    refused = client.post(f"/api/tasks/{code}/update", json={"version": 1, "progress": 10})
    assert refused.status_code == 403
    assert snapshot(app, code) == before


@pytest.mark.parametrize("name", ["other", "leader"])
def test_a_user_who_may_not_change_the_task_gets_403_and_nothing_changes(app, name):
    code = codes(app)["发布年度报告"]  # 办公室 only: "other" is 法规处
    client = api(app, name)
    before = snapshot(app, code)
    update = client.post(f"/api/tasks/{code}/update", json={"version": 1, "status": "done"})
    defer = client.post(f"/api/tasks/{code}/defer", json={"version": 1, "to": "2021-12-31", "reason": "x"})
    assert update.status_code == 403 and defer.status_code == 403
    assert update.json()["error"].startswith(f"无权修改任务 {code}")
    assert defer.json()["error"].startswith(f"无权修改任务 {code}")
    assert snapshot(app, code) == before


def test_a_stale_version_gets_409_with_the_current_task_and_nothing_changes(app):
    code = codes(app)["修订政府信息公开指南"]
    office, unit = api(app, "office"), api(app, "unit")
    assert office.post(f"/api/tasks/{code}/update", json={"version": 1, "progress": 30}).status_code == 200
    before = snapshot(app, code)
    stale = unit.post(
        f"/api/tasks/{code}/update", json={"version": 1, "status": "in_progress", "note": "完成"}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert "版本 1" in body["error"] and body["current"]["version"] == 2 and body["current"]["progress"] == 30
    stale_defer = office.post(
        f"/api/tasks/{code}/defer", json={"version": 1, "to": "2021-09-30", "reason": "x"}
    )
    assert stale_defer.status_code == 409
    assert snapshot(app, code) == before


def test_bad_bodies_are_refused_with_a_message(app):
    code = codes(app)["发布年度报告"]
    client = api(app, "office")
    assert client.post(f"/api/tasks/{code}/update", json={"version": 1, "progress": 101}).status_code == 422
    assert client.post(f"/api/tasks/{code}/update", json={"progress": 10}).status_code == 422
    nothing = client.post(f"/api/tasks/{code}/update", json={"version": 1})
    assert nothing.status_code == 400 and "没有要更新的内容" in nothing.json()["error"]
    assert (
        client.post(f"/api/tasks/{code}/defer", json={"version": 1, "to": "soon", "reason": "x"}).status_code
        == 422
    )


def test_plans_and_units(app):
    client = api(app, "leader")
    plans = client.get(f"/api/plans?as_of={AS_OF}").json()
    assert [(p["key"], p["tasks"], p["done"], p["overdue"]) for p in plans] == [("2021-gongkai", 6, 0, 2)]
    units = {u["unit"]: u for u in client.get(f"/api/units?as_of={AS_OF}").json()}
    assert (units["办公室"]["total"], units["办公室"]["overdue"]) == (3, 1)
    assert (units["法规处"]["total"], units["法规处"]["overdue"]) == (3, 1)
    assert (units["信息中心"]["total"], units["信息中心"]["overdue"]) == (1, 1)  # its quarter


def test_the_openapi_schema_describes_the_routes_and_their_shapes(app):
    schema = api(app, "leader").get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/tasks",
        "/api/tasks/{code}",
        "/api/tasks/{code}/update",
        "/api/tasks/{code}/defer",
        "/api/overview",
        "/api/plans",
        "/api/units",
    ):
        assert path in paths, path
    assert not any(path.startswith("/tasks") or path == "/" for path in paths)  # pages stay out
    update = paths["/api/tasks/{code}/update"]["post"]
    assert update["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("ConflictOut")
    components = schema["components"]["schemas"]
    assert {"TaskDetailOut", "TaskPageOut", "UpdateIn", "DeferIn", "OverviewOut"} <= set(components)
    assert "version" in components["UpdateIn"]["required"]


def test_the_schema_has_the_session_route_and_says_how_writes_are_authorised(app):
    schema = api(app, "leader").get("/api/openapi.json").json()
    session = schema["paths"]["/api/session"]["get"]
    assert session["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("SessionOut")
    assert {"name", "role", "unit_id", "csrf"} <= set(
        schema["components"]["schemas"]["SessionOut"]["properties"]
    )
    schemes = schema["components"]["securitySchemes"]
    csrf = [
        name
        for name, s in schemes.items()
        if s == {**s, "type": "apiKey", "in": "header", "name": "X-CSRF-Token"}
    ]
    cookie = [
        name for name, s in schemes.items() if s == {**s, "type": "apiKey", "in": "cookie", "name": COOKIE}
    ]
    assert len(csrf) == 1 and len(cookie) == 1
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            required = {name for requirement in operation.get("security", []) for name in requirement}
            assert cookie[0] in required, (method, path)  # every API route needs the signed-in session
            assert (csrf[0] in required) == (method == "post"), (method, path)  # and every write the token


def test_the_api_status_names_are_the_ledgers():
    assert set(get_args(Status)) == {status.value for status in TaskStatus}
