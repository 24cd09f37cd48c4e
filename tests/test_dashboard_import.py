"""Importing a plan document through the dashboard: upload, review and correct, confirm."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from dashboard_client import dashboard_settings, login, seeded_app, token
from fastapi.testclient import TestClient

from models.reads.queries import list_plans
from models.reads.task_query import TaskFilter, TaskQuery
from models.reads.units import unresolved
from models.storage.db import read_session, write_session
from models.writes.ledger import schedule_task

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "plans" / "2021-linyi-health-gongkai-fangan.txt"  # damaged numbering: has warnings
LIMIT = 200_000


@pytest.fixture
def app(ledger_url, tmp_path):
    base = dashboard_settings(tmp_path, ledger_url)
    settings = base.model_copy(
        update={
            "base_dir": tmp_path,  # var/uploads under tmp_path
            "plans": base.plans.model_copy(
                update={"dir": str(tmp_path / "plans"), "max_document_bytes": LIMIT}
            ),
        }
    )
    with seeded_app(tmp_path, ledger_url, settings=settings) as app:
        yield app


def signed_in(app, name: str = "office") -> TestClient:
    return login(TestClient(app), name)


class FormReader(HTMLParser):
    """What a browser would submit from the page's review form: every field with its value."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif self.inside and tag == "input" and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields[a["name"]] = a.get("value") or ""
        elif self.inside and tag == "select":
            self.select = a["name"]
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def review_form(html: str, action: str) -> dict[str, str]:
    reader = FormReader(action)
    reader.feed(html)
    assert reader.fields, f"no form posting to {action}"
    return reader.fields


def upload(client: TestClient, name: str, data: bytes, key: str = "", csrf: str | None = None):
    form = {"key": key}
    if csrf is not False:
        form["csrf"] = csrf or token(client, "/plans/import")
    return client.post("/plans/import", data=form, files={"file": (name, data)}, follow_redirects=False)


def uploads(app) -> list[Path]:
    folder = app.state.settings.resolve("var/uploads")
    return sorted(folder.iterdir()) if folder.exists() else []


def plans_folder(app) -> list[str]:
    folder = Path(app.state.settings.plans.dir)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def plan_keys(app) -> list[str]:
    with read_session(app.state.engine) as session:
        return [p.key for p in list_plans(session, as_of=dt.date(2021, 6, 1))]


def test_a_seed_document_goes_through_upload_review_and_confirm_with_the_edits(app):
    client = signed_in(app)
    assert 'enctype="multipart/form-data"' in client.get("/plans/import").text
    response = upload(client, SEED.name, SEED.read_bytes())
    assert response.status_code == 303, response.text
    preview_url = response.headers["location"]
    page = client.get(preview_url)
    assert page.status_code == 200
    assert "立足实施重大战略推进政务公开" in page.text  # the first task
    assert "编号已修复" in page.text  # the parser's warnings
    assert 'value="2021-linyi-health-gongkai-fangan"' in page.text  # the key defaults to the stem

    action = f"{preview_url}/confirm"
    fields = review_form(page.text, action)
    assert fields["lead_0"] == "" and fields["due_0"] == ""
    fields.update(
        {"key": "2021-linyi", "lead_0": "办公室", "support_0": "法规处、新设科", "due_0": "2021-06-30"}
    )
    done = client.post(action, data=fields, follow_redirects=False)
    assert done.status_code == 303, done.text
    result = client.get(done.headers["location"])
    assert "新增 16 项" in result.text and "新设科" in result.text
    assert '/tasks?plan=2021-linyi"' in result.text

    with read_session(app.state.engine) as session:
        tasks = TaskQuery(
            session, TaskFilter(plan="2021-linyi"), as_of=dt.date(2021, 6, 1), due_soon_days=14
        ).rows()
        assert "新设科" in [u.name for u in unresolved(session)]
    assert len(tasks) == 16
    first = next(t for t in tasks if t.path == ["一", "（一）"])
    assert (first.lead, first.support, first.due_date) == (
        ["办公室"],
        ["法规处", "新设科"],
        dt.date(2021, 6, 30),
    )
    assert plans_folder(app) == ["2021-linyi.plan.toml", "2021-linyi.txt"]
    text = (Path(app.state.settings.plans.dir) / "2021-linyi.plan.toml").read_text(encoding="utf-8")
    assert 'source = "2021-linyi.txt"' in text and "新设科" in text
    # The held document is gone; the confirmation cannot be replayed.
    assert not list(uploads(app)[0].glob("source/*"))
    again = client.post(action, data=fields, follow_redirects=False)
    assert again.status_code == 404


