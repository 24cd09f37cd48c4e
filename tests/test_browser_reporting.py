"""签收, 报送 and the inboxes through a real browser (Debian's chromium, Playwright) against a real
`duban serve` on a SQLite ledger: the small plan of tests/workflow_ledger.py handed over on
2021-09-01, monthly reports. The unit → office → leader path, as each of them clicks it.
Without chromium or the playwright package the tests skip, unless DUBAN_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest
import tomli_w
from live_server import LiveServer, chromium_or_skip, server_env, serving, write_config
from test_acknowledge import seed
from test_browser import TIMEOUT_MS, log_in
from workflow_ledger import D

from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import open_ledger, read_session

USERS = [
    ("office", "office", None),
    ("zhang", "unit", "办公室"),
    ("wang", "unit", "法规处"),
    ("li", "leader", None),
]
GUIDE = "修订政府信息公开指南"  # 办公室 leads, 法规处 supports


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    chromium_or_skip()
    folder = tmp_path_factory.mktemp("live-reporting")
    config = write_config(folder)
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    data["lifecycle"]["report_cycle"] = "monthly"
    config.write_text(tomli_w.dumps(data), encoding="utf-8")
    url = f"sqlite:///{folder / 'ledger.sqlite3'}"
    engine = open_ledger(url)
    try:
        seed(engine, day=D(2021, 9, 1))
        with read_session(engine) as session:
            rows = TaskQuery(session, TaskFilter(), as_of=D(2021, 10, 1), due_soon_days=14).rows()
    finally:
        engine.dispose()
    live = LiveServer(
        url="",
        folder=folder,
        env=server_env(folder, url),
        log=folder / "serve.log",
        codes={r.title: r.code for r in rows},
    )
    for name, role, unit in USERS:
        live.add_user(name, role, unit)
    with serving(live):
        yield live


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_or_skip(), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def signed_in(browser, server: LiveServer, user: str):
    context = browser.new_context(base_url=server.url, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, user)
    page.wait_for_url(f"{server.url}/")
    return page


def test_unit_acknowledges_and_reports_the_office_and_the_leader_see_it(browser, server):
    from playwright.sync_api import expect

    code = server.codes[GUIDE]
    zhang = signed_in(browser, server, "zhang")
    zhang.get_by_role("link", name="待办").click()
    expect(zhang.locator("h1")).to_have_text("办公室的待办")
    expect(zhang.locator("h2#to_acknowledge")).to_have_text("待签收（3）")
    zhang.locator("h2#to_acknowledge + table").get_by_role("link", name=code).click()
    expect(zhang.locator("h1")).to_contain_text(f"{code} {GUIDE}")
    zhang.get_by_role("button", name="签收").click()
    expect(zhang.get_by_role("status")).to_have_text("已签收。")
    expect(zhang.get_by_role("button", name="签收")).to_have_count(0)
    form = zhang.locator("form[action*='/report']")
    form.get_by_label("进度（%）").fill("60")
    form.get_by_label("本期工作进展").fill("已汇总各处室意见")
    form.get_by_role("button", name="报送").click()
    expect(zhang.get_by_role("status")).to_have_text("已报送。")
    expect(zhang.locator("table.facts")).to_contain_text("进度 60%")

    wang = signed_in(browser, server, "wang")
    wang.goto(f"/tasks/{code}")
    expect(wang.get_by_role("button", name="签收")).to_have_count(0)  # a supporting unit owes none
    part = wang.locator("form[action*='/report']")
    part.get_by_label("进度（%）").fill("30")
    part.get_by_label("本期工作进展").fill("法规处已提出意见")
    part.get_by_role("button", name="报送").click()
    reports = wang.locator("table.reports")
    expect(reports).to_contain_text("已汇总各处室意见")
    expect(reports.locator("tr.part")).to_contain_text("法规处已提出意见")

    office = signed_in(browser, server, "office")
    office.get_by_role("link", name="待办").click()
    expect(office.locator("h1")).to_have_text("政务公开办的待办")
    expect(office.locator("h2#unacknowledged")).to_have_text("未签收（5）")
    expect(office.locator("h2#unacknowledged + table")).not_to_contain_text(GUIDE)

    li = signed_in(browser, server, "li")
    li.get_by_role("link", name="待办").click()
    expect(li.locator("h1")).to_have_text("li的待办")
    expect(li.locator("h2#attention")).to_be_visible()
    li.goto(f"/tasks/{code}")
    expect(li.locator("form[action*='/report']")).to_have_count(0)
    expect(li.locator("table.reports")).to_contain_text("法规处已提出意见")
