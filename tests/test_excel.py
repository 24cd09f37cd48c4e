"""The 台账 round trip through Excel: export, units fill in, import back — on SQLite and PostgreSQL.

The ledger fixtures (`ledger_url`, `cli_env`) come from conftest.py: every test runs on a real
SQLite file and on a schema of its own on the PostgreSQL server.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine, func
from sqlmodel import select
from typer.testing import CliRunner, Result

from cli.main import app
from models.files.backup import atomic_path
from models.files.excel import COLUMNS, HEADERS, STATUS_LABELS, BadSheet, read_workbook
from models.storage.db import read_session, write_session
from models.storage.tables import Journal, Task
from models.writes.ledger import get_task, update_task

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2021-06-01"
runner = CliRunner()


def duban(*args: str) -> Result:
    return runner.invoke(app, list(args))


def export(path: Path, *extra: str) -> Path:
    result = duban("export", "--xlsx", str(path), "--as-of", AS_OF, *extra)
    assert result.exit_code == 0, result.output
    return path


def journal_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(Journal)).one()


def task(engine: Engine, code: str) -> Task:
    with read_session(engine) as session:
        return get_task(session, code)


def fill(path: Path, code: str, **cells: Any) -> int:
    """Write cells (by header) into the row of a task, as a unit would in Excel; returns its row."""
    workbook = load_workbook(path)
    sheet = workbook["台账"]
    number = next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == code)
    for header, value in cells.items():
        sheet.cell(row=number, column=HEADERS.index(header) + 1, value=value)
    workbook.save(path)
    return number


def row_number(path: Path, number: int, header: str, value: Any) -> str:
    """Write one cell by sheet row number; returns the task code of that row."""
    workbook = load_workbook(path)
    sheet = workbook["台账"]
    sheet.cell(row=number, column=HEADERS.index(header) + 1, value=value)
    workbook.save(path)
    return str(sheet.cell(row=number, column=1).value)


# --- Export ------------------------------------------------------------------------------------


def test_export_writes_the_ledger_sheet_units_fill_in(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "台账.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames[:2] == ["台账", "说明"]
    assert [s.title for s in workbook.worksheets if s.sheet_state == "visible"] == ["台账", "说明"]
    sheet = workbook["台账"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "B2"
    with read_session(ledger) as session:
        tasks = {t.code: t for t in session.exec(select(Task).where(Task.withdrawn == False))}  # noqa: E712
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(tasks) == 56
    for values in rows:
        record = dict(zip(HEADERS, values, strict=True))
        ledger_task = tasks[record["任务编号"]]
        assert record["版本"] == ledger_task.version
        assert record["状态"] == STATUS_LABELS[ledger_task.status] == "未开始"
        assert record["进度(%)"] == ledger_task.progress
        assert (record["完成时限"] or "") == ledger_task.deadline_text  # an empty cell reads back as None
    # The unit's columns look different from the office's, and are validated in Excel itself.
    fills = {c.header: sheet.cell(row=2, column=i + 1).fill.fgColor.rgb for i, c in enumerate(COLUMNS)}
    assert {h for h, rgb in fills.items() if rgb == "00FFF2CC"} == {"状态", "进度(%)", "进展情况", "佐证材料"}
    kinds = {v.type: v for v in sheet.data_validations.dataValidation}
    assert kinds["list"].formula1 == '"未开始,推进中,已完成,已延期,已取消"'
    assert (kinds["whole"].formula1, kinds["whole"].formula2) == ("0", "100")
    help_text = "\n".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    assert "只填写黄色底色的四列" in help_text and AS_OF in help_text


def test_rows_are_coloured_by_the_day_the_workbook_is_opened(ledger: Engine, tmp_path: Path) -> None:
    sheet = load_workbook(export(tmp_path / "台账.xlsx"))["台账"]
    due, status = (get_column_letter(HEADERS.index(h) + 1) for h in ("到期日", "状态"))
    last = get_column_letter(len(HEADERS))
    rules = {
        rule.dxf.fill.fgColor.rgb[-6:]: (str(ranges.sqref), rule.formula[0])
        for ranges in sheet.conditional_formatting
        for rule in ranges.rules
    }
    # Whole rows, by TODAY() against the due date, and only while the 状态 cell says it is open.
    assert {where for where, _ in rules.values()} == {f"A2:{last}{sheet.max_row}"}
    red, yellow, green, grey = (rules[c][1] for c in ("FFC7CE", "FFEB9C", "C6EFCE", "EDEDED"))
    assert f"${due}2<TODAY()" in red and f'${status}2<>"已完成"' in red
    assert f"${due}2-TODAY()<=14" in yellow and f"${due}2-TODAY()>14" in green  # due_soon_days
    assert f"NOT(ISNUMBER(${due}2))" in grey
    overdue = sheet.cell(row=5, column=HEADERS.index("逾期天数") + 1).value
    light = sheet.cell(row=5, column=HEADERS.index("灯") + 1).value
    assert overdue.startswith("=IF(") and f"TODAY()-${due}5" in overdue
    assert light.startswith("=IF(") and '"红"' in light and '"办结"' in light


def test_office_columns_are_locked_and_the_sheet_prints_on_a4_landscape(
    ledger: Engine, tmp_path: Path
) -> None:
    sheet = load_workbook(export(tmp_path / "台账.xlsx"))["台账"]
    assert sheet.protection.sheet and not sheet.protection.autoFilter  # protected; filtering allowed
    unlocked = {
        c.header for i, c in enumerate(COLUMNS) if not sheet.cell(row=2, column=i + 1).protection.locked
    }
    assert unlocked == {"状态", "进度(%)", "进展情况", "佐证材料"}
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    assert sum(c.width for c in COLUMNS) <= 200  # fitted to A4 landscape: printed at about 70 %


def test_export_names_its_file_xlsx(ledger: Engine, tmp_path: Path) -> None:
    result = duban("export", "--xlsx", str(tmp_path / "t.xls"))
    assert result.exit_code == 2 and "文件名请以 .xlsx 结尾" in result.stderr
    assert not (tmp_path / "t.xls").exists()


def test_export_filters_like_duban_tasks(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "one.xlsx", "--plan", "2021-jilin-amr-gongkai-yaodian", "--status", "未开始")
    sheet = load_workbook(path)["台账"]
    plans = {row[HEADERS.index("计划")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert plans == {"2021年政务公开工作要点"}  # the short name, derived from the title
    assert sheet.max_row - 1 == 17
    paths = [row[HEADERS.index("序号路径")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert paths[:2] == ["一、1", "一、2"]  # document order, not due-date order


def test_export_takes_the_ledger_pages_due_within_filter_and_sort(ledger: Engine, tmp_path: Path) -> None:
    """`export --xlsx` lists exactly the tasks `duban tasks` lists for the same filters, in the
    same order when a sort is given."""
    filters = ("--due-within", "400", "--sort", "due", "--as-of", "2021-01-01")
    listed = duban("tasks", *filters, "-f", "csv")
    assert listed.exit_code == 0, listed.output
    expected = [line.split(",")[0] for line in listed.stdout.splitlines()[1:]]
    path = tmp_path / "soon.xlsx"
    result = duban("export", "--xlsx", str(path), *filters)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path)["台账"]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == expected and len(codes) > 1
    due = [row[HEADERS.index("到期日")].date() for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert due == sorted(due) and dt.date(2021, 1, 1) <= due[0] and due[-1] <= dt.date(2022, 2, 5)
    helptext = [row[1] for row in load_workbook(path)["说明"].iter_rows(values_only=True)]
    assert "400 天内到期" in helptext
    bad = duban("export", "--xlsx", str(tmp_path / "bad.xlsx"), "--sort", "size")
    assert bad.exit_code == 2 and "未知的排序方式" in bad.stderr


def test_text_that_looks_like_a_formula_stays_text(ledger: Engine, tmp_path: Path) -> None:
    with write_session(ledger) as session:
        update_task(session, "T3", actor="office", note='=HYPERLINK("http://x")')
    path = export(tmp_path / "t.xlsx")
    sheet = load_workbook(path)["台账"]
    cell = next(row[HEADERS.index("进展情况")] for row in sheet.iter_rows(min_row=2) if row[0].value == "T3")
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x")')
    assert "已写入" in duban("import", "--xlsx", str(path)).output
    assert task(ledger, "T3").version == 2


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"half a")
        raise RuntimeError("crash half-way")
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["out.xlsx"]


# --- Import ------------------------------------------------------------------------------------


def test_export_then_import_unchanged_applies_nothing(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    before = journal_count(ledger)
    result = duban("import", "--xlsx", str(path), "--as", "办公室")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == ["0", "56", "0"]
    assert journal_count(ledger) == before


def test_unit_fills_progress_and_it_is_applied_with_journal_rows(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    fill(
        path,
        "T20",
        **{"进度(%)": 40, "状态": "推进中", "进展情况": "已召开部署会", "佐证材料": "会议纪要.pdf"},
    )
    fill(path, "T23", 状态="已完成")  # T20 and T23 are tasks of 办公室
    before = journal_count(ledger)
    result = duban("import", "--xlsx", str(path), "--as", "办公室")
    # A unit does not set 已完成 (it submits 办结 for the office to sign off): that row is refused.
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[2].split() == ["1", "54", "0", "1"]
    assert "已写入：T20" in result.stdout and "请提交办结申请" in result.stdout
    assert task(ledger, "T23").status == "not_started"
    office_sheet = export(tmp_path / "office.xlsx")
    fill(office_sheet, "T23", 状态="已完成")
    assert duban("import", "--xlsx", str(office_sheet), "--as", "office").exit_code == 0
    t20 = task(ledger, "T20")
    assert (t20.status, t20.progress, t20.progress_note, t20.version) == (
        "in_progress",
        40,
        "已召开部署会",
        2,
    )
    t23 = task(ledger, "T23")
    assert (t23.status, t23.progress) == ("done", 100)  # done with progress left alone counts as 100
    with read_session(ledger) as session:
        rows = session.exec(
            select(Journal).where(Journal.task_id == t20.id, Journal.action == "update")
        ).all()
    assert {(j.field, j.old, j.new) for j in rows} == {
        ("status", "not_started", "in_progress"),
        ("progress", "0", "40"),
    }
    assert {(j.actor, j.note, j.evidence) for j in rows} == {("办公室", "已召开部署会", "会议纪要.pdf")}
    assert journal_count(ledger) == before + 4
    # The next export shows what was applied, and importing it again changes nothing.
    again = export(tmp_path / "again.xlsx")
    assert duban("import", "--xlsx", str(again)).stdout.splitlines()[2].split() == ["0", "56", "0"]
    row = next(
        r for r in load_workbook(again)["台账"].iter_rows(min_row=2, values_only=True) if r[0] == "T20"
    )
    assert row[HEADERS.index("佐证材料")] == "会议纪要.pdf" and row[HEADERS.index("版本")] == 2


def test_evidence_alone_is_a_change(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    fill(path, "T20", 佐证材料="https://example.gov.cn/notice/1")
    assert duban("import", "--xlsx", str(path), "--as", "办公室").stdout.splitlines()[2].split() == [
        "1",
        "55",
        "0",
    ]
    with read_session(ledger) as session:
        last = session.exec(select(Journal).order_by(Journal.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and (last.actor, last.field, last.evidence) == (
        "办公室",
        "",
        "https://example.gov.cn/notice/1",
    )


def test_blank_cells_change_nothing(ledger: Engine, tmp_path: Path) -> None:
    with write_session(ledger) as session:
        update_task(session, "T20", actor="office", progress=30, note="旧进展")
    path = export(tmp_path / "t.xlsx")
    fill(path, "T20", **{"状态": None, "进度(%)": None, "进展情况": "  ", "佐证材料": None})
    assert duban("import", "--xlsx", str(path)).stdout.splitlines()[2].split() == ["0", "56", "0"]
    assert (task(ledger, "T20").progress, task(ledger, "T20").progress_note) == (30, "旧进展")


def test_office_change_after_export_is_a_conflict_and_the_ledger_keeps_it(
    ledger: Engine, tmp_path: Path
) -> None:
    path = export(tmp_path / "t.xlsx")
    fill(path, "T20", **{"进度(%)": 40, "进展情况": "已起草方案"})
    row = fill(path, "T24", **{"进度(%)": 10})
    assert duban("update", "T20", "--progress", "60", "--note", "公开办核定").exit_code == 0
    before = journal_count(ledger)
    result = duban("import", "--xlsx", str(path), "--as", "办公室")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == ["1", "54", "1"]
    assert "T20（表格第" in result.stdout and "表格版本 1，台账版本 2" in result.stdout
    # Nothing is lost: the sheet's values are listed so they can be re-entered.
    assert "表格：状态 未开始 | 进度 40% | 进展情况 已起草方案" in result.stdout
    assert "台账：状态 未开始 | 进度 60% | 进展情况 公开办核定" in result.stdout
    t20 = task(ledger, "T20")
    assert (t20.progress, t20.progress_note, t20.version) == (60, "公开办核定", 2)
    assert task(ledger, "T24").progress == 10 and row > 1
    assert journal_count(ledger) == before + 1


def test_a_row_the_unit_left_alone_is_no_conflict_when_the_office_changed_it(
    ledger: Engine, tmp_path: Path
) -> None:
    path = export(tmp_path / "t.xlsx")
    assert duban("update", "T20", "--progress", "60").exit_code == 0
    result = duban("import", "--xlsx", str(path))
    assert result.stdout.splitlines()[2].split() == ["0", "56", "0"]
    assert task(ledger, "T20").progress == 60


def test_without_the_exported_values_a_stale_differing_row_is_a_conflict(
    ledger: Engine, tmp_path: Path
) -> None:
    path = export(tmp_path / "t.xlsx")
    workbook = load_workbook(path)
    del workbook["原值"]  # rows pasted into a workbook of the unit's own
    workbook.save(path)
    assert duban("update", "T20", "--progress", "60").exit_code == 0
    result = duban("import", "--xlsx", str(path))
    assert result.stdout.splitlines()[2].split() == ["0", "55", "1"]
    assert task(ledger, "T20").progress == 60


def test_a_bad_status_in_row_5_names_the_row_and_applies_nothing(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    fill(path, "T20", **{"进度(%)": 40})  # a good row: it must not be applied either
    code = row_number(path, 5, "状态", "完成了")
    before = journal_count(ledger)
    result = duban("import", "--xlsx", str(path), "--as", "办公室")
    assert result.exit_code == 2
    assert f"{path}: 工作表 台账：第 5 行, 状态：'完成了' 不是状态" in result.stderr
    assert "未导入任何内容" in result.stderr
    assert journal_count(ledger) == before
    assert task(ledger, "T20").progress == 0 and task(ledger, code).version == 1


@pytest.mark.parametrize("value", [150, -1, "abc", 12.5, "三十"])
def test_progress_must_be_a_whole_number_from_0_to_100(ledger: Engine, tmp_path: Path, value: Any) -> None:
    path = export(tmp_path / "t.xlsx")
    row = fill(path, "T20", **{"进度(%)": value})
    with pytest.raises(BadSheet) as caught:
        read_workbook(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(row, "进度(%)")]


def test_progress_written_as_text_with_a_percent_sign_is_read(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    fill(path, "T20", **{"进度(%)": "45%"})
    assert duban("import", "--xlsx", str(path)).stdout.splitlines()[2].split() == ["1", "55", "0"]
    assert task(ledger, "T20").progress == 45


def test_every_bad_cell_is_listed_at_once(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    row_number(path, 3, "状态", "办完了")
    row_number(path, 7, "进度(%)", 101)
    result = duban("import", "--xlsx", str(path))
    assert result.exit_code == 2
    assert "2 个单元格有误，未导入任何内容" in result.stderr
    assert "第 3 行, 状态" in result.stderr and "第 7 行, 进度(%)" in result.stderr


def test_three_bad_cells_are_all_reported_with_an_unknown_task_code(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    row_number(path, 3, "状态", "办完了")
    row_number(path, 7, "进度(%)", 101)
    row_number(path, 9, "任务编号", "T9999")
    before = journal_count(ledger)
    result = duban("import", "--xlsx", str(path))
    assert result.exit_code == 2
    assert "3 个单元格有误，未导入任何内容" in result.stderr
    lines = [line.strip() for line in result.stderr.splitlines()[1:]]
    assert [line.split("：")[0] for line in lines] == [
        "第 3 行, 状态",
        "第 7 行, 进度(%)",
        "第 9 行, 任务编号",
    ]
    assert journal_count(ledger) == before


def test_an_unknown_task_code_fails_the_sheet(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    fill(path, "T20", **{"进度(%)": 40})
    row_number(path, 4, "任务编号", "T9999")
    before = journal_count(ledger)
    result = duban("import", "--xlsx", str(path))
    assert result.exit_code == 2
    assert "第 4 行, 任务编号：台账中没有任务 T9999" in result.stderr
    assert journal_count(ledger) == before and task(ledger, "T20").progress == 0


def test_a_missing_header_is_named(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    workbook = load_workbook(path)
    workbook["台账"].cell(row=1, column=HEADERS.index("版本") + 1, value="备注")
    workbook.save(path)
    result = duban("import", "--xlsx", str(path))
    assert result.exit_code == 2
    assert "第 1 行：缺少列 版本" in result.stderr


def test_a_task_listed_twice_fails_the_sheet(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    row_number(path, 6, "任务编号", row_number(path, 2, "进展情况", None))
    with pytest.raises(BadSheet) as caught:
        read_workbook(path)
    assert (
        caught.value.problems[0].row == 6 and "重复出现（首次在第 2 行）" in caught.value.problems[0].problem
    )


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        "任务编号,版本,状态\nT1,1,推进中\n".encode(),  # a text file renamed to .xlsx
        b"PK\x03\x04" + os.urandom(200),  # a zip header and then garbage
    ],
    ids=["random-bytes", "renamed-text", "broken-zip"],
)
def test_a_corrupted_file_is_one_clear_error_and_the_ledger_is_unchanged(
    ledger: Engine, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(content)
    before = journal_count(ledger)
    result = duban("import", "--xlsx", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"错误：{path}: 不是可读取的 .xlsx 工作簿")
    assert journal_count(ledger) == before


def test_a_zip_that_is_not_a_workbook_and_a_missing_sheet_are_clear_errors(
    ledger: Engine, tmp_path: Path
) -> None:
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "不是可读取的 .xlsx 工作簿" in duban("import", "--xlsx", str(other)).stderr
    path = export(tmp_path / "t.xlsx")
    workbook = load_workbook(path)
    workbook["台账"].title = "Sheet1"
    workbook.save(path)
    assert "没有名为 台账 的工作表" in duban("import", "--xlsx", str(path)).stderr
    assert "文件不存在" in duban("import", "--xlsx", str(tmp_path / "none.xlsx")).stderr


def test_import_takes_plan_files_or_a_workbook(ledger: Engine, tmp_path: Path) -> None:
    path = export(tmp_path / "t.xlsx")
    plan = str(ROOT / "plans" / "2021-jilin-amr-gongkai-yaodian.plan.toml")
    assert duban("import", plan, "--xlsx", str(path)).exit_code == 2
    assert duban("import").exit_code == 2
    assert duban("import", plan).exit_code == 0