def test_a_refused_confirmation_keeps_the_edits_and_writes_nothing(app):
    client = signed_in(app)
    preview_url = upload(client, SEED.name, SEED.read_bytes(), key="2021-linyi").headers["location"]
    action = f"{preview_url}/confirm"
    fields = review_form(client.get(preview_url).text, action)
    fields.update({"lead_1": "信息中心", "type_2": "date", "due_2": ""})
    refused = client.post(action, data=fields)
    assert refused.status_code == 400
    assert "未导入：第 3 项（一（三））：时限类型为“具体日期”，请填写日期" in refused.text
    assert 'name="lead_1" value="信息中心"' in refused.text  # the reviewer's work is still there
    assert plans_folder(app) == [] and "2021-linyi" not in plan_keys(app)


def test_an_existing_reviewed_file_is_replaced_only_when_asked(app):
    client = signed_in(app)
    first = upload(client, SEED.name, SEED.read_bytes(), key="linyi").headers["location"]
    fields = review_form(client.get(first).text, f"{first}/confirm")
    assert client.post(f"{first}/confirm", data=fields, follow_redirects=False).status_code == 303

    second = upload(client, SEED.name, SEED.read_bytes(), key="linyi").headers["location"]
    page = client.get(second).text
    assert "替换已有文件" in page and "linyi.plan.toml" in page
    fields = review_form(page, f"{second}/confirm")
    fields["lead_0"] = "法规处"
    refused = client.post(f"{second}/confirm", data=fields)
    assert refused.status_code == 409 and "linyi.plan.toml" in refused.text
    with read_session(app.state.engine) as session:
        tasks = TaskQuery(
            session, TaskFilter(plan="linyi"), as_of=dt.date(2021, 6, 1), due_soon_days=14
        ).rows()
    assert next(t for t in tasks if t.path == ["一", "（一）"]).lead == []

    fields["replace"] = "1"
    done = client.post(f"{second}/confirm", data=fields, follow_redirects=False)
    assert done.status_code == 303
    assert "更新 1 项" in client.get(done.headers["location"]).text
    with read_session(app.state.engine) as session:
        tasks = TaskQuery(
            session, TaskFilter(plan="linyi"), as_of=dt.date(2021, 6, 1), due_soon_days=14
        ).rows()
    assert next(t for t in tasks if t.path == ["一", "（一）"]).lead == ["法规处"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "scan.txt",
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            "scan.txt: 文件是二进制文件（PNG 图片）",
        ),
        ("empty.txt", b"", "empty.txt: 文件是空的"),
        ("blank.html", b"  \n\t\n", "blank.html: 文件是空的"),
        ("big.txt", "一、总体要求\n".encode() * (LIMIT // 10), "big.txt: 文件过大"),
        ("plan.pdf", b"%PDF-1.4 ...", "plan.pdf: 不是可识别的文件类型"),
        ("broken.docx", b"not a zip", "broken.docx: DOCX 文件已损坏"),
    ],
)
def test_a_bad_upload_names_the_file_and_the_problem_and_writes_nothing(app, name, data, message):
    client = signed_in(app)
    response = upload(client, name, data)
    assert response.status_code == 400
    assert message in response.text
    assert uploads(app) == [] and plans_folder(app) == []
    assert plan_keys(app) == ["2021-gongkai"]


def test_a_bad_plan_key_is_refused_before_anything_is_kept(app):
    client = signed_in(app)
    response = upload(client, SEED.name, SEED.read_bytes(), key="../etc/passwd")
    assert response.status_code == 400 and "无法导入：计划标识“../etc/passwd”不可用" in response.text
    assert uploads(app) == []


@pytest.mark.parametrize("name", ["unit", "leader"])
def test_only_the_office_may_import(app, name):
    office = signed_in(app)
    preview_url = upload(office, SEED.name, SEED.read_bytes()).headers["location"]
    fields = review_form(office.get(preview_url).text, f"{preview_url}/confirm")
    other = signed_in(app, name)
    csrf = token(other)
    assert "/plans/import" not in other.get("/").text.split("<main>")[0]  # not in the nav
    assert other.get("/plans/import").status_code == 403
    assert upload(other, SEED.name, SEED.read_bytes(), csrf=csrf).status_code == 403
    assert other.get(preview_url).status_code == 403
    refused = other.post(f"{preview_url}/confirm", data={**fields, "csrf": csrf}, follow_redirects=False)
    assert refused.status_code == 403
    assert other.post(f"{preview_url}/discard", data={"csrf": csrf}).status_code == 403
    assert len(uploads(app)) == 1 and plans_folder(app) == []


def test_an_upload_belongs_to_the_user_who_made_it(app):
    office = signed_in(app)
    preview_url = upload(office, SEED.name, SEED.read_bytes()).headers["location"]
    admin = signed_in(app, "admin")
    assert admin.get(preview_url).status_code == 404
    assert office.get(preview_url).status_code == 200


def test_posts_without_the_csrf_token_are_refused(app):
    client = signed_in(app)
    assert upload(client, SEED.name, SEED.read_bytes(), csrf=False).status_code == 403
    assert uploads(app) == []
    preview_url = upload(client, SEED.name, SEED.read_bytes()).headers["location"]
    fields = review_form(client.get(preview_url).text, f"{preview_url}/confirm")
    del fields["csrf"]
    assert client.post(f"{preview_url}/confirm", data=fields).status_code == 403
    assert plans_folder(app) == []


