"""The overview, ledger and task pages on a real ledger (SQLite and PostgreSQL), as each role sees them.

The seeded ledger (tests/workflow_ledger.py) as of 2021-04-20, due-soon 14 days:
  一/1 修订政府信息公开指南  办公室 (法规处 supports)  2021-03-15  red
  一/2 更新权责清单          法规处                   2021-05-31  green
  一/3 报送政务公开工作进展  信息中心                 每季度      red (its first quarter, due 2021-03-31,
                                                                  is not reported: the current occurrence)
  二/1 持续做好政策解读      法规处                   持续推进    grey
  二/2 发布年度报告          办公室                   2021-04-30  yellow
  二/3 加强队伍建设          办公室                   (none)      grey
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from html.parser import HTMLParser

from dashboard_client import login, token
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import select
from workflow_ledger import plan, settings_for

from dashboard.pages import ledger as ledger_page
from models import clock
from models.plan import Deadline, ParsedPlan, ParsedTask
from models.reads.overview import compute_overview
from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import read_session, write_session
from models.storage.tables import Journal
from models.writes.ledger import get_task, import_plan
from workflows.escalate import raise_due

AS_OF = "2021-04-20"
SCRIPT = "<script>alert(1)</script>"


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts, keyed by the heading (h2) above it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.heading = ""
        self.in_heading = False
        self.cell: list[str] | None = None
        self.rows: list[list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "h2":
            self.in_heading, self.heading = True, ""
        elif tag == "table":
            self.rows = self.tables.setdefault(self.heading, [])
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th") and self.rows is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self.in_heading = False
        elif tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.rows = None

    def handle_data(self, data: str) -> None:
        if self.in_heading and not self.heading:
            self.heading = data.strip()
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def codes(app) -> dict[str, str]:
    """title -> task code (ids differ between databases, titles do not)."""
    with read_session(app.state.engine) as session:
        rows = TaskQuery(session, TaskFilter(), as_of=dt.date(2021, 4, 20), due_soon_days=14).rows()
    return {row.title: row.code for row in rows}


def client(app, name: str) -> TestClient:
    return login(TestClient(app), name)


def journal(app, code: str) -> list[Journal]:
    with read_session(app.state.engine) as session:
        task = get_task(session, code)
        return list(session.exec(select(Journal).where(Journal.task_id == task.id).order_by(Journal.id)))


def today(app) -> dt.date:
    return clock.today(app.state.settings.timezone)


def state(app, code: str) -> tuple[str, int, int, dt.date | None]:
    with read_session(app.state.engine) as session:
        task = get_task(session, code)
        return task.status, task.progress, task.version, task.due_date


# --- Overview ----------------------------------------------------------------------------------


def test_overview_counts_lights_by_plan_section_and_unit(app):
    page = client(app, "leader").get(f"/?as_of={AS_OF}")
    assert page.status_code == 200
    found = tables(page.text)
    heads = ["任务", "逾期", "临期", "正常", "长期/未定", "办结"]
    plan_rows = found["按计划"]
    assert plan_rows[0][2:8] == heads
    assert plan_rows[1][2:8] == ["6", "2", "1", "1", "2", "0"]
    sections = {row[1]: row[2:8] for row in found["按部分"][1:]}
    assert sections == {"一": ["3", "2", "0", "1", "0", "0"], "二": ["3", "0", "1", "0", "2", "0"]}
    units = {row[0]: row[1:7] for row in found["按单位"][1:]}
    assert units == {
        "办公室": ["3", "1", "1", "0", "1", "0"],
        "法规处": ["3", "1", "0", "1", "1", "0"],  # supports 一/1, which is late
        "信息中心": ["1", "1", "0", "0", "0", "0"],
    }
    top = found["逾期最多的单位"]
    assert [row[:2] for row in top[1:]] == [["办公室", "1"], ["法规处", "1"], ["信息中心", "1"]]
    late = found["逾期最久的任务"]
    assert [row[3] for row in late[1:]] == ["修订政府信息公开指南", "报送政务公开工作进展"]


def test_points_without_a_lead_unit_have_their_row_and_the_late_list_says_how_late(app):
    from models.storage.tables import Role
    from models.writes.ledger import assign_unit

    late_code = codes(app)["修订政府信息公开指南"]
    with write_session(app.state.engine) as session:
        for unit in ("办公室",):
            assign_unit(session, late_code, unit=unit, role=Role.LEAD, actor="t", remove=True)
    found = tables(client(app, "leader").get(f"/?as_of={AS_OF}").text)
    units = {row[0]: row[1:7] for row in found["按单位"][1:]}
    assert units["（未明确牵头单位）"][:2] == ["1", "1"]  # no unit leads it, and it is late
    assert ["（未明确牵头单位）", "1"] in [row[:2] for row in found["逾期最多的单位"][1:]]
    late = found["逾期最久的任务"]
    days = late[0].index("逾期天数")
    with read_session(app.state.engine) as session:
        due = get_task(session, late_code).due_date
    assert late[1][days] == str((dt.date.fromisoformat(AS_OF) - due).days)


def test_the_office_renames_a_plan_on_the_overview_and_others_cannot(app):
    office = client(app, "office")
    page = office.get(f"/?as_of={AS_OF}").text
    assert 'action="/plans/2021-gongkai/name"' in page  # the office's form
    form = {"csrf": token(office), "short_name": "测试要点"}
    assert office.post("/plans/2021-gongkai/name", data=form, follow_redirects=False).status_code == 303
    rows = tables(office.get(f"/?as_of={AS_OF}").text)["按计划"]
    assert rows[1][0].startswith("测试要点")
    leader = client(app, "leader")
    refused = leader.post("/plans/2021-gongkai/name", data={"csrf": token(leader), "short_name": "x"})
    assert refused.status_code == 403
    missing = office.post("/plans/nope/name", data={"csrf": token(office), "short_name": "x"})
    assert missing.status_code == 404 and "未找到" in missing.text  # the app's error page
    too_long = office.post("/plans/2021-gongkai/name", data={"csrf": token(office), "short_name": "长" * 101})
    assert too_long.status_code == 400 and "输入有误" in too_long.text
    assert too_long.headers["content-type"].startswith("text/html")


def test_the_overview_api_gives_the_same_figures(app):
    body = client(app, "leader").get(f"/api/overview?as_of={AS_OF}").json()
    assert body["totals"] == {"red": 2, "yellow": 1, "green": 1, "grey": 2, "done": 0, "total": 6}
    assert [(s["label"], s["counts"]["red"]) for s in body["sections"]] == [("一", 2), ("二", 0)]
    assert [u["unit"] for u in body["top_overdue_units"]] == ["办公室", "法规处", "信息中心"]
    one_plan = client(app, "leader").get(f"/api/overview?as_of={AS_OF}&plan=2021-gongkai").json()
    assert one_plan["totals"] == body["totals"]
    assert client(app, "leader").get("/api/overview?plan=nope").status_code == 404


def test_lights_counted_in_sql_agree_with_models_lights(app):
    with write_session(app.state.engine) as session:
        from models.writes.ledger import update_task

        update_task(session, codes(app)["更新权责清单"], actor="t", status="done")
    with read_session(app.state.engine) as session:
        for day in ("2021-03-01", "2021-03-15", "2021-04-16", "2021-04-30", "2021-06-01"):
            as_of = dt.date.fromisoformat(day)
            rows = TaskQuery(session, TaskFilter(), as_of=as_of, due_soon_days=14).rows()
            expected = Counter(row.light.value for row in rows)
            totals = compute_overview(session, as_of=as_of, due_soon_days=14).totals
            assert {name: getattr(totals, name) for name in expected} == dict(expected), day
            assert totals.total == len(rows)


def test_the_completion_chart_counts_done_per_week_from_the_journal(app):
    office = client(app, "office")
    code = codes(app)["更新权责清单"]
    version = state(app, code)[2]
    done = office.post(
        f"/tasks/{code}/update?as_of=2021-04-21",  # a Wednesday of ISO week 16
        data={"csrf": token(office), "version": version, "status": "done", "progress": "100"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    body = office.get("/api/overview?as_of=2021-04-25").json()
    weeks = {w["label"]: w["done"] for w in body["weeks"]}
    assert weeks["2021-W16"] == 1 and sum(weeks.values()) == 1
    assert body["weeks"][-1]["label"] == "2021-W16"
    assert body["weeks"][0]["monday"] == "2020-12-28"  # the week of 1 January
    page = office.get("/?as_of=2021-04-25").text
    # The page charts months (not ISO weeks), one chart per scale: the bars, then the running total.
    assert 'aria-label="每月办结任务数"' in page and 'aria-label="累计办结任务数"' in page
    assert "4月：办结 1 项" in page and "W16" not in page
    assert [m for m in ("11月", "12月", "1月", "2月", "3月", "4月") if f">{m}</text>" in page] == [
        "11月",
        "12月",
        "1月",
        "2月",
        "3月",
        "4月",
    ]
    assert page.count("<polyline") == 1
    # Before the day it was done, the chart does not know about it.
    earlier = office.get("/api/overview?as_of=2021-04-20").json()
    assert sum(w["done"] for w in earlier["weeks"]) == 0


# --- Ledger ------------------------------------------------------------------------------------


def ledger_codes(html: str) -> list[str]:
    rows = tables(html)[""]
    return [row[1] for row in rows[1:]]


def test_the_ledger_filters_by_unit_status_overdue_and_due_within(app):
    c, user = codes(app), client(app, "unit")
    everything = ledger_codes(user.get(f"/tasks?as_of={AS_OF}").text)
    assert len(everything) == 6
    # Due date order, undated last.
    assert everything[:4] == [
        c["修订政府信息公开指南"],
        c["报送政务公开工作进展"],  # by its unreported first quarter's end
        c["发布年度报告"],
        c["更新权责清单"],
    ]
    by_unit = ledger_codes(user.get(f"/tasks?as_of={AS_OF}&unit=法规处").text)
    assert sorted(by_unit) == sorted([c["修订政府信息公开指南"], c["更新权责清单"], c["持续做好政策解读"]])
    overdue = ledger_codes(user.get(f"/tasks?as_of={AS_OF}&overdue=1&due_within=").text)
    assert overdue == [c["修订政府信息公开指南"], c["报送政务公开工作进展"]]
    soon = ledger_codes(user.get(f"/tasks?as_of={AS_OF}&due_within=14").text)
    assert soon == [c["发布年度报告"]]
    none = user.get(f"/tasks?as_of={AS_OF}&status=done")
    assert "没有符合条件的任务" in none.text
    assert user.get("/tasks?unit=不存在的处").status_code == 404
    assert user.get("/tasks?status=finished").status_code == 400
    assert user.get("/tasks?due_within=soon").status_code == 400
    assert user.get("/tasks?as_of=2021-13-01").status_code == 400


def test_the_ledger_sorts_and_pages(app, monkeypatch):
    user = client(app, "unit")
    by_code = ledger_codes(user.get(f"/tasks?as_of={AS_OF}&sort=code").text)
    assert by_code == sorted(by_code, key=lambda code: int(code[1:]))
    by_plan = ledger_codes(user.get(f"/tasks?as_of={AS_OF}&sort=plan").text)
    assert by_plan == [codes(app)[task.title] for task in plan().tasks]  # document order
    monkeypatch.setattr(ledger_page, "PER_PAGE", 4)
    first = user.get(f"/tasks?as_of={AS_OF}&sort=code")
    second = user.get(f"/tasks?as_of={AS_OF}&sort=code&page=2")
    assert ledger_codes(first.text) == by_code[:4] and ledger_codes(second.text) == by_code[4:]
    assert "第 2 / 2 页" in second.text
    # The pager keeps the filters and the date.
    assert "/tasks?as_of=2021-04-20&amp;sort=code&amp;page=2" in first.text
    past_the_end = user.get(f"/tasks?as_of={AS_OF}&sort=code&page=9")
    assert ledger_codes(past_the_end.text) == by_code[4:]


def test_the_ledger_exports_the_filtered_view_to_xlsx(app):
    c, user = codes(app), client(app, "leader")
    response = user.get(f"/tasks.xlsx?as_of={AS_OF}&unit=法规处&sort=code")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["台账"]
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(exported) == sorted([c["修订政府信息公开指南"], c["更新权责清单"], c["持续做好政策解读"]])
    soon = user.get(f"/tasks.xlsx?as_of={AS_OF}&due_within=14")
    book = load_workbook(io.BytesIO(soon.content))
    assert [row[0] for row in book["台账"].iter_rows(min_row=2, values_only=True)] == [c["发布年度报告"]]
    assert "14 天内到期" in [row[1] for row in book["说明"].iter_rows(values_only=True)]
    page = user.get(f"/tasks?as_of={AS_OF}&unit=法规处")
    assert "/tasks.xlsx?as_of=2021-04-20&amp;unit=" in page.text


def test_the_xlsx_export_keeps_the_ledgers_sort(app):
    user = client(app, "leader")
    with write_session(app.state.engine) as session:  # statuses that differ, so "status" sorts apart
        from models.writes.ledger import update_task

        update_task(session, codes(app)["加强队伍建设"], actor="t", status="in_progress")
    for query in ("sort=code", "sort=status", "sort=plan", "sort=due", ""):
        shown = ledger_codes(user.get(f"/tasks?as_of={AS_OF}&{query}").text)
        sheet = load_workbook(io.BytesIO(user.get(f"/tasks.xlsx?as_of={AS_OF}&{query}").content))["台账"]
        exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert exported == shown, query
    orders = {tuple(ledger_codes(user.get(f"/tasks?as_of={AS_OF}&sort={s}").text)) for s in ("code", "due")}
    assert len(orders) == 2  # the sorts really differ on this ledger
    page = user.get(f"/tasks?as_of={AS_OF}&sort=code").text
    assert "/tasks.xlsx?as_of=2021-04-20&amp;sort=code" in page


# --- Task detail, updates and deferrals --------------------------------------------------------


def test_the_task_page_shows_text_units_deadline_journal_escalations_and_notices(app, tmp_path, ledger_url):
    raise_due(app.state.engine, settings_for(tmp_path, ledger_url), as_of=dt.date(2021, 3, 15))
    code = codes(app)["修订政府信息公开指南"]
    page = client(app, "leader").get(f"/tasks/{code}?as_of={AS_OF}")
    assert page.status_code == 200
    text = page.text
    for expected in (
        "修订政府信息公开指南",
        "办公室",
        "法规处",
        "3月15日前",
        "具体日期",
        "已逾期 36 天",
        "版本 1",
    ):
        assert expected in text, expected
    found = tables(text)
    assert [row[0] for row in found["督办记录"][1:]] == ["提醒", "逾期催办"]  # 提醒 passed over
    recipients = sorted(row[1] for row in found["发给责任单位的通知"][1:])
    assert recipients == ["办公室", "法规处"]
    assert found["变更记录"][1][2] == "导入"
    # A leader gets no update or deferral forms (only the 批示 form: tests/test_instruction_pages.py).
    assert re.findall(r'action="/tasks/[^"]*"', text) == [f'action="/tasks/{code}/instruct?as_of={AS_OF}"']
    assert client(app, "leader").get("/tasks/T999").status_code == 404


def test_a_unit_updates_its_own_task_and_the_journal_names_the_user(app):
    code = codes(app)["修订政府信息公开指南"]
    user = client(app, "unit")
    page = user.get(f"/tasks/{code}?as_of={AS_OF}")
    assert f'action="/tasks/{code}/update?as_of={AS_OF}"' in page.text
    response = user.post(
        f"/tasks/{code}/update?as_of={AS_OF}",
        data={
            "csrf": token(user),
            "version": "1",
            "status": "in_progress",
            "progress": "60",
            "note": "已汇总各处室意见",
            "evidence": "OA-118",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/tasks/{code}?as_of={AS_OF}&saved=update"
    assert state(app, code)[:3] == ("in_progress", 60, 2)
    rows = [row for row in journal(app, code) if row.action == "update"]
    assert {(r.field, r.old, r.new) for r in rows} == {
        ("status", "not_started", "in_progress"),
        ("progress", "0", "60"),
    }
    # A unit's change counts for today, whatever date the page was looked at (only the office back-fills).
    assert {(r.actor, r.day, r.note, r.evidence) for r in rows} == {
        ("unit", today(app), "已汇总各处室意见", "OA-118")
    }
    shown = user.get(f"/tasks/{code}?as_of={AS_OF}&saved=update").text
    assert "已保存进展" in shown and "已汇总各处室意见" in shown and "版本 2" in shown


def test_only_the_office_chooses_the_day_a_change_is_journaled_for(app):
    # A unit posting for 2099 would make the ladder think it reported then and stop reminding it.
    code = codes(app)["发布年度报告"]  # 办公室's
    unit, office = client(app, "unit"), client(app, "office")
    assert "登记日期：" + today(app).isoformat() in unit.get(f"/tasks/{code}?as_of=2099-12-31").text
    for path, data in (
        (f"/tasks/{code}/update?as_of=2099-12-31", {"version": "1", "note": "未来的进展"}),
        (f"/tasks/{code}/extension?as_of=2099-12-31", {"to": "2021-06-30", "reason": "未来"}),
    ):
        assert unit.post(path, data={**data, "csrf": token(unit)}, follow_redirects=False).status_code == 303
    assert {row.day for row in journal(app, code) if row.actor == "unit"} == {today(app)}
    assert "登记日期：2021-04-20" in office.get(f"/tasks/{code}?as_of={AS_OF}").text
    back_filled = office.post(
        f"/tasks/{code}/update?as_of={AS_OF}",
        data={"csrf": token(office), "version": "2", "note": "补录四月进展"},
        follow_redirects=False,
    )
    assert back_filled.status_code == 303
    assert journal(app, code)[-1].actor == "office" and journal(app, code)[-1].day == dt.date(2021, 4, 20)


def test_an_unchanged_form_is_refused_and_the_input_kept(app):
    code = codes(app)["发布年度报告"]
    user = client(app, "unit")
    response = user.post(
        f"/tasks/{code}/update?as_of={AS_OF}",
        data={"csrf": token(user), "version": "1", "status": "not_started", "progress": "0"},
    )
    assert response.status_code == 400 and "没有要更新的内容" in response.text
    bad = user.post(
        f"/tasks/{code}/update?as_of={AS_OF}",
        data={"csrf": token(user), "version": "1", "progress": "百分之六十", "note": "保留这段文字"},
    )
    assert bad.status_code == 400 and "保留这段文字" in bad.text
    assert state(app, code)[2] == 1


def test_the_office_defers_a_task_with_a_reason(app):
    code = codes(app)["修订政府信息公开指南"]
    office = client(app, "office")
    response = office.post(
        f"/tasks/{code}/defer?as_of={AS_OF}",
        data={"csrf": token(office), "version": "1", "to": "2021-06-30", "reason": "等待省局统一部署"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert state(app, code) == ("deferred", 0, 2, dt.date(2021, 6, 30))
    rows = [row for row in journal(app, code) if row.action == "defer"]
    assert rows and all(r.actor == "office" and r.note == "等待省局统一部署" for r in rows)
    empty = office.post(
        f"/tasks/{code}/defer?as_of={AS_OF}",
        data={"csrf": token(office), "version": "2", "to": "", "reason": "x"},
    )
    assert empty.status_code == 400


def test_a_unit_user_on_another_units_task_is_refused_and_nothing_changes(app):
    code = codes(app)["发布年度报告"]  # 办公室's task; "other" is 法规处
    other = client(app, "other")
    page = other.get(f"/tasks/{code}?as_of={AS_OF}")
    assert page.status_code == 200 and "/update" not in page.text
    before, entries = state(app, code), len(journal(app, code))
    for path, data in (
        (f"/tasks/{code}/update", {"version": "1", "status": "done"}),
        (f"/tasks/{code}/defer", {"version": "1", "to": "2021-12-31", "reason": "想延期"}),
    ):
        refused = other.post(path, data={**data, "csrf": token(other)})
        # The permission rule's own message: "无权" alone is also the title of every 403 page,
        # a refused CSRF token included.
        assert refused.status_code == 403 and f"无权修改任务 {code}：只有其牵头、配合单位" in refused.text
    assert state(app, code) == before and len(journal(app, code)) == entries


def test_a_supporting_unit_may_update_the_task(app):
    code = codes(app)["修订政府信息公开指南"]  # 法规处 supports it
    other = client(app, "other")
    response = other.post(
        f"/tasks/{code}/update?as_of={AS_OF}",
        data={"csrf": token(other), "version": "1", "note": "已提供意见"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert journal(app, code)[-1].actor == "other"


def test_a_leader_is_refused(app):
    code = codes(app)["修订政府信息公开指南"]
    leader = client(app, "leader")
    entries = len(journal(app, code))
    for path, data in (
        (f"/tasks/{code}/update", {"version": "1", "status": "done"}),
        (f"/tasks/{code}/defer", {"version": "1", "to": "2021-12-31", "reason": "领导不应能延期"}),
    ):
        refused = leader.post(path, data={**data, "csrf": token(leader)})
        assert refused.status_code == 403 and f"无权修改任务 {code}" in refused.text, refused.text
    assert state(app, code) == ("not_started", 0, 1, dt.date(2021, 3, 15))
    assert len(journal(app, code)) == entries


def test_a_stale_form_gets_a_conflict_page_with_the_current_values(app):
    code = codes(app)["修订政府信息公开指南"]
    office, user = client(app, "office"), client(app, "unit")
    assert 'name="version" value="1"' in user.get(f"/tasks/{code}").text  # the unit opens the form
    office.post(
        f"/tasks/{code}/update?as_of={AS_OF}",
        data={"csrf": token(office), "version": "1", "progress": "30", "note": "政务公开办录入"},
    )
    entries = len(journal(app, code))
    stale = user.post(
        f"/tasks/{code}/update?as_of={AS_OF}",
        data={"csrf": token(user), "version": "1", "status": "in_progress", "note": "我们已经完成"},
    )
    assert stale.status_code == 409
    assert "此任务已被他人修改" in stale.text and "当前为版本 2" in stale.text
    assert "进度 30%" in stale.text and "政务公开办录入" in stale.text
    assert "我们已经完成" in stale.text  # what the user typed is kept
    assert 'name="version" value="2"' in stale.text
    assert state(app, code)[:3] == ("not_started", 30, 2) and len(journal(app, code)) == entries
    stale_defer = office.post(
        f"/tasks/{code}/defer",
        data={"csrf": token(office), "version": "1", "to": "2021-09-30", "reason": "x"},
    )
    assert stale_defer.status_code == 409 and state(app, code)[2] == 2


def test_error_pages_run_no_script(app):
    # The README promises pages without scripts; a `javascript:` link is one.
    user = client(app, "unit")
    for path, status in (("/tasks/T999", 404), ("/tasks?status=finished", 400), ("/plans/import", 403)):
        page = user.get(path)
        assert page.status_code == status, path
        assert "javascript:" not in page.text and "<script" not in page.text, path
        assert '<a href="/">' in page.text, path


# --- Escaping ----------------------------------------------------------------------------------


def test_task_text_is_escaped_on_every_page(app):
    hostile = ParsedPlan(
        title=f"计划{SCRIPT}",
        year=2021,
        tasks=[
            ParsedTask(
                path=["一", "1"],
                title=SCRIPT,
                body=f"正文{SCRIPT}",
                lead_units=["办公室"],
                deadline=Deadline(type="date", date=dt.date(2021, 1, 31), text=f"1月底{SCRIPT}"),
            )
        ],
    )
    with write_session(app.state.engine) as session:
        import_plan(session, hostile, key="hostile", actor="office")
    code = codes(app)[SCRIPT]
    user = client(app, "unit")
    for path in (f"/?as_of={AS_OF}", f"/tasks?as_of={AS_OF}", f"/tasks/{code}?as_of={AS_OF}"):
        html = user.get(path).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
        assert SCRIPT not in html, path
    detail = user.get(f"/api/tasks/{code}")
    assert detail.headers["content-type"] == "application/json"
    assert detail.json()["title"] == SCRIPT and detail.json()["body"] == f"正文{SCRIPT}"
