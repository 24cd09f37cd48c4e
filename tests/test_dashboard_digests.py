"""The digests page: the digests sent, one read in full, and next week's preview, all escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_client import add_users, dashboard_settings, login, seeded_app
from fastapi.testclient import TestClient
from workflow_ledger import seed

from dashboard.app import create_app
from models.plan import Deadline, ParsedPlan, ParsedTask
from models.reads.notices import list_notices
from models.storage.db import open_ledger, read_session, write_session
from models.writes.ledger import import_plan
from workflows.notice_bodies import body
from workflows.use_cases.actor import Actor
from workflows.use_cases.jobs import digest

SCRIPT = '<script>alert("x")</script>发布目录'


@pytest.fixture
def app(ledger_url, tmp_path):
    settings = dashboard_settings(tmp_path, ledger_url)

    def prepare(engine) -> None:
        _extra_plan(engine)
        digest(engine, settings, Actor.system(), as_of=dt.date(2021, 3, 22))  # week 12, sent to the outbox

    with seeded_app(tmp_path, ledger_url, prepare=prepare, settings=settings) as app:
        yield app


def _extra_plan(engine) -> None:
    with write_session(engine) as session:
        task = ParsedTask(
            path=["1"],
            title=SCRIPT,
            lead_units=["办公室"],
            deadline=Deadline(type="date", date=dt.date(2021, 3, 25), text="3月25日前"),
        )
        import_plan(session, ParsedPlan(title="补充", year=2021, tasks=[task]), key="extra", actor="office")


def office_digest_id(app) -> int:
    with read_session(app.state.engine) as session:
        return next(n.id for n in list_notices(session, kind="digest") if n.recipient == "unit:办公室")


def test_the_page_lists_the_sent_digests_and_previews_next_week_escaped(app):
    client = login(TestClient(app), "leader")
    page = client.get("/digests?as_of=2021-03-24&unit=办公室")
    assert page.status_code == 200
    sent, preview = page.text.split("下周周报预览")
    assert "2021-W12" in sent and "【督办周报】2021-W12 办公室" in sent and "已发送" in sent
    assert "2021-W13" in preview and "2021-03-29" in preview
    assert "【督办周报】2021-W13 全局" in preview  # the office's digest
    assert "【督办周报】2021-W13 办公室" in preview  # the unit asked for
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;发布目录" in preview
    assert "<script>" not in page.text


def test_a_unit_user_previews_its_own_digest(app):
    page = login(TestClient(app), "unit").get("/digests?as_of=2021-03-24").text
    preview = page.split("下周周报预览")[1]
    assert "【督办周报】2021-W13 办公室" in preview and "&lt;script&gt;" in preview
    assert "【督办周报】2021-W13 法规处" not in preview  # listed with counts, not rendered
    assert "法规处" in preview


def test_one_digest_is_shown_as_escaped_text_and_its_html_only_in_a_sandbox(app):
    client = login(TestClient(app), "unit")
    notice = office_digest_id(app)
    page = client.get(f"/digests/{notice}")
    assert page.status_code == 200
    assert "&lt;script&gt;" in page.text and "<script>" not in page.text
    assert "outbox" in page.text  # the delivery record
    body = client.get(f"/digests/{notice}/body.html")
    assert body.status_code == 200
    assert body.headers["content-security-policy"].startswith("sandbox")
    assert "default-src 'none'" in body.headers["content-security-policy"]
    assert client.get("/digests/999999").status_code == 404


def test_digests_are_refused_to_anonymous_users(app):
    client = TestClient(app)
    for path in (
        "/digests",
        f"/digests/{office_digest_id(app)}",
        f"/digests/{office_digest_id(app)}/body.html",
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_office_preview_lists_the_points_no_unit_leads_as_the_digest_will(ledger_url, tmp_path):
    from workflow_ledger import seed_without_lead

    from workflows.digest import compose_digests

    engine = open_ledger(ledger_url)
    seed(engine)
    seed_without_lead(engine)
    add_users(engine)
    settings = dashboard_settings(tmp_path, ledger_url)
    will_send = compose_digests(engine, settings, as_of=dt.date(2021, 3, 29), dry_run=True)
    office = next(d for d in will_send.drafts if d.recipient == "office")
    engine.dispose()
    app = create_app(settings)
    try:
        preview = login(TestClient(app), "office").get("/digests?as_of=2021-03-24").text
    finally:
        app.state.engine.dispose()
    preview = preview.split("下周周报预览")[1]
    assert "无牵头单位的事项" in body(office, "text")
    assert "（未明确牵头单位）" in preview and "无牵头单位的事项" in preview