def test_a_discarded_upload_is_removed(app):
    client = signed_in(app)
    preview_url = upload(client, SEED.name, SEED.read_bytes()).headers["location"]
    response = client.post(f"{preview_url}/discard", data={"csrf": token(client)}, follow_redirects=False)
    assert response.status_code == 303 and uploads(app) == []
    assert client.get(preview_url).status_code == 404


def test_old_uploads_are_purged(app):
    from workflows import plan_upload

    client = signed_in(app)
    upload(client, SEED.name, SEED.read_bytes())
    later = dt.datetime.now(dt.UTC) + plan_upload.UPLOAD_TTL + dt.timedelta(minutes=1)
    assert plan_upload.purge(app.state.settings, now=later) == 1
    assert uploads(app) == []


def linyi_task(app, path: list[str]):
    with read_session(app.state.engine) as session:
        rows = TaskQuery(
            session, TaskFilter(plan="linyi"), as_of=dt.date(2021, 6, 1), due_soon_days=14
        ).rows()
    return next(t for t in rows if t.path == path)


def confirmed_upload(client, key: str, **changes) -> str:
    preview_url = upload(client, SEED.name, SEED.read_bytes(), key=key).headers["location"]
    fields = review_form(client.get(preview_url).text, f"{preview_url}/confirm")
    fields.update(changes)
    done = client.post(f"{preview_url}/confirm", data=fields, follow_redirects=False)
    assert done.status_code == 303, done.text
    return client.get(done.headers["location"]).text


def test_a_reupload_compares_with_the_ledger_and_keeps_decisions_unless_ticked(app):
    client = signed_in(app)
    confirmed_upload(client, "linyi", lead_0="办公室", lead_1="法规处")
    first, second = linyi_task(app, ["一", "（一）"]), linyi_task(app, ["一", "（二）"])
    with write_session(app.state.engine) as session:
        schedule_task(session, first.code, to=dt.date(2021, 9, 30), actor="office")

    # The same document uploaded under another name: the page offers its re-import as linyi.
    preview_url = upload(client, SEED.name, SEED.read_bytes(), key="linyi-again").headers["location"]
    page = client.get(preview_url).text
    assert "该文件此前已作为计划 linyi 导入，计划标识已改为 linyi" in page
    assert "与台账比较（计划 linyi）" in page
    # One undecided change (the lead given at the first import, blank in this review) and one
    # decided (the office's due date), with its box unticked.
    assert f'name="confirm" value="{first.code}:deadline"' in page
    assert f'name="confirm" value="{second.code}:units"' not in page
    assert "台账中已决定" in page and "2021-09-30" in page
    fields = review_form(page, f"{preview_url}/confirm")
    assert fields["key"] == "linyi" and "confirm" not in fields
    fields.update({"lead_0": "办公室", "replace": "1"})
    done = client.post(f"{preview_url}/confirm", data=fields, follow_redirects=False)
    assert done.status_code == 303, done.text
    result = client.get(done.headers["location"]).text
    assert "更新 1 项" in result and "保留台账中已决定的内容 1 处" in result
    assert "已保留台账中的值" in result and "法规处" in result  # 一（二）'s lead removed: listed
    assert linyi_task(app, ["一", "（一）"]).due_date == dt.date(2021, 9, 30)
    assert linyi_task(app, ["一", "（二）"]).lead == []

    # Ticked, the document's value is applied.
    preview_url = upload(client, SEED.name, SEED.read_bytes(), key="linyi").headers["location"]
    page = client.get(preview_url).text
    fields = review_form(page, f"{preview_url}/confirm")
    fields.update({"lead_0": "办公室", "replace": "1", "confirm": f"{first.code}:deadline"})
    done = client.post(f"{preview_url}/confirm", data=fields, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert "经确认已按文件修改" in client.get(done.headers["location"]).text
    assert linyi_task(app, ["一", "（一）"]).due_date is None


def test_the_same_document_confirmed_under_another_name_is_refused_and_nothing_written(app):
    client = signed_in(app)
    confirmed_upload(client, "linyi")
    folder = plans_folder(app)
    preview_url = upload(client, SEED.name, SEED.read_bytes(), key="linyi-2").headers["location"]
    fields = review_form(client.get(preview_url).text, f"{preview_url}/confirm")
    fields["key"] = "linyi-2"  # the reviewer insists on the other name
    refused = client.post(f"{preview_url}/confirm", data=fields)
    assert refused.status_code == 409
    assert "未导入：linyi-2：该文件已作为计划 linyi 导入" in refused.text
    assert plans_folder(app) == folder and plan_keys(app).count("linyi") == 1
    assert "linyi-2" not in plan_keys(app)
    # The comparison on the refused page says so too, before anyone confirms again.
    assert "无法导入：linyi-2：该文件已作为计划 linyi 导入" in refused.text
