"""The daily ledger commands as the office types them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

PLANS = Path(__file__).resolve().parent.parent / "plans"
runner = CliRunner()


def duban(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def seeded(cli_env):
    result = duban("import", *map(str, sorted(PLANS.glob("*.plan.toml"))))
    assert result.exit_code == 0, result.output
    return result


def test_import_reports_counts_and_unresolved_unit_names(seeded):
    assert "2021-jilin-amr-gongkai-yaodian" in seeded.stdout
    assert "不在名录中" in seeded.stdout and "价监竞争处" in seeded.stdout
    assert "科技财务处" not in seeded.stdout  # registered in plans/units.toml
    again = duban("import", *map(str, sorted(PLANS.glob("*.plan.toml"))))
    assert "  17  " in again.stdout or " 17 " in again.stdout  # 17 unchanged for the 2021 plan


def test_tasks_overdue_as_json(seeded):
    result = duban("tasks", "--overdue", "--as-of", "2021-12-01", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["task"] for r in rows] == ["T1", "T2", "T29"]
    assert rows[2]["lead"] == "办公室" and rows[2]["light"] == "red" and rows[2]["due"] == "2021-11-30"


def test_tasks_by_unit_as_csv(seeded):
    result = duban("tasks", "--unit", "宣传中心", "--format", "csv", "--as-of", "2021-06-01")
    # For Excel: a byte-order mark and the table's column names, in the chosen language.
    assert result.stdout.startswith("\ufeff任务,计划,位置,标题,牵头,配合")
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert {r["任务"] for r in rows} == {"T17", "T24", "T25"}
    assert all("宣传中心" in r["牵头"] for r in rows)  # a bare 责任处室 list: all of it leads


def test_update_show_and_the_journal(seeded):
    result = duban(
        "update",
        "T29",
        "--status",
        "in_progress",
        "--progress",
        "60",
        "--note",
        "已汇总",
        "--evidence",
        "OA-2021-118",
        "--as",
        "办公室",
    )
    assert result.exit_code == 0, result.output
    assert "T29：推进中，60%（版本 2）" in result.stdout
    shown = duban("show", "t29", "--as-of", "2021-12-01")
    assert "最新进展：已汇总" in shown.stdout and "OA-2021-118" in shown.stdout and "灯：逾期" in shown.stdout


def test_stale_version_is_refused_with_a_clear_message(seeded):
    assert duban("update", "T3", "--progress", "20", "--version", "1").exit_code == 0
    result = duban("update", "T3", "--progress", "30", "--version", "1")
    assert result.exit_code == 4
    assert result.stderr.strip() == "错误：任务 T3 在版本 1 之后已被他人修改：请重新打开后再试"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["update", "T999", "--progress", "5"], "没有任务 T999"),
        (["update", "T1", "--status", "finished"], "--status“finished”无法识别"),
        (["defer", "T1", "--to", "2021-13-01", "--reason", "x"], "--to 日期 '2021-13-01' 有误"),
        (["tasks", "--as-of", "yesterday"], "--as-of 日期 'yesterday' 有误"),
        (["tasks", "--plan", "nope"], "没有计划 nope"),
        (["import", "/nonexistent/plan.plan.toml"], "plan.plan.toml"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(seeded, args, message):
    before = duban("tasks", "--format", "json", "--as-of", "2021-06-01").stdout
    result = duban(*args)
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert duban("tasks", "--format", "json", "--as-of", "2021-06-01").stdout == before


def test_defer_assign_and_units(seeded):
    assert duban("defer", "T29", "--to", "2021-12-20", "--reason", "等待省局通知").exit_code == 0
    assert "T29" not in duban("tasks", "--overdue", "--as-of", "2021-12-01").stdout
    assert duban("assign", "T29", "--support", "法规处").exit_code == 0
    assert "法规处" in duban("show", "T29").stdout
    assert duban("assign", "T29", "--lead", "x", "--support", "y").exit_code != 0
    unresolved = duban("units", "--unresolved", "--format", "json")
    assert "反垄断处" in {row["unit"] for row in json.loads(unresolved.stdout)}
    assert duban("units", "merge", "反垄断处", "法规处").exit_code == 0
    rows = json.loads(duban("units", "--format", "json").stdout)
    assert "反垄断处" not in {row["unit"] for row in rows}
    assert "反垄断处" in next(row["aliases"] for row in rows if row["unit"] == "法规处")


def test_plans_lists_counts(seeded):
    rows = json.loads(duban("plans", "--format", "json", "--as-of", "2021-12-01").stdout)
    jilin = next(r for r in rows if r["plan"] == "2021-jilin-amr-gongkai-yaodian")
    assert (jilin["tasks"], jilin["done"], jilin["overdue"]) == (17, 0, 1)


@pytest.mark.parametrize(
    "typed", ["2021/12/20", "2021年12月20日", "12月20日", "2021.12.20", "2021-12-20", "２０２１/12/20"]
)
def test_a_date_is_read_as_people_write_it(seeded, typed):
    result = duban("defer", "T29", "--to", typed, "--reason", "等待省局通知")
    assert result.exit_code == 0, result.output
    assert "已延期至 2021-12-20" in result.stdout  # 12月20日: the year of T29's plan


def test_eight_digits_are_refused_as_ambiguous(seeded):
    result = duban("defer", "T29", "--to", "20211220", "--reason", "x")
    assert result.exit_code == 2
    assert "连写的八位数字有歧义，如指该日请写成 2021-12-20" in result.stderr
    assert duban("tasks", "--as-of", "2021年12月1日").exit_code == 0
    assert duban("tasks", "--overdue", "--as-of", "20211201").exit_code == 2


def test_a_mistyped_unit_gets_a_suggestion_and_nothing_is_created(seeded):
    before = duban("units", "--format", "json").stdout
    result = duban("assign", "T29", "--support", "办工室")
    assert result.exit_code != 0
    assert "没有名为 办工室 的单位；您是否要找：办公室？" in result.stderr
    assert duban("units", "--format", "json").stdout == before  # no unit 办工室 made up
    listed = duban("tasks", "--unit", "办工室")
    assert listed.exit_code != 0 and "您是否要找：办公室" in listed.stderr


def test_an_unknown_as_is_refused(seeded):
    result = duban("update", "T29", "--progress", "10", "--as", "办工室")
    assert result.exit_code == 2
    assert "未知的 --as 办工室" in result.stderr and "您是否要找：办公室" in result.stderr
    assert "10%" not in duban("show", "T29").stdout
    assert duban("update", "T29", "--progress", "10", "--as", "办公室").exit_code == 0
