"""The dashboard through a real browser: Debian's chromium, driven by Playwright, against a real
`duban serve` (tests/live_server.py) on a seeded SQLite ledger.

One server and one browser for the module; a new browser context (cookies and all) per user. The
ledger holds the seed plans except 2021-jilin-amr-gongkai-yaodian (imported through the page here),
the small plan of tests/workflow_ledger.py (2021-gongkai) and a plan whose task title carries a
script. Each test touches tasks of its own, so they do not depend on one another's order.

Without chromium or the playwright package the tests skip, unless DUBAN_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
from live_server import (
    PASSWORD,
    PLANS,
    LiveServer,
    chromium_or_skip,
    copy_plans,
    server_env,
    serving,
    write_config,
)
from workflow_ledger import seed

from models.plan import Deadline, ParsedPlan, ParsedTask
from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import open_ledger, read_session, write_session
from models.writes.ledger import import_plan
from parsing.sources import parse_source
from workflows.ingest import import_paths

IMPORTED = PLANS / "2021-jilin-amr-gongkai-yaodian.txt"  # imported through the page, not seeded
WARNED = PLANS / "2021-linyi-health-gongkai-fangan.txt"  # damaged numbering: the parser warns
GONGKAI = "2021-gongkai"  # tests/workflow_ledger.py's plan
XSS_PLAN = "2021-xss-probe"
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src="x" onerror="window.__xss=2">'
XSS_TITLE = f"核查标题{SCRIPT}转义"
TIMEOUT_MS = 20_000  # a loaded 2-core machine
USERS = [
    ("office", "office", None),
    ("zhang", "unit", "办公室"),
    ("wang", "unit", "法规处"),
    ("li", "leader", None),
]
FAR = dt.date(2100, 1, 1)


def xss_plan() -> ParsedPlan:
    return ParsedPlan(
        title="脚本注入检查计划",
        issuer="某市市场监督管理局",
        year=2021,
        tasks=[
            ParsedTask(
                path=["一", "1"],
                title=XSS_TITLE,
                body=f"正文里的图片{IMG}不应加载。",
                lead_units=["办公室"],
                deadline=Deadline(type="date", date=dt.date(2021, 10, 31), text="10月底前"),
            )
        ],
    )


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="module")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    write_config(folder)
    plan_files = copy_plans(folder / "plans", leave_out=IMPORTED.stem)
    url = f"sqlite:///{folder / 'ledger.sqlite3'}"
    engine = open_ledger(url)
    try:
        import_paths(engine, plan_files, actor="office", max_bytes=20_000_000)
        seed(engine, key=GONGKAI)
        with write_session(engine) as session:
            import_plan(session, xss_plan(), key=XSS_PLAN, actor="office")
        with read_session(engine) as session:
            rows = [
                row
                for key in (GONGKAI, XSS_PLAN)
                for row in TaskQuery(session, TaskFilter(plan=key), as_of=FAR, due_soon_days=14).rows()
            ]
    finally:
        engine.dispose()
    live = LiveServer(
        url="",
        folder=folder,
        env=server_env(folder, url),
        log=folder / "serve.log",
        codes={row.title: row.code for row in rows},
    )
    for name, role, unit in USERS:
        live.add_user(name, role, unit)
    with serving(live):
        yield live


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_page(browser, server: LiveServer) -> Iterator[Callable[..., object]]:
    """A page in a fresh browser context (its own cookies), signed in as `user` unless None."""
    contexts = []

    def make(user: str | None = None):
        context = browser.new_context(base_url=server.url, accept_downloads=True, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            log_in(page, user)
            page.wait_for_url(f"{server.url}/")
        return page

    yield make
    for context in contexts:
        context.close()


def log_in(page, name: str, password: str = PASSWORD) -> None:
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def plan_row_counts(page, key: str) -> dict[str, int]:
    """The overview's 按计划 row of a plan: task count and the five lights."""
    # The row links to the plan's own overview (its key is in the link, its short name is shown).
    row = page.locator("h2:text-is('按计划') + table tr").filter(has=page.locator(f"a[href*='plan={key}&']"))
    cells = row.locator("td.num").all_inner_texts()
    assert len(cells) == 6, cells
    return dict(zip(["total", "red", "yellow", "green", "grey", "done"], map(int, cells), strict=True))


