"""Nothing one user, one file or one bad value can break (issue 13), on SQLite and PostgreSQL:
the bounds of models.rules.bounds on every face (CLI, plan files, config), one task that cannot be
computed skipped and reported by every job, and the Excel import's permission rule row by row.
The web faces are in test_reliability_web.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import tomli_w
from openpyxl import load_workbook
from sqlalchemy import Engine, text, update
from sqlmodel import select
from typer.testing import CliRunner, Result
from workflow_ledger import seed, settings_for

from cli.main import app
from cli.tables import Format, render
from models.errors import BadInput
from models.files.plan_file import dump_plan, load_plan
from models.plan import Deadline, ParsedPlan, ParsedTask
from models.rules import bounds
from models.settings import load_settings
from models.storage.db import read_session, write_session
from models.storage.tables import Journal, Notice, Plan, Task
from models.writes.ledger import defer_task, get_task, import_plan, update_task
from workflows.lookback_markdown import md_cell, render_markdown
from workflows.notice_bodies import body
from workflows.use_cases import jobs
from workflows.use_cases.actor import Actor

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
CONTROL = ["\x00", "\x0b", "\x1f", "\uffff"]


def duban(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def seeded(cli_env: str) -> Engine:
    from models.storage.db import open_ledger

    engine = open_ledger(cli_env)
    seed(engine)
    return engine


def _set_due(engine: Engine, code: str, day: dt.date) -> None:
    """A due date written past the checks, as a ledger from before them may hold."""
    with write_session(engine) as session:
        session.execute(update(Task).where(Task.code == code).values(due_date=day, deadline_type="date"))


# --- Dates, numbers, text: one rule on every face ------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_deferral_outside_the_sane_range_is_refused_on_the_cli_and_in_the_core(seeded, day):
    result = duban("defer", "T1", "--to", day, "--reason", "推迟")
    assert result.exit_code == 2 and "超出允许范围（2000-01-01 至 2100-12-31）" in result.output
    assert "Traceback" not in result.output
    with write_session(seeded) as session, pytest.raises(BadInput, match="超出允许范围"):
        defer_task(session, "T1", to=dt.date.fromisoformat(day), reason="推迟", actor="office")
    with read_session(seeded) as session:
        assert get_task(session, "T1").version == 1  # nothing written


def test_edge_values_of_the_cli_are_one_clear_line(seeded):
    cases = [
        ("tasks", "--due-within", "3000000"),
        ("tasks", "--as-of", "9999-12-30"),
        ("escalate", "--dry-run", "--as-of", "0001-01-01"),
        ("lookback", "--year", "99999999999999999999", "--dry-run"),
    ]
    for args in cases:
        result = duban(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "错误：" in result.output, args
    assert duban("tasks", "--due-within", str(bounds.MAX_DAYS_AHEAD), "--as-of", "2021-04-20").exit_code == 0


@pytest.mark.parametrize("char", CONTROL)
def test_control_characters_in_a_note_are_refused_with_one_rule(seeded, char):
    result = duban("update", "T1", "--progress", "10", "--note", f"已部署{char}完成")
    assert result.exit_code == 2 and "控制字符" in result.output, result.output
    with write_session(seeded) as session, pytest.raises(BadInput, match="控制字符"):
        defer_task(session, "T1", to=dt.date(2021, 9, 1), reason=f"原因{char}", actor="office")
    with read_session(seeded) as session:
        assert get_task(session, "T1").version == 1


def test_text_lengths_are_bounded(seeded):
    with write_session(seeded) as session, pytest.raises(BadInput, match="过长"):
        update_task(session, "T1", actor="office", note="进" * (bounds.MAX_NOTE + 1))
    with write_session(seeded) as session:  # tab and line breaks are text, and the limit itself fits
        update_task(session, "T1", actor="office", note="一\t二\r\n" + "进" * (bounds.MAX_NOTE - 5))


def _plan(**task: object) -> ParsedPlan:
    values: dict = {"path": ["一", "1"], "title": "公开事项", "deadline": Deadline()} | task
    return ParsedPlan(title="计划", year=2021, tasks=[ParsedTask(**values)])


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ({"path": []}, "编号路径（path）为空"),
        ({"path": ["一", " "]}, "编号路径（path）为空"),
        ({"path": [str(n) for n in range(100_000)]}, "100,000 级"),
        ({"title": "标" * 5_000_000}, "过长"),
        ({"title": "标题\x00"}, "控制字符 \\x00"),
        ({"deadline": Deadline(type="date", date=dt.date(1, 1, 1))}, "0001-01-01 超出允许范围"),
        ({"deadline": Deadline(type="date", date=dt.date(9999, 12, 31))}, "9999-12-31 超出允许范围"),
    ],
)
def test_plan_files_out_of_bounds_are_refused_naming_the_task(engine, task, expected):
    plan = _plan(**task)
    with pytest.raises(BadInput, match="第 1 项任务") as raised:
        load_plan(dump_plan(plan).replace("\x00", "\\u0000"), source="bad.plan.toml")
    assert expected in raised.value.message and raised.value.message.startswith("bad.plan.toml")
    with write_session(engine) as session, pytest.raises(BadInput, match=re.escape(expected)):
        import_plan(session, plan, key="bad", actor="office")
    with read_session(engine) as session:
        assert session.exec(select(Plan)).first() is None  # nothing written


def test_a_plan_year_out_of_range_and_deep_toml_are_refused(tmp_path):
    with pytest.raises(BadInput, match="年份"):
        load_plan(tomli_w.dumps({"plan": {"title": "x", "year": 99999}, "tasks": []}))
    deep = "a = " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(BadInput, match="嵌套过深"):
        load_plan(deep, source="deep.plan.toml")
    (tmp_path / "deep.toml").write_text(deep, encoding="utf-8")
    with pytest.raises(BadInput, match="嵌套过深"):
        load_settings(tmp_path / "deep.toml")


@pytest.mark.parametrize("template", ["{days:>300000000}", "{title:.999999}", "{days:{days}}"])
def test_a_template_with_an_unbounded_width_fails_the_load_check(tmp_path, template):
    config = tmp_path / "config.toml"
    config.write_text(tomli_w.dumps({"checkin": {"template": template}}), encoding="utf-8")
    with pytest.raises(BadInput, match=r"模板 .* 有误"):
        load_settings(config)
    config.write_text(tomli_w.dumps({"checkin": {"template": "{title:<40}{days:>5}"}}), encoding="utf-8")
    assert load_settings(config).checkin.template == "{title:<40}{days:>5}"


# --- One task that cannot be computed: skipped and reported, the others go on ---------------------


def test_one_bad_task_does_not_stop_escalation_for_the_others(seeded, tmp_path, ledger_url):
    _set_due(seeded, "T1", dt.date(1, 1, 1))  # a ledger from before the bounds
    dry = duban("escalate", "--dry-run", "--as-of", "2021-06-01")
    assert dry.exit_code == 1, dry.output
    assert "任务 T1 无法计算，已跳过（催办）" in dry.output and "Traceback" not in dry.output
    assert "T5" in dry.output  # the others are still raised
    with read_session(seeded) as session:
        assert session.exec(select(Journal).where(Journal.action == "job_error")).first() is None  # dry run
    settings = settings_for(tmp_path, ledger_url)
    for _ in range(2):  # a rerun the same day journals nothing more
        result = jobs.escalate(seeded, settings, Actor.system(), as_of=dt.date(2021, 6, 1), send=False)
        assert result.skipped_tasks == ["T1"]
    with read_session(seeded) as session:
        errors = session.exec(select(Journal).where(Journal.action == "job_error")).all()
        raised = session.execute(text("SELECT count(*) FROM escalation")).scalar()
    assert [(e.field, e.day) for e in errors] == [("escalate", dt.date(2021, 6, 1))]
    assert "T1" in errors[0].note and raised > 0


def test_one_bad_task_does_not_stop_the_digest_for_the_others(seeded, tmp_path, ledger_url):
    # A second plan whose year no calendar has (written past the checks): its point cannot be computed.
    quarterly = Deadline(type="recurring", text="每季度", recurrence="quarterly")
    broken = ParsedPlan(
        title="坏计划",
        year=2021,
        tasks=[ParsedTask(path=["一"], title="季报", deadline=quarterly, lead_units=["法规处"])],
    )
    with write_session(seeded) as session:
        import_plan(session, broken, key="broken", actor="office")
        session.execute(update(Plan).where(Plan.key == "broken").values(year=10000))
    result = duban("digest", "--no-send", "--as-of", "2021-06-01")
    assert result.exit_code == 1, result.output
    assert "任务 T7 无法计算，已跳过（周报）" in result.output and "Traceback" not in result.output
    assert "T1" not in result.output.split("周报")[0]
    settings = settings_for(tmp_path, ledger_url)
    again = jobs.digest(
        seeded,
        settings,
        Actor.system(),
        as_of=dt.date(2021, 6, 1),
        send=False,
    )
    assert again.skipped_tasks == ["T7"]
    with read_session(seeded) as session:  # the others were digested: 法规处 still has its overdue T2
        bodies = [
            body(n, "text") for n in session.exec(select(Notice).where(Notice.recipient == "unit:法规处"))
        ]
    assert bodies and "T2" in bodies[0] and "T7" not in bodies[0]
    with read_session(seeded) as session:
        assert session.exec(select(Journal.field).where(Journal.action == "job_error")).all() == ["digest"]


@pytest.mark.parametrize("char", ["\x0b", "\x1f", "\uffff"])
def test_a_note_with_a_control_character_written_before_the_rule_breaks_no_report(
    seeded, tmp_path, ledger_url, char
):
    if ledger_url.startswith("postgresql") and char == "\x00":
        pytest.skip("PostgreSQL cannot store NUL at all")
    with write_session(seeded) as session:  # past the checks, as an old ledger may hold it
        session.execute(update(Task).where(Task.code == "T1").values(progress_note=f"已部署{char}完成"))
    settings = settings_for(tmp_path, ledger_url)
    result = jobs.look_back(seeded, settings, Actor.system(), as_of=dt.date(2021, 12, 31), year=2021)
    assert {Path(p).suffix for p in result.paths} == {".md", ".xlsx", ".docx"}
    exported = duban("export", "--xlsx", str(tmp_path / "t.xlsx"), "--as-of", "2021-06-01")
    assert exported.exit_code == 0, exported.output
    assert load_workbook(tmp_path / "t.xlsx")["台账"].max_row > 1


# --- Excel: the permission rule, row by row --------------------------------------------------------


def test_a_units_workbook_changing_another_units_task_is_refused_for_that_row(seeded, tmp_path):
    path = tmp_path / "t.xlsx"
    assert duban("export", "--xlsx", str(path), "--as-of", "2021-04-20").exit_code == 0
    workbook = load_workbook(path)
    sheet = workbook["台账"]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        if code == "T2":  # 法规处's task, in 办公室's workbook: set done
            row[headers.index("状态")].value = "已完成"
        if code == "T1":  # 办公室's own task
            row[headers.index("进度(%)")].value = 30
    workbook.save(path)
    result = duban("import", "--xlsx", str(path), "--as", "办公室")
    assert result.exit_code == 1, result.output
    assert "办公室 无权修改任务 T2" in result.output and "已写入：T1" in result.output
    with read_session(seeded) as session:
        assert get_task(session, "T2").status == "not_started"
        assert get_task(session, "T1").progress == 30
    # The office (the default) may change every task (cancelling is its own action, with a reason).
    assert duban("import", "--xlsx", str(path)).exit_code == 0
    with read_session(seeded) as session:
        assert get_task(session, "T2").status == "done"


# --- Output: CSV and Markdown -------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_kept_as_text():
    import csv
    import io

    cells = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "正常", "a=b"]
    rows = list(csv.reader(io.StringIO(render(["v"], [[cell] for cell in cells] + [[-5]], Format.csv))))
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "正常",
        "a=b",
        "-5",  # a number stays a number
    ]


def test_the_lookback_markdown_escapes_raw_html(seeded):
    assert md_cell("<script>alert(1)</script>\n下一行") == "&lt;script&gt;alert(1)&lt;/script&gt;<br>下一行"
    from models.reads.lookback import compute_lookback

    with write_session(seeded) as session:
        session.execute(update(Plan).values(title="<img src=x onerror=alert(1)>计划"))
        update_task(session, "T1", actor="office", progress=50, note="<b>进展</b>")
    with read_session(seeded) as session:
        markdown = render_markdown(compute_lookback(session, as_of=dt.date(2021, 12, 31), year=2021))
    assert "<img" not in markdown and "<b>" not in markdown and "&lt;img" in markdown


def test_the_other_faces_take_the_same_date_rule():
    from workflows.flows.common import day
    from workflows.plan_upload import _date

    for face in (
        lambda: day("0001-01-01"),
        lambda: day(dt.date(9999, 12, 31)),
        lambda: _date("2101-01-01", "第 1 项", None),
    ):
        with pytest.raises(BadInput, match="超出允许范围"):
            face()
    assert day("2021-06-01") == dt.date(2021, 6, 1)
