"""The lifecycle in a real browser (Debian's chromium, Playwright, a real `duban serve`): a unit asks
for an extension and the office approves it; a unit submits completion with a file and the office
signs it off; a leader reads the outcome. The server, browser and users of tests/test_browser.py
(a server of this module's own, so its tasks are untouched by that module's tests).

Without chromium or the playwright package the tests skip, unless DUBAN_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from pathlib import Path

from test_browser import browser, chromium, new_page, server  # noqa: F401  (fixtures)

PDF = b"%PDF-1.4\n%%EOF\n"


def test_a_unit_asks_the_office_decides_and_a_leader_reads_it(new_page, server):  # noqa: F811
    from playwright.sync_api import expect

    code = server.codes["修订政府信息公开指南"]  # 办公室 (zhang) leads, due 2021-03-15
    unit = new_page("zhang")
    unit.goto(f"/tasks/{code}")
    facts = unit.locator("table.facts tr")
    expect(unit.locator("form[action*='/defer']")).to_have_count(0)  # no direct deferral for a unit
    asking = unit.locator("form[action*='/extension']")
    asking.get_by_label("申请延期至").fill("2021-06-30")
    asking.get_by_label("延期理由").fill("等待省局统一部署")
    asking.get_by_label("目前进度（%）").fill("40")
    asking.get_by_role("button", name="提交延期申请").click()
    expect(unit.get_by_role("status")).to_contain_text("已提交延期申请")
    expect(facts.filter(has_text="状态")).to_contain_text("待审批延期")
    expect(facts.filter(has_text="到期日")).to_contain_text("2021-03-15")  # the old date stands …
    expect(facts.filter(has_text="到期日")).to_contain_text("已逾期")  # … and so does the overdue light
    expect(unit.get_by_role("button", name="批准")).to_have_count(0)

    office = new_page("office")
    office.goto(f"/tasks/{code}")
    row = office.locator("table.requests tr").filter(has_text="延期申请")
    expect(row).to_contain_text("2021-03-15 → 2021-06-30")
    row.get_by_label("审批意见").fill("同意延期")
    row.get_by_role("button", name="批准", exact=True).click()
    expect(office.get_by_role("status")).to_contain_text("已批准延期申请")
    office_facts = office.locator("table.facts tr")
    expect(office_facts.filter(has_text="到期日")).to_contain_text("2021-06-30")
    expect(office_facts.filter(has_text="状态")).to_contain_text("已延期")
    expect(office_facts.filter(has_text="状态")).not_to_contain_text("待审批延期")

    unit.reload()
    completing = unit.locator("form[action*='/completion']")
    completing.get_by_label("办结情况").fill("指南已修订并在门户网站发布")
    completing.locator("input[type=file]").set_input_files(
        files=[{"name": "修订后的指南.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    completing.get_by_role("button", name="提交办结申请").click()
    expect(unit.get_by_role("status")).to_contain_text("已提交办结申请")
    expect(unit.locator("table.facts tr").filter(has_text="状态")).to_contain_text("已延期 · 待审核")

    office.reload()
    row = office.locator("table.requests tr").filter(has_text="办结申请")
    with office.expect_download() as downloading:
        row.get_by_role("link", name="修订后的指南.pdf").click()
    assert downloading.value.suggested_filename == "修订后的指南.pdf"
    assert Path(downloading.value.path()).read_bytes() == PDF
    row.get_by_role("button", name="销号").click()
    expect(office.get_by_role("status")).to_contain_text("已销号")
    expect(office.locator("table.facts tr").filter(has_text="状态")).to_contain_text("已完成 · 进度 100%")

    leader = new_page("li")
    leader.goto(f"/tasks/{code}")
    expect(leader.locator("table.facts tr").filter(has_text="状态")).to_contain_text("已完成")
    requests = leader.locator("table.requests")
    expect(requests.locator("tr").filter(has_text="延期申请")).to_contain_text("已批准")
    expect(requests.locator("tr").filter(has_text="办结申请")).to_contain_text("已销号")
    expect(leader.locator("form[action*='/requests/']")).to_have_count(0)  # a leader decides nothing
    expect(leader.locator("form[action*='/cancel']")).to_have_count(0)