def card(page, label: str) -> int:
    return int(page.locator(".card").filter(has_text=label).locator(".big").inner_text().strip())


def test_logging_in_shows_the_error_for_a_wrong_password_and_lands_on_the_overview(new_page, server):
    from playwright.sync_api import expect

    page = new_page()
    page.goto("/")
    expect(page).to_have_url(f"{server.url}/login?next=/")  # anonymous: sent to the login form
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/login")) as sent:
        log_in(page, "office", "not the password")
    assert sent.value.status == 401
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    expect(page.locator("header nav")).to_have_count(0)  # still nobody signed in

    log_in(page, "office")
    expect(page).to_have_url(f"{server.url}/")
    expect(page.locator("h1")).to_contain_text("概览")
    expect(page.locator("header .who")).to_contain_text("office（政务公开办）")
    expect(page.get_by_role("link", name="计划导入")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(f"{server.url}/login")
    page.goto("/tasks")
    expect(page).to_have_url(f"{server.url}/login?next=/tasks")
    log_in(page, "li")  # back where the login was asked for
    expect(page).to_have_url(f"{server.url}/tasks")
    expect(page.locator("header .who")).to_contain_text("li（领导）")


def test_the_office_imports_a_seed_document_through_the_page_with_corrections(new_page, server):
    from playwright.sync_api import expect

    repo_plans = sorted(p.name for p in PLANS.iterdir())
    parsed = parse_source(IMPORTED, max_bytes=20_000_000)
    page = new_page("office")
    page.get_by_role("link", name="计划导入").click()
    page.get_by_label("文件").set_input_files(IMPORTED)
    page.get_by_role("button", name="上传并解析").click()

    expect(page.locator("h1")).to_have_text(f"核对解析结果：{IMPORTED.name}")
    rows = page.locator("table.review tbody tr")
    expect(rows).to_have_count(len(parsed.tasks))
    for index, task in enumerate(parsed.tasks):
        expect(rows.nth(index)).to_contain_text(task.title)
    expect(page.get_by_text(f"共 {len(parsed.tasks)} 项任务")).to_be_visible()
    if parsed.warnings:
        expect(page.locator("section.warnings li")).to_have_text(parsed.warnings)
    else:
        expect(page.locator("section.warnings")).to_have_count(0)
    expect(page.get_by_label("计划标识")).to_have_value(IMPORTED.stem)
    expect(page.get_by_text("计划目录中已有")).to_have_count(0)  # not in the (temp) plans folder

    # Corrections: a lead unit the document does not name, and a date for a point without one.
    no_units = next(i for i, t in enumerate(parsed.tasks) if "法规处" not in t.lead_units + t.support_units)
    no_date = next(i for i, t in enumerate(parsed.tasks) if t.deadline.type.value == "none" and i != no_units)
    expect(page.get_by_label(f"第{no_units + 1}项牵头单位")).to_have_value(
        "、".join(parsed.tasks[no_units].lead_units)
    )
    page.get_by_label(f"第{no_units + 1}项牵头单位").fill("法规处")
    page.get_by_label(f"第{no_date + 1}项时限类型").select_option("date")
    page.get_by_label(f"第{no_date + 1}项到期日").fill("2021-09-30")
    page.get_by_role("button", name="确认导入台账").click()

    expect(page.locator("h1")).to_have_text(f"导入完成：{IMPORTED.stem}")
    expect(page.get_by_role("status")).to_contain_text(f"新增 {len(parsed.tasks)} 项")
    page.get_by_role("link", name="在台账中查看该计划").click()

    expect(page).to_have_url(re.compile(r"/tasks\?plan=2021-jilin-amr-gongkai-yaodian"))
    expect(page.get_by_text(f"共 {len(parsed.tasks)} 项")).to_be_visible()
    ledger = page.locator("table.ledger tr")
    for task in parsed.tasks:
        expect(ledger.filter(has_text=task.title)).to_have_count(1)
    expect(ledger.filter(has_text=parsed.tasks[no_units].title)).to_contain_text("法规处")
    expect(ledger.filter(has_text=parsed.tasks[no_date].title)).to_contain_text("2021-09-30")

    # The reviewed plan file went to the configured (temp) plans folder, not into the repository.
    written = server.folder / "plans" / f"{IMPORTED.stem}.plan.toml"
    assert written.is_file() and "法规处" in written.read_text(encoding="utf-8")
    assert sorted(p.name for p in PLANS.iterdir()) == repo_plans


def test_the_preview_shows_the_parsers_warnings_and_an_upload_can_be_discarded(new_page, server):
    from playwright.sync_api import expect

    parsed = parse_source(WARNED, max_bytes=20_000_000)
    assert parsed.warnings  # the point of this document
    page = new_page("office")
    page.goto("/plans/import")
    page.get_by_label("文件").set_input_files(WARNED)
    page.get_by_label("计划标识").fill("2021-linyi-again")
    page.get_by_role("button", name="上传并解析").click()
    expect(page.locator("section.warnings h2")).to_have_text(f"解析提示（{len(parsed.warnings)}）")
    expect(page.locator("section.warnings li")).to_have_text(parsed.warnings)
    expect(page.locator("table.review tbody tr")).to_have_count(len(parsed.tasks))
    page.get_by_role("button", name="放弃本次上传").click()
    expect(page).to_have_url(f"{server.url}/plans/import")
    response = page.goto("/tasks?plan=2021-linyi-again")  # nothing was imported
    assert response is not None and response.status == 404
    assert not (server.folder / "plans" / "2021-linyi-again.plan.toml").exists()


def test_a_unit_user_reports_progress_on_a_task_of_its_unit(new_page, server):
    from playwright.sync_api import expect

    title = "修订政府信息公开指南"  # 办公室 leads
    code = server.codes[title]
    note = "已形成修订稿，报分管领导审定"
    page = new_page("zhang")
    page.goto(f"/tasks?plan={GONGKAI}&unit=办公室")
    page.locator("table.ledger tr").filter(has_text=title).get_by_role("link", name=code).click()
    expect(page.locator("h1")).to_contain_text(f"{code} {title}")

    form = page.locator("form[action*='/update']")
    form.get_by_label("状态").select_option("in_progress")
    form.get_by_label("进度（%）").fill("60")
    form.get_by_label("进展情况").fill(note)
    form.get_by_label("佐证材料").fill("OA-2021-118")
    form.get_by_role("button", name="保存").click()

    expect(page.get_by_role("status")).to_have_text("已保存进展。")
    facts = page.locator("table.facts tr")
    expect(facts.filter(has_text="状态")).to_contain_text("推进中 · 进度 60%")
    expect(facts.filter(has_text="最新进展")).to_contain_text(note)
    expect(form.get_by_label("进度（%）")).to_have_value("60")
    mine = page.locator("table.journal tr").filter(has_text="zhang")
    expect(mine.filter(has_text="未开始 → 推进中")).to_have_count(1)
    expect(mine.filter(has_text=note).first).to_contain_text("OA-2021-118")
    expect(mine.filter(has_text=note).first).to_contain_text("报送进展")


def test_a_unit_user_gets_no_form_for_another_units_task_and_a_forged_post_is_refused(new_page, server):
    from playwright.sync_api import expect

    title, code = "更新权责清单", server.codes["更新权责清单"]  # 法规处 alone
    page = new_page("zhang")
    page.goto(f"/tasks/{code}")
    expect(page.locator("h1")).to_contain_text(title)
    expect(page.locator("table.facts tr").filter(has_text="牵头单位")).to_contain_text("法规处")
    expect(page.locator("form[action*='/update']")).to_have_count(0)
    expect(page.locator("form[action*='/defer']")).to_have_count(0)
    facts_before = page.locator("table.facts").inner_text()
    journal_before = page.locator("table.journal").inner_text()
    version = re.search(r"版本 (\d+)", facts_before).group(1)
    token = page.locator("input[name=csrf]").first.input_value()  # the logout form's

    forged = page.request.post(
        f"/tasks/{code}/update",
        form={"csrf": token, "version": version, "status": "done", "progress": "100", "note": "伪造"},
    )
    assert forged.status == 403, forged.text()
    assert f"无权修改任务 {code}" in forged.text()
    deferred = page.request.post(
        f"/tasks/{code}/defer",
        form={"csrf": token, "version": version, "to": "2021-12-31", "reason": "伪造"},
    )
    assert deferred.status == 403, deferred.text()
    api = page.request.post(
        f"/api/tasks/{code}/update",
        data={"version": int(version), "status": "done"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status == 403, api.text()
    # The same token is good: on a task of 办公室 an unchanged form passes the CSRF and permission
    # checks and is refused only for having nothing to update.
    own = server.codes["加强队伍建设"]
    page.goto(f"/tasks/{own}")
    own_version = page.locator("form[action*='/update'] input[name=version]").input_value()
    unchanged = page.request.post(f"/tasks/{own}/update", form={"csrf": token, "version": own_version})
    assert unchanged.status == 400 and "没有要更新的内容" in unchanged.text(), unchanged.text()

    page.goto(f"/tasks/{code}")
    expect(page.locator("h1")).to_contain_text(title)
    assert page.locator("table.facts").inner_text() == facts_before
    assert page.locator("table.journal").inner_text() == journal_before
    expect(page.get_by_text("伪造")).to_have_count(0)


def test_marking_a_task_done_moves_the_overview_by_one(new_page, server):
    from playwright.sync_api import expect

    title = "发布年度报告"  # 办公室, due 2021-04-30: red until done
    code = server.codes[title]
    page = new_page("office")
    before = plan_row_counts(page, GONGKAI)
    done_card = card(page, "办结")
    assert before["red"] >= 1

    page.goto(f"/tasks/{code}")
    form = page.locator("form[action*='/update']")
    form.get_by_label("状态").select_option("done")
    form.get_by_label("进度（%）").fill("100")
    form.get_by_label("进展情况").fill("年度报告已在门户网站发布")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("已保存进展。")
    expect(page.locator("table.facts tr").filter(has_text="状态")).to_contain_text("已完成 · 进度 100%")

    page.get_by_role("link", name="概览", exact=True).click()
    expect(page.locator("h1")).to_contain_text("概览")
    after = plan_row_counts(page, GONGKAI)
    assert after == {**before, "done": before["done"] + 1, "red": before["red"] - 1}
    assert card(page, "办结") == done_card + 1


def test_the_lookback_downloads_open_in_excel_and_word_with_the_pages_figures(new_page, server, tmp_path):
    import docx
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    page = new_page("li")  # a leader: read only, but may read the look-back
    page.get_by_role("link", name="回头看").click()
    page.get_by_label("年度", exact=True).fill("2021")
    page.get_by_role("button", name="统计").click()
    expect(page).to_have_url(re.compile(r"/lookback\?year=2021"))
    total, done = card(page, "任务总数"), card(page, "已完成")
    assert total > 0
    plans = page.locator("h2:text-is('按计划') + table tbody tr td:first-child").all_inner_texts()
    titles = [text.splitlines()[0].strip() for text in plans]
    assert "2021年政务公开工作要点" in titles
    unfinished = page.locator("h2:has-text('未完成事项') + table tbody tr")
    codes = [c.strip() for c in unfinished.locator("td:first-child").all_inner_texts()]
    assert server.codes["更新权责清单"] in codes
    assert page.evaluate("window.__xss") is None  # the probe's title is listed here too

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel（.xlsx）").click()
    download = xlsx_download.value
    assert download.failure() is None
    assert re.fullmatch(r"回头看-2021年度-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    download.save_as(tmp_path / "lookback.xlsx")
    workbook = load_workbook(tmp_path / "lookback.xlsx")
    assert {"按计划", "按部分", "按单位", "未完成事项"} <= set(workbook.sheetnames)
    by_plan = [list(row) for row in workbook["按计划"].iter_rows(values_only=True)]
    header, last = by_plan[0], by_plan[-1]
    assert last[0] == "合计"
    assert (last[header.index("任务总数")], last[header.index("已完成")]) == (total, done)
    # The same plans as the page: each row named by the plan's title or its short name (the page
    # prints the short name over the title).
    names = [{line.strip() for line in text.splitlines() if line.strip()} for text in plans]
    cells = [row[0] for row in by_plan[1:-1]]
    assert len(cells) == len(names) and all(any(c in n for n in names) for c in cells), (cells, names)
    listed = [row[0] for row in workbook["未完成事项"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert sorted(listed) == sorted(codes)

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Word（.docx）").click()
    download = docx_download.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".docx")
    download.save_as(tmp_path / "lookback.docx")
    document = docx.Document(str(tmp_path / "lookback.docx"))
    assert "回头看" in document.paragraphs[0].text  # the title
    tables = [[[cell.text.strip() for cell in row.cells] for row in table.rows] for table in document.tables]
    plan_table = next(rows for rows in tables if rows[0][0] == "计划" and "任务总数" in rows[0])
    header, last = plan_table[0], plan_table[-1]
    assert last[0] == "合计"
    assert (last[header.index("任务总数")], last[header.index("已完成")]) == (str(total), str(done))
    cells = [row[0] for row in plan_table[1:-1]]
    assert len(cells) == len(names) and all(any(c in n for n in names) for c in cells), (cells, names)
    text = "\n".join([p.text for p in document.paragraphs] + [c for rows in tables for r in rows for c in r])
    for code in codes:
        assert re.search(rf"\b{code}\b", text), code
    assert XSS_TITLE in text  # the file has the title as written: text, not markup


def test_a_script_in_a_task_title_is_shown_as_text_and_never_runs(new_page, server):
    from playwright.sync_api import expect

    code = server.codes[XSS_TITLE]
    page = new_page("office")
    page.goto(f"/tasks?plan={XSS_PLAN}")
    row = page.locator("table.ledger tr").filter(has_text=code)
    expect(row).to_contain_text(XSS_TITLE)  # the markup is visible as text
    assert page.evaluate("window.__xss") is None
    assert page.locator("script").count() == 0

    row.get_by_role("link", name=code).click()
    expect(page.locator("h1")).to_contain_text(XSS_TITLE)
    expect(page.locator("div.body")).to_contain_text(IMG)
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.locator("script").count() == 0

    page.get_by_role("link", name="概览", exact=True).click()  # listed among the longest overdue
    expect(page.locator("h2:has-text('逾期最久的任务') + table")).to_contain_text(XSS_TITLE)
    assert page.evaluate("window.__xss") is None


def test_a_leaders_批示_is_answered_by_the_unit_and_the_office_records_a_chase(new_page, server):
    from playwright.sync_api import expect

    title = "持续做好政策解读"  # 法规处 alone (wang)
    code = server.codes[title]
    leader = new_page("li")
    leader.goto(f"/tasks/{code}")
    expect(leader.locator("form[action*='/update']")).to_have_count(0)
    form = leader.locator("form[action*='/instruct']")
    form.get_by_label("批示内容").fill("请每月报送解读情况。")
    form.get_by_role("button", name="批示").click()
    expect(leader.get_by_role("status")).to_have_text("已登记批示，已通知责任单位。")
    expect(leader.locator("ol.instructions")).to_contain_text("请每月报送解读情况。")

    unit = new_page("wang")
    unit.goto(f"/tasks/{code}")
    expect(unit.locator("form[action*='/instruct']")).to_have_count(0)
    expect(unit.locator("form[action*='/chase']")).to_have_count(0)
    reply = unit.locator("form[action*='/reply']")
    reply.get_by_label("回复内容").fill("已建立月报制度。")
    reply.get_by_role("button", name="回复").click()
    expect(unit.get_by_role("status")).to_have_text("已回复批示，已通知批示领导。")

    office = new_page("office")
    office.goto(f"/tasks/{code}")
    chase = office.locator("form[action*='/chase']")
    chase.get_by_label("方式").select_option("wechat")
    chase.get_by_label("联系人").fill("赵科长")
    chase.get_by_label("沟通内容").fill("提醒按月报送")
    chase.get_by_role("button", name="登记").click()
    expect(office.get_by_role("status")).to_have_text("已登记催办记录。")
    expect(office.locator("table.chases tr").filter(has_text="赵科长")).to_contain_text("微信")

    leader.reload()
    expect(leader.locator("ul.replies")).to_contain_text("法规处")
    expect(leader.locator("ul.replies")).to_contain_text("已建立月报制度。")
