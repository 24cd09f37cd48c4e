"""签收, reports and the inbox on the dashboard (SQLite and PostgreSQL), for each role.

The ledger of tests/workflow_ledger.py handed over on 2021-09-01, monthly reports due by the 25th;
accounts: unit (办公室), other (法规处), office, admin, leader.
"""

from __future__ import annotations

import pytest
from dashboard_client import dashboard_settings, login, seeded_app, token
from fastapi.testclient import TestClient
from sqlmodel import select
from test_acknowledge import seed

from models.storage.db import read_session
from models.storage.tables import Assignment, Task, TaskReport

AS_OF = "2021-10-26"


@pytest.fixture
def app(ledger_url, tmp_path):
    from workflow_ledger import D

    settings = dashboard_settings(tmp_path, ledger_url)
    settings = settings.model_copy(
        update={"lifecycle": settings.lifecycle.model_copy(update={"report_cycle": "monthly"})}
    )
    with seeded_app(
        tmp_path, ledger_url, seed=lambda engine: seed(engine, day=D(2021, 9, 1)), settings=settings
    ) as app:
        yield app


def client(app, name: str) -> TestClient:
    return login(TestClient(app), name)


def guide(app) -> str:
    with read_session(app.state.engine) as session:
        return session.exec(select(Task.code).where(Task.title == "修订政府信息公开指南")).one()


def acknowledged(app) -> list[str]:
    with read_session(app.state.engine) as session:
        return list(
            session.exec(select(Assignment.acknowledged_by).where(Assignment.acknowledged_at.is_not(None)))
        )  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "sections", "absent"),
    [
        ("unit", ["待签收（3）", "待报送（3）", "被退回（0）", "延期结果（0）"], "待审批延期"),
        ("other", ["待签收（2）", "待报送（3）"], "待审核办结"),
        ("office", ["待审批延期（0）", "待审核办结（0）", "未签收（6）", "未报送（6）"], "待签收"),
        ("admin", ["政务公开办的待办", "未签收（6）"], "需关注"),
        ("leader", ["leader的待办", "需关注（0）", "批示回复（0）"], "未签收"),
    ],
)
def test_the_inbox_page_renders_for_each_role(app, name, sections, absent):
    page = client(app, name).get(f"/inbox?as_of={AS_OF}")
    assert page.status_code == 200, page.text
    for text in sections:
        assert text in page.text
    assert absent not in page.text
    assert f'href="/inbox?as_of={AS_OF}"' in page.text  # in the navigation


def test_the_lead_unit_acknowledges_on_the_task_page_and_others_cannot(app):
    code = guide(app)
    path = f"/tasks/{code}?as_of={AS_OF}"
    other, leader = client(app, "other"), client(app, "leader")
    assert "/ack?" not in other.get(path).text  # 法规处 supports it: no button
    refused = other.post(f"/tasks/{code}/ack?as_of={AS_OF}", data={"csrf": token(other)})
    assert refused.status_code == 400 and "只有牵头单位签收" in refused.text
    refused = leader.post(f"/tasks/{code}/ack?as_of={AS_OF}", data={"csrf": token(leader)})
    assert refused.status_code == 403
    assert acknowledged(app) == []

    unit = client(app, "unit")
    assert f'action="/tasks/{code}/ack?as_of={AS_OF}"' in unit.get(path).text
    done = unit.post(f"/tasks/{code}/ack?as_of={AS_OF}", data={"csrf": token(unit)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("saved=ack")
    page = unit.get(done.headers["location"]).text
    assert "已签收" in page and "/ack?" not in page
    assert acknowledged(app) == ["unit"]
    inbox = unit.get(f"/inbox?as_of={AS_OF}").text
    assert "待签收（2）" in inbox


def test_units_report_on_the_task_page_gathered_and_a_leader_cannot(app):
    code = guide(app)
    unit, other, leader = client(app, "unit"), client(app, "other"), client(app, "leader")
    assert "/report?" not in leader.get(f"/tasks/{code}?as_of={AS_OF}").text
    refused = leader.post(
        f"/tasks/{code}/report?as_of={AS_OF}", data={"csrf": token(leader), "progress": "50", "text": "x"}
    )
    assert refused.status_code == 403
    part = other.post(
        f"/tasks/{code}/report?as_of={AS_OF}",
        data={"csrf": token(other), "progress": "30", "text": "法规处已提出意见"},
        follow_redirects=False,
    )
    assert part.status_code == 303
    bad = unit.post(
        f"/tasks/{code}/report?as_of={AS_OF}", data={"csrf": token(unit), "progress": "", "text": "已汇总"}
    )
    assert bad.status_code == 400 and "进度应为0到100之间的整数" in bad.text and "已汇总" in bad.text
    lead = unit.post(
        f"/tasks/{code}/report?as_of={AS_OF}",
        data={"csrf": token(unit), "progress": "60", "text": "已汇总各处室意见", "version": "1"},
        follow_redirects=False,
    )
    assert lead.status_code == 303
    page = unit.get(lead.headers["location"]).text
    assert "已报送" in page and "已汇总各处室意见" in page and "法规处已提出意见" in page
    # The lead unit's report comes first in its period, the supporting unit's part under it.
    assert page.index("已汇总各处室意见") < page.index("法规处已提出意见")
    assert "进度 60%" in page  # the lead's report is the task's progress update
    with read_session(app.state.engine) as session:
        rows = session.exec(select(TaskReport.role, TaskReport.submitted_by).order_by(TaskReport.id)).all()
    assert rows == [("support", "other"), ("lead", "unit")]


def api(app, name: str) -> TestClient:
    user = client(app, name)
    user.headers["X-CSRF-Token"] = token(user)
    return user


def test_the_api_gives_the_inbox_and_takes_acks_and_reports(app):
    code = guide(app)
    unit = api(app, "unit")
    found = unit.get(f"/api/inbox?as_of={AS_OF}").json()
    assert found["owner"] == "unit" and found["name"] == "办公室"
    totals = {s["key"]: s["total"] for s in found["sections"]}
    assert totals == {"to_acknowledge": 3, "to_report": 3, "returned": 0, "extension_results": 0}
    done = unit.post(f"/api/tasks/{code}/ack?as_of={AS_OF}")
    assert done.status_code == 200 and done.json()["units"] == ["办公室"]
    filed = unit.post(f"/api/tasks/{code}/report?as_of={AS_OF}", json={"progress": 70, "text": "已完成初稿"})
    assert filed.status_code == 200, filed.text
    assert {k: filed.json()[k] for k in ("role", "progress", "version")} == {
        "role": "lead",
        "progress": 70,
        "version": 2,
    }
    leader = api(app, "leader")
    assert (
        leader.post(f"/api/tasks/{code}/report?as_of={AS_OF}", json={"progress": 1, "text": "x"}).status_code
        == 403
    )
    assert leader.post(f"/api/tasks/{code}/ack?as_of={AS_OF}").status_code == 403
    assert leader.get(f"/api/inbox?as_of={AS_OF}").json()["owner"] == "leader"
    empty = unit.post(f"/api/tasks/{code}/report?as_of={AS_OF}", json={"progress": 70, "text": " "})
    assert empty.status_code == 400
    unit.headers.pop("X-CSRF-Token")
    assert unit.post(f"/api/tasks/{code}/ack?as_of={AS_OF}").status_code == 403  # no token
