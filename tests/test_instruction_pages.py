"""The task page's 领导批示, replies and 催办记录, and the 序时进度 light on the ledger, the task page and
the API, as each role uses them (SQLite and PostgreSQL).

The seeded ledger (tests/workflow_ledger.py) as of 2021-04-20: 修订政府信息公开指南 (办公室 leads,
法规处 supports, due 2021-03-15), 更新权责清单 (法规处, due 2021-05-31), 发布年度报告 (办公室, due
2021-04-30). Accounts: leader, office, unit (办公室), other (法规处).
"""

from __future__ import annotations

import re

from dashboard_client import login, token
from fastapi.testclient import TestClient
from sqlmodel import select
from test_dashboard_pages import tables

from models.storage.db import read_session
from models.storage.tables import Notice, NoticeKind, Task

AS_OF = "2021-04-20"


def code_of(app, title: str) -> str:
    with read_session(app.state.engine) as session:
        return session.exec(select(Task.code).where(Task.title == title)).one()


def client(app, name: str) -> TestClient:
    return login(TestClient(app), name)


def post(user: TestClient, path: str, data: dict[str, str]):
    return user.post(f"{path}?as_of={AS_OF}", data={"csrf": token(user), **data}, follow_redirects=False)


def instruction_notices(app) -> list[str]:
    with read_session(app.state.engine) as session:
        query = (
            select(Notice.recipient).where(Notice.kind == NoticeKind.INSTRUCTION.value).order_by(Notice.id)
        )
        return list(session.exec(query))


def test_a_leader_writes_a_批示_the_unit_replies_and_the_page_shows_both(app):
    code = code_of(app, "修订政府信息公开指南")
    leader = client(app, "leader")
    page = leader.get(f"/tasks/{code}?as_of={AS_OF}").text
    assert f'action="/tasks/{code}/instruct' in page
    assert f'action="/tasks/{code}/chase' not in page and f'action="/tasks/{code}/reply' not in page
    assert "尚无领导批示" in page

    response = post(leader, f"/tasks/{code}/instruct", {"text": "请月底前完成，<b>加快</b>进度。"})
    assert response.status_code == 303 and response.headers["location"].endswith("saved=instruct")
    assert instruction_notices(app) == ["unit:办公室", "unit:法规处"]
    shown = leader.get(response.headers["location"]).text
    assert "已登记批示，已通知责任单位。" in shown
    assert "请月底前完成，&lt;b&gt;加快&lt;/b&gt;进度。" in shown  # escaped, never markup

    unit = client(app, "unit")
    page = unit.get(f"/tasks/{code}?as_of={AS_OF}").text
    assert f'action="/tasks/{code}/reply' in page and f'action="/tasks/{code}/instruct' not in page
    instruction = re.search(r'<option value="(\d+)"', page.split("回复哪条批示")[1]).group(1)
    response = post(
        unit, f"/tasks/{code}/reply", {"instruction": instruction, "text": "已布置，4月30日前报送。"}
    )
    assert response.status_code == 303
    assert instruction_notices(app)[-1] == "leader:leader"
    shown = leader.get(f"/tasks/{code}?as_of={AS_OF}").text
    assert "已布置，4月30日前报送。" in shown and "办公室" in shown.split("领导批示")[1]

    # A unit may not write a 批示, on its own task or any other; nothing is written.
    assert post(unit, f"/tasks/{code}/instruct", {"text": "自批"}).status_code == 403
    assert len(instruction_notices(app)) == 3


def test_a_unit_replies_on_its_own_task_only(app):
    code = code_of(app, "发布年度报告")  # 办公室 alone
    post(client(app, "leader"), f"/tasks/{code}/instruct", {"text": "年报按时公开。"})
    other = client(app, "other")  # 法规处
    page = other.get(f"/tasks/{code}?as_of={AS_OF}").text
    assert "年报按时公开。" in page and f'action="/tasks/{code}/reply' not in page
    assert post(other, f"/tasks/{code}/reply", {"instruction": "1", "text": "越权"}).status_code == 403
    assert "越权" not in other.get(f"/tasks/{code}?as_of={AS_OF}").text


