"""The lifecycle on the task page and through the API (SQLite and PostgreSQL): a unit asks, the
office decides; evidence files uploaded, checked, and served to signed-in users only."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from dashboard_client import dashboard_settings, login, seeded_app, token
from fastapi.testclient import TestClient
from sqlmodel import select

from models.storage.db import read_session
from models.storage.tables import Attachment, TaskRequest
from models.writes.ledger import get_task

AS_OF = "2021-04-20"
PDF = b"%PDF-1.4\n%%EOF\n"
# T1 修订政府信息公开指南: 办公室 leads (the "unit" account), 法规处 ("other") supports; due 2021-03-15.
# T5 发布年度报告: 办公室 only, due 2021-04-30.


@pytest.fixture
def app(ledger_url, tmp_path):
    settings = dashboard_settings(tmp_path, ledger_url)
    lifecycle = settings.lifecycle.model_copy(update={"attachments_dir": str(tmp_path / "files")})
    with seeded_app(
        tmp_path, ledger_url, settings=settings.model_copy(update={"lifecycle": lifecycle})
    ) as app:
        yield app


def client(app, name: str) -> TestClient:
    return login(TestClient(app), name)


def api(app, name: str) -> TestClient:
    signed = client(app, name)
    signed.headers["X-CSRF-Token"] = token(signed)
    return signed


def state(app, code: str) -> tuple[str, int, int, dt.date | None]:
    with read_session(app.state.engine) as session:
        task = get_task(session, code)
        return task.status, task.progress, task.version, task.due_date


def test_a_unit_asks_for_an_extension_and_the_office_approves_it_on_the_page(app):
    unit, office = client(app, "unit"), client(app, "office")
    page = unit.get(f"/tasks/T1?as_of={AS_OF}").text
    assert "申请延期" in page and "申请办结" in page
    assert "/tasks/T1/defer" not in page and "/tasks/T1/cancel" not in page  # the office's forms
    statuses = re.search(r'<select name="status">(.*?)</select>', page, re.S).group(1)
    assert "已完成" not in statuses and "已取消" not in statuses and "已延期" not in statuses
    asked = unit.post(
        f"/tasks/T1/extension?as_of={AS_OF}",
        data={"csrf": token(unit), "to": "2021-06-30", "reason": "等待省局统一部署", "progress": "40"},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    after = unit.get(asked.headers["location"]).text
    assert "已提交延期申请" in after and "待审批延期" in after
    assert state(app, "T1") == ("not_started", 0, 1, dt.date(2021, 3, 15))
    assert "/requests/R1/approve" not in after  # a unit sees no decision form
    listed = office.get(f"/tasks?as_of={AS_OF}").text  # the ledger shows it beside the status
    assert re.search(r'T1</a>.*?未开始<br><span class="pending">待审批延期</span>', listed, re.S)
    queue = office.get("/requests").text  # the office's queue of pending requests
    assert "R1" in queue and "待审批延期" in queue and "等待省局统一部署" in queue
    assert "R1" in client(app, "other").get("/requests").text  # 法规处 supports T1: its queue too
    refused = unit.post("/requests/R1/approve", data={"csrf": token(unit)})
    assert refused.status_code == 403
    assert "/requests/R1/approve" in office.get(f"/tasks/T1?as_of={AS_OF}").text
    approved = office.post(
        f"/requests/R1/approve?as_of={AS_OF}",
        data={"csrf": token(office), "comment": "同意"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert state(app, "T1") == ("deferred", 0, 2, dt.date(2021, 6, 30))
    shown = office.get(approved.headers["location"]).text
    assert "已批准延期申请" in shown and "待审批延期" not in shown


def test_a_completion_with_files_is_returned_then_signed_off(app, tmp_path):
    unit, office = client(app, "unit"), client(app, "office")
    bad = unit.post(
        f"/tasks/T5/completion?as_of={AS_OF}",
        data={"csrf": token(unit), "summary": "年度报告已发布", "evidence": "https://example.gov.cn/nb"},
        files=[
            ("files", ("报告.pdf", PDF, "application/pdf")),
            ("files", ("脚本.pdf", b"#!/bin/sh\n", "application/pdf")),
        ],
    )
    assert bad.status_code == 400 and "脚本.pdf 不是 PDF 文件" in bad.text
    assert "年度报告已发布" in bad.text  # what was typed is kept
    with read_session(app.state.engine) as session:
        assert session.exec(select(TaskRequest)).all() == []
    filed = unit.post(
        f"/tasks/T5/completion?as_of={AS_OF}",
        data={"csrf": token(unit), "summary": "年度报告已发布", "evidence": "https://example.gov.cn/nb"},
        files=[("files", ("年度报告.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )
    assert filed.status_code == 303
    assert state(app, "T5")[0] == "not_started"
    with read_session(app.state.engine) as session:
        [stored] = session.exec(select(Attachment)).all()
    page = office.get(f"/tasks/T5?as_of={AS_OF}").text
    assert "待审核" in page and f'href="/attachments/{stored.id}"' in page
    download = office.get(f"/attachments/{stored.id}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert quote("年度报告.pdf") in download.headers["content-disposition"]
    assert download.headers["content-disposition"].startswith("attachment")
    anonymous = TestClient(app).get(f"/attachments/{stored.id}", follow_redirects=False)
    assert anonymous.status_code in (303, 401) and anonymous.content != PDF
    assert (tmp_path / "files" / stored.stored_name).read_bytes() == PDF

    assert unit.post("/requests/R1/return", data={"csrf": token(unit), "reason": "x"}).status_code == 403
    empty = office.post(f"/requests/R1/return?as_of={AS_OF}", data={"csrf": token(office), "reason": ""})
    assert empty.status_code == 400 and state(app, "T5")[0] == "not_started"
    returned = office.post(
        f"/requests/R1/return?as_of={AS_OF}",
        data={"csrf": token(office), "reason": "缺少截图"},
        follow_redirects=False,
    )
    assert returned.status_code == 303 and state(app, "T5")[0] == "in_progress"
    assert "已退回 1 次" in unit.get(f"/tasks/T5?as_of={AS_OF}").text
    unit.post(f"/tasks/T5/completion?as_of={AS_OF}", data={"csrf": token(unit), "summary": "已补充截图"})
    signed = office.post(
        f"/requests/R2/signoff?as_of={AS_OF}", data={"csrf": token(office)}, follow_redirects=False
    )
    assert signed.status_code == 303 and state(app, "T5")[:2] == ("done", 100)


def test_only_the_office_cancels_on_the_page(app):
    unit, office = client(app, "unit"), client(app, "office")
    before = state(app, "T5")
    refused = unit.post("/tasks/T5/cancel", data={"csrf": token(unit), "reason": "不做了"})
    assert refused.status_code == 403 and state(app, "T5") == before
    assert "/tasks/T5/cancel" in office.get("/tasks/T5").text
    done = office.post(
        "/tasks/T5/cancel", data={"csrf": token(office), "reason": "上级已取消"}, follow_redirects=False
    )
    assert done.status_code == 303 and state(app, "T5")[0] == "cancelled"


def test_the_api_goes_through_the_same_use_cases(app):
    unit, office, leader = api(app, "unit"), api(app, "office"), api(app, "leader")
    asked = unit.post(
        f"/api/tasks/T1/extension-request?as_of={AS_OF}", json={"to": "2021-06-30", "reason": "x"}
    )
    assert asked.status_code == 200 and asked.json()["ref"] == "R1"
    again = unit.post("/api/tasks/T1/extension-request", json={"to": "2021-07-30", "reason": "x"})
    assert again.status_code == 400 and again.json()["code"] == "pending"
    assert [r["ref"] for r in unit.get("/api/requests").json()] == ["R1"]
    assert api(app, "other").get("/api/requests").json() == [{**asked.json()}]  # 法规处 supports T1
    for refused in (
        unit.post("/api/requests/R1/approve", json={}),
        leader.post("/api/requests/R1/approve", json={}),
        unit.post("/api/tasks/T1/cancel", json={"reason": "x"}),
        leader.post("/api/tasks/T1/update", json={"version": 1, "progress": 10}),
        unit.post("/api/tasks/T1/update", json={"version": 1, "status": "done"}),
    ):
        assert refused.status_code == 403, refused.text
    assert state(app, "T1") == ("not_started", 0, 1, dt.date(2021, 3, 15))
    rejected = office.post("/api/requests/R1/reject", json={"comment": "理由不足"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert office.post("/api/requests/R1/approve", json={}).status_code == 409  # decided already
    assert state(app, "T1") == ("not_started", 0, 1, dt.date(2021, 3, 15))
    completed = unit.post("/api/tasks/T1/completion-request", json={"summary": "已完成"})
    assert completed.status_code == 200 and completed.json()["kind"] == "completion"
    assert (
        office.post(f"/api/requests/{completed.json()['ref']}/signoff", json={}).json()["state"] == "approved"
    )
    assert state(app, "T1")[:2] == ("done", 100)
    history = unit.get("/api/tasks/T1/requests").json()
    assert [(r["ref"], r["state"]) for r in history] == [("R2", "approved"), ("R1", "rejected")]
    cancelled = office.post("/api/tasks/T5/cancel", json={"reason": "上级已取消"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