def test_an_empty_批示_gets_the_page_again_with_the_problem(app):
    code = code_of(app, "发布年度报告")
    response = post(client(app, "leader"), f"/tasks/{code}/instruct", {"text": "   "})
    assert response.status_code == 400 and "批示内容为空" in response.text
    assert instruction_notices(app) == []


def test_the_office_records_a_chase_and_sees_it_beside_the_ladders_levels(app, tmp_path, ledger_url):
    import datetime as dt

    from workflow_ledger import settings_for

    from workflows.escalate import raise_due

    raise_due(app.state.engine, settings_for(tmp_path, ledger_url), as_of=dt.date(2021, 3, 15))
    code = code_of(app, "修订政府信息公开指南")
    office = client(app, "office")
    page = office.get(f"/tasks/{code}?as_of={AS_OF}").text
    assert f'action="/tasks/{code}/chase' in page and f'action="/tasks/{code}/instruct' not in page
    response = post(
        office,
        f"/tasks/{code}/chase",
        {
            "method": "phone",
            "unit": "办公室",
            "contact": "王科长",
            "day": "2021-04-19",
            "note": "答应月底报送",
        },
    )
    assert response.status_code == 303, response.text
    found = tables(office.get(f"/tasks/{code}?as_of={AS_OF}").text)
    rows = found["催办记录"][1:]
    assert rows[0] == ["2021-04-19", "电话", "办公室 王科长", "答应月底报送", "office"]
    assert ["2021-03-15", "自动：逾期催办", "办公室", "期限 2021-03-15", "系统"] in rows

    refused = post(office, f"/tasks/{code}/chase", {"method": "phone", "contact": "", "note": "x"})
    assert refused.status_code == 400 and "联系人为空" in refused.text
    for name in ("leader", "unit"):
        user = client(app, name)
        assert f'action="/tasks/{code}/chase' not in user.get(f"/tasks/{code}?as_of={AS_OF}").text
        assert (
            post(user, f"/tasks/{code}/chase", {"method": "phone", "contact": "王", "note": "x"}).status_code
            == 403
        )
    assert len(tables(office.get(f"/tasks/{code}?as_of={AS_OF}").text)["催办记录"]) == len(found["催办记录"])


def test_the_pace_light_on_the_ledger_the_task_page_and_the_api(app):
    # 更新权责清单: 2021-01-01 .. 2021-05-31 (150 days); by 2021-04-20, 109 days (72%) are used.
    code = code_of(app, "更新权责清单")
    office = client(app, "office")
    page = office.get(f"/tasks/{code}?as_of={AS_OF}").text
    assert "序时进度" in page and "严重滞后序时" in page and "自 2021-01-01 起时间已过 72%" in page
    item = office.get(f"/api/tasks/{code}?as_of={AS_OF}").json()
    assert (item["light"], item["pace"], item["pace_used"], item["pace_behind"]) == ("green", "red", 72, 72)

    post(
        office,
        f"/tasks/{code}/update",
        {"version": "1", "status": "in_progress", "progress": "65", "note": "草稿已成"},
    )
    item = office.get(f"/api/tasks/{code}?as_of={AS_OF}").json()
    assert (item["pace"], item["pace_behind"]) == ("green", 7)
    listed = {i["code"]: i for i in office.get(f"/api/tasks?as_of={AS_OF}").json()["items"]}
    assert listed[code]["pace"] == "green"
    assert listed[code_of(app, "持续做好政策解读")]["pace"] == "grey"  # ongoing: no window

    ledger = office.get(f"/tasks?as_of={AS_OF}").text
    assert 'class="light pace green" title="序时进度：符合序时' in ledger
    assert 'class="light pace grey"' in ledger
