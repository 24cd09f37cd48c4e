"""The 台账 as an Excel workbook: exported for the units to fill in, read back into the ledger.

The office exports a sheet, units fill in four columns (状态, 进度, 进展情况, 佐证材料) and send it
back. Reading it back is all or nothing: every row is checked before anything is written, and the
changes go through models.writes.ledger.update_task in the caller's one write transaction, each row under
the version it was exported at. A row whose task the office changed since then is a conflict: it is
reported with the sheet's values and left for the office to re-enter, never applied over the newer
state.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.errors import BadInput
from models.files.archive_limits import ArchiveLimits, check_archive
from models.files.files import atomic_path
from models.reads.names import path_label
from models.reads.task_query import ExportRow, TaskFilter, TaskQuery, latest_evidence
from models.rules import bounds
from models.rules.lights import Light
from models.storage.db import read_session
from models.storage.tables import Task, TaskStatus
from models.vocabulary import STATUSES, _, status_from_word
from models.writes.ledger import update_task

SHEET = "台账"
HELP_SHEET = "说明"
# The unit columns as exported, in a sheet Excel and WPS keep but do not show: it tells a row the
# unit changed from one it left alone, so a task the office changed meanwhile is a conflict only
# where the unit wrote something too (and the office is never asked to re-enter stale values).
ORIGINALS_SHEET = "原值"
ORIGINALS_HEADERS = ("任务编号", "版本", "状态", "进度", "进展情况", "佐证材料")

STATUS_LABELS = STATUSES  # the words of models.vocabulary: the sheet's drop-down and its reading
LIGHT_FILLS: dict[Light, str] = {
    Light.RED: "F8CBAD",
    Light.YELLOW: "FFE699",
    Light.GREEN: "C6EFCE",
    Light.GREY: "D9D9D9",
    Light.DONE: "FFFFFF",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    unit_fills: bool = False  # one of the columns the units fill in
    wrap: bool = False


# About 200 characters wide: fitted to the width of A4 landscape it prints at about 70 %.
COLUMNS = (
    Column("任务编号", 8),
    Column("版本", 5),
    Column("计划", 14, wrap=True),
    Column("序号路径", 9, wrap=True),
    Column("任务", 36, wrap=True),
    Column("牵头单位", 14, wrap=True),
    Column("配合单位", 14, wrap=True),
    Column("完成时限", 12, wrap=True),
    Column("到期日", 11),
    Column("逾期天数", 8),
    Column("状态", 8, unit_fills=True),
    Column("进度(%)", 7, unit_fills=True),
    Column("进展情况", 30, unit_fills=True, wrap=True),
    Column("佐证材料", 18, unit_fills=True, wrap=True),
    Column("灯", 5),
)
HEADERS = [c.header for c in COLUMNS]
# The columns import needs; the office's columns may be missing or edited, they are never read.
REQUIRED = ("任务编号", "版本", "状态", "进度(%)", "进展情况", "佐证材料")

UNIT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: "write here"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
VERSION_FONT = Font(color="A6A6A6", size=9)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


# --- Export ------------------------------------------------------------------------------------


def build_workbook(
    rows: list[ExportRow], *, as_of: dt.date, due_soon_days: int, filters: str = ""
) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    _write_ledger_sheet(sheet, rows, due_soon_days=due_soon_days)
    workbook.calculation.fullCalcOnLoad = True  # TODAY() as of the opening, also where caches are kept
    _write_help_sheet(
        workbook.create_sheet(HELP_SHEET),
        count=len(rows),
        as_of=as_of,
        due_soon_days=due_soon_days,
        filters=filters,
    )
    _write_originals(workbook.create_sheet(ORIGINALS_SHEET), rows)
    return workbook


def _write_originals(sheet: Worksheet, rows: list[ExportRow]) -> None:
    sheet.sheet_state = "veryHidden"
    sheet.append(ORIGINALS_HEADERS)
    for row in rows:
        values = [
            row.task.code,
            row.task.version,
            row.task.status,
            row.task.progress,
            _safe(row.note),
            _safe(row.evidence),
        ]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _write_ledger_sheet(sheet: Worksheet, rows: list[ExportRow], *, due_soon_days: int) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = UNIT_FILL if column.unit_fills else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    formulas = _row_formulas(due_soon_days)
    for number, row in enumerate(rows, start=2):
        for index, value in enumerate(_values(row), start=1):
            column = COLUMNS[index - 1]
            cell = sheet.cell(row=number, column=index, value=_safe(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
            cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
            cell.border = BORDER
            if column.unit_fills:
                cell.fill = UNIT_FILL
                cell.protection = UNLOCKED
        sheet.row_dimensions[number].height = _row_height(_values(row))
        sheet.cell(row=number, column=HEADERS.index("版本") + 1).font = VERSION_FONT
        sheet.cell(row=number, column=HEADERS.index("到期日") + 1).number_format = "yyyy-mm-dd"
        # 逾期天数 and 灯 are formulas on TODAY(): the sheet tells the day it is opened, not the
        # day it was exported, and follows the status the unit picks.
        for header, formula in formulas.items():
            cell = sheet.cell(row=number, column=HEADERS.index(header) + 1, value=formula.format(row=number))
            cell.alignment = Alignment(horizontal="center", vertical="top")
    sheet.cell(row=1, column=HEADERS.index("版本") + 1).font = Font(bold=True, color="808080")
    last = max(len(rows) + 1, 2)
    _validations(sheet, last)
    _row_colours(sheet, last, due_soon_days)
    sheet.freeze_panes = "B2"  # the header row and the task code stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    _protect(sheet)
    _print_setup(sheet)


LINE_POINTS = 14.5  # a line of 11 pt text, Chinese included


def _row_height(values: list[Any]) -> float:
    """Enough lines for the longest wrapped cell. Excel fits rows on opening, LibreOffice and the
    printout use the height stored: without it every row is one line and the text is cut off."""
    lines = 1
    for column, value in zip(COLUMNS, values, strict=True):
        if column.wrap and isinstance(value, str) and value:
            # A column's width counts digits; a Chinese character takes two.
            per_line = max(1.0, column.width - 1)
            text_lines = sum(max(1, math.ceil(_width(part) / per_line)) for part in value.split("\n"))
            lines = max(lines, text_lines)
    return min(lines, 15) * LINE_POINTS


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


UNLOCKED = Protection(locked=False)
# Whole-row colours, by formulas Excel, WPS and LibreOffice evaluate when the workbook is opened.
ROW_COLOURS = (
    ("red", "FFC7CE"),  # overdue
    ("yellow", "FFEB9C"),  # due within ledger.due_soon_days
    ("green", "C6EFCE"),  # due later
    ("grey", "EDEDED"),  # no date: ongoing, recurring without a date, none
)


def _letters() -> tuple[str, str]:
    return get_column_letter(HEADERS.index("到期日") + 1), get_column_letter(HEADERS.index("状态") + 1)


def _open_condition(row: int | str) -> str:
    """Not done nor cancelled, as the 状态 cell says now (the unit may have changed it)."""
    status = _letters()[1]
    done, cancelled = STATUS_LABELS[TaskStatus.DONE.value], STATUS_LABELS[TaskStatus.CANCELLED.value]
    return f'${status}{row}<>"{done}",${status}{row}<>"{cancelled}"'


def _row_formulas(due_soon_days: int) -> dict[str, str]:
    due = _letters()[0]
    is_open = _open_condition("{row}")
    return {
        "逾期天数": f'=IF(AND(ISNUMBER(${due}{{row}}),{is_open},${due}{{row}}<TODAY()),TODAY()-${due}{{row}},"")',
        "灯": (
            f'=IF(NOT(AND({is_open})),"办结",IF(NOT(ISNUMBER(${due}{{row}})),"灰",'
            f'IF(${due}{{row}}<TODAY(),"红",IF(${due}{{row}}-TODAY()<={due_soon_days},"黄","绿"))))'
        ),
    }


def _row_colours(sheet: Worksheet, last: int, due_soon_days: int) -> None:
    due, _status = _letters()
    is_open = _open_condition(2)
    conditions = {
        "red": f"AND({is_open},ISNUMBER(${due}2),${due}2<TODAY())",
        "yellow": f"AND({is_open},ISNUMBER(${due}2),${due}2>=TODAY(),${due}2-TODAY()<={due_soon_days})",
        "green": f"AND({is_open},ISNUMBER(${due}2),${due}2-TODAY()>{due_soon_days})",
        "grey": f"AND({is_open},NOT(ISNUMBER(${due}2)))",
    }
    cells = f"A2:{get_column_letter(len(COLUMNS))}{last}"
    for name, colour in ROW_COLOURS:
        fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
        sheet.conditional_formatting.add(
            cells, FormulaRule(formula=[conditions[name]], fill=fill, stopIfTrue=True)
        )


def _protect(sheet: Worksheet) -> None:
    """The office's columns locked (an edit there was silently ignored on import; now Excel says
    so at once), the unit's four open; filtering, sorting and resizing stay allowed. No password:
    it guards against slips, and the office can lift it from the 审阅 menu."""
    protection = sheet.protection
    protection.sheet = True
    # In the file format True means "forbidden": these are allowed.
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = False


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, the columns fitted to the page width, the header row on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _values(row: ExportRow) -> list[Any]:
    task = row.task
    return [
        task.code,
        task.version,
        row.plan_title,
        path_label(task.path),
        task.title,
        "、".join(task.lead),
        "、".join(task.support),
        task.deadline_text,
        task.due_date,
        None,  # 逾期天数: a formula, written with the sheet
        STATUS_LABELS.get(task.status, task.status),
        task.progress,
        row.note,
        row.evidence,
        None,  # the light: a formula, written with the sheet
    ]


def _safe(value: Any) -> Any:
    # Control characters (left over from mojibake in source documents) are not allowed in xlsx.
    # Also U+FFFE and U+FFFF, which openpyxl lets through and no XML parser accepts (models.rules.bounds).
    return bounds.printable(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value


def _validations(sheet: Worksheet, last: int) -> None:
    status_column = get_column_letter(HEADERS.index("状态") + 1)
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态",
        error="请从下拉列表中选择：" + "、".join(STATUS_LABELS.values()),
    )
    status.add(f"{status_column}2:{status_column}{last}")
    progress_column = get_column_letter(HEADERS.index("进度(%)") + 1)
    progress = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="进度(%)",
        error="请填写0到100之间的整数。",
    )
    progress.add(f"{progress_column}2:{progress_column}{last}")
    sheet.add_data_validation(status)
    sheet.add_data_validation(progress)


def _write_help_sheet(
    sheet: Worksheet, *, count: int, as_of: dt.date, due_soon_days: int, filters: str
) -> None:
    statuses = "、".join(STATUS_LABELS.values())
    lines = [
        ("台账填报说明", ""),
        ("", ""),
        ("截至日期", f"{as_of.isoformat()}（据此判断是否逾期）"),
        ("任务数", str(count)),
        ("筛选条件", filters or "全部任务"),
        ("", ""),
        (
            "填写哪些列",
            "只填写黄色底色的四列：状态、进度(%)、进展情况、佐证材料。其余各列由政务公开办维护，已锁定（工作表保护，不设密码），不能修改。",
        ),
        ("状态", f"从下拉列表中选择：{statuses}。选“已完成”而进度未改时，进度按100%记。"),
        ("进度(%)", "填写0到100之间的整数，例如 60，不要带百分号。"),
        (
            "进展情况",
            "写明本期做了哪些工作、取得了什么结果；未完成的写明原因和下一步安排。留空表示没有新进展，原有内容不会被清除。",
        ),
        ("佐证材料", "填写文件名称、文号或网页链接，多项用顿号分隔。留空表示没有新材料。"),
        (
            "版本",
            "灰色的“版本”列供系统核对使用，请勿修改或删除。若在您填报期间政务公开办修改了某项任务，该行导入时将列为“冲突”，不予导入，您填写的内容会原样列出，由政务公开办核对后重新录入。",
        ),
        (
            "灯",
            f"按打开表格当天的日期自动计算，整行底色与之相同。红：已逾期；黄：{due_soon_days}天内到期；绿：未到期；"
            "灰：长期、定期或无具体日期；办结：状态为已完成或已取消（底色不变）。",
        ),
        ("逾期天数", "按打开表格当天的日期自动计算；状态改为已完成后不再计算。"),
        ("注意事项", "请勿增删列、修改表头或任务编号；可以用表头的筛选按钮只显示本单位的任务。"),
        (
            "",
            "任一单元格填写有误（如状态不在列表中、进度超出0到100），整张表都不会导入，政务公开办会告知具体行号，改正后重新报送即可。",
        ),
        ("报送", "填好后保存为 .xlsx 格式（不要另存为 .xls 或其他格式），交回政务公开办。"),
    ]
    for number, (label, text) in enumerate(lines, start=1):
        sheet.cell(row=number, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=number, column=2, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90


def export_workbook(
    session: Session,
    target: Path,
    filters: TaskFilter,
    *,
    as_of: dt.date,
    due_soon_days: int,
    sort: str = "plan",
) -> int:
    """Write the 台账 workbook to `target` (whole or not at all); returns the number of tasks."""
    if Path(target).suffix.lower() != ".xlsx":
        # Excel refuses, or warns about, an .xlsx workbook under another name.
        raise BadInput(
            _("the workbook is written in .xlsx format: name the file *.xlsx"),
            source=target,
            code="xlsx.suffix",
        )
    rows, described = _export(session, filters, as_of=as_of, due_soon_days=due_soon_days, sort=sort)
    workbook = build_workbook(rows, as_of=as_of, due_soon_days=due_soon_days, filters=described)
    with atomic_path(target) as temporary:
        workbook.save(temporary)
    return len(rows)


def filtered_workbook(
    session: Session, filters: TaskFilter, *, as_of: dt.date, due_soon_days: int, sort: str = "plan"
) -> Workbook:
    """The 台账 workbook of a filtered view, in `sort` order: the ledger page's order when it asks
    (the rows as the user sees them), else each plan's own order, as a 台账 is read."""
    rows, described = _export(session, filters, as_of=as_of, due_soon_days=due_soon_days, sort=sort)
    return build_workbook(rows, as_of=as_of, due_soon_days=due_soon_days, filters=described)


def _export(
    session: Session, filters: TaskFilter, *, as_of: dt.date, due_soon_days: int, sort: str
) -> tuple[list[ExportRow], str]:
    """The rows to export and the filters described; a status may be given by its Chinese label."""
    if filters.status:
        filters = replace(filters, status=status_value(filters.status))
    query = TaskQuery(session, filters, as_of=as_of, due_soon_days=due_soon_days, sort=sort)
    return query.export_rows(), describe_filters(filters, as_of)


def describe_filters(filters: TaskFilter, as_of: dt.date) -> str:
    """The filters in Chinese, for the workbook's help sheet and the ledger page's heading."""
    parts = [
        f"计划 {filters.plan}" if filters.plan else "",
        f"单位 {filters.unit}" if filters.unit else "",
        f"状态 {STATUS_LABELS.get(filters.status, filters.status)}" if filters.status else "",
        f"截至 {as_of.isoformat()} 已逾期" if filters.overdue else "",
        f"{filters.due_within} 天内到期" if filters.due_within is not None else "",
    ]
    return "；".join(part for part in parts if part)


def status_value(text: str) -> str:
    """A status given as its word (as in the sheet, in either language) or as its value (the CLI)."""
    value = status_from_word(text)
    if value is not None:
        return value
    raise BadInput(code="task.status.unknown", field="status", value=text, choices=list(STATUS_LABELS))


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Values:
    """What the units fill in; None where a cell is blank (blank means "no change")."""

    status: str | None = None
    progress: int | None = None
    note: str | None = None
    evidence: str | None = None

    def describe(self) -> str:
        status = STATUS_LABELS.get(self.status, self.status) if self.status else "-"
        progress = "-" if self.progress is None else f"{self.progress}%"
        return (
            f"状态 {status} | 进度 {progress} | 进展情况 {self.note or '-'} | 佐证材料 {self.evidence or '-'}"
        )


@dataclass(frozen=True)
class SheetRow:
    row: int  # the row number Excel shows
    code: str
    version: int
    values: Values
    original: Values | None = None  # as exported, when the workbook still carries it


@dataclass(frozen=True)
class CellProblem:
    row: int | None
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = [_("row {row}").format(row=self.row)] if self.row is not None else []
        if self.column:
            where.append(self.column)
        return (
            _("{where}: {problem}").format(where=", ".join(where), problem=self.problem)
            if where
            else self.problem
        )


class BadSheet(BadInput):
    """One or more bad cells: names the file and every row and column at fault; nothing applied."""

    SHOWN = 20

    def __init__(self, problems: list[CellProblem], *, source: Path) -> None:
        self.problems = problems
        shown = [str(p) for p in problems[: self.SHOWN]]
        if len(problems) > self.SHOWN:
            shown.append(_("… and {count} more").format(count=len(problems) - self.SHOWN))
        if len(problems) == 1:
            text = _("sheet {sheet}: {problem}; nothing was imported").format(sheet=SHEET, problem=shown[0])
        else:
            text = _("sheet {sheet}: {count} bad cells, nothing was imported:").format(
                sheet=SHEET, count=len(problems)
            ) + "".join("\n  " + line for line in shown)
        # The code says what failed; the cells (row, column, problem) are in `problems`.
        super().__init__(
            text, source=source, code="xlsx.bad_cells", field=tuple(p.column or "" for p in problems)
        )


@dataclass(frozen=True)
class Applied:
    code: str
    row: int
    changes: dict[str, tuple[str, str]]  # field -> (ledger before, sheet)


@dataclass(frozen=True)
class SheetConflict:
    code: str
    row: int
    sheet_version: int
    ledger_version: int
    sheet: Values
    ledger: Values


@dataclass
class SheetImport:
    source: Path
    applied: list[Applied] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[SheetConflict] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)  # rows the actor may not change


@dataclass(frozen=True)
class Refused:
    code: str
    row: int
    reason: str


def read_workbook(path: Path, *, archive_limits: ArchiveLimits | None = None) -> list[SheetRow]:
    """The rows of a 台账 workbook, every cell checked; raises BadSheet listing every bad cell."""
    scan = scan_workbook(path, archive_limits=archive_limits)
    if scan.problems:
        raise BadSheet(scan.problems, source=path)
    return scan.rows


@dataclass
class Scan:
    """A workbook read through: the good rows, every bad cell, and every task code a row names
    (bad rows too, so an unknown code is reported with the other bad cells, not after them)."""

    rows: list[SheetRow]
    problems: list[CellProblem]
    codes: list[tuple[int, str]]


def scan_workbook(path: Path, *, archive_limits: ArchiveLimits | None = None) -> Scan:
    """Read every row of a 台账 workbook and check every cell; raises only for an unreadable file."""
    check_archive(Path(path), kind="xlsx", name=path, limits=archive_limits)  # before openpyxl parses XML
    workbook = _open(path)
    try:
        if SHEET not in workbook.sheetnames:
            raise BadInput(
                _("no sheet named {sheet}: is this a workbook from `duban export --xlsx`?").format(
                    sheet=SHEET
                ),
                source=path,
                code="xlsx.no_sheet",
            )
        sheet = workbook[SHEET]
        grid = sheet.iter_rows(values_only=True)
        header_row, columns = _find_header(grid, path)
        rows: list[SheetRow] = []
        problems: list[CellProblem] = []
        codes: list[tuple[int, str]] = []
        seen: dict[str, int] = {}
        for number, cells in enumerate(grid, start=header_row + 1):
            cell = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
            if all(_blank(value) for value in cell.values()):
                continue  # an empty row, or a row the unit blanked out
            code = _code(cell["任务编号"])
            if code is not None:
                codes.append((number, code))
            parsed = _read_row(number, cell, problems)
            if parsed is None:
                continue
            if parsed.code in seen:
                problems.append(
                    CellProblem(
                        number,
                        "任务编号",
                        _("{code} appears again (first in row {row})").format(
                            code=parsed.code, row=seen[parsed.code]
                        ),
                    )
                )
                continue
            seen[parsed.code] = number
            rows.append(parsed)
        originals = _read_originals(workbook)
    finally:
        workbook.close()
    rows = [_with_original(row, originals.get((row.code, row.version))) for row in rows]
    return Scan(rows, problems, codes)


def _read_originals(workbook: Workbook) -> dict[tuple[str, int], Values]:
    """The hidden sheet of exported values; anything odd in it just means "not known"."""
    if ORIGINALS_SHEET not in workbook.sheetnames:
        return {}
    found: dict[tuple[str, int], Values] = {}
    for cells in workbook[ORIGINALS_SHEET].iter_rows(min_row=2, values_only=True):
        if len(cells) < len(ORIGINALS_HEADERS):
            continue
        code, version, status, progress, note, evidence = cells[: len(ORIGINALS_HEADERS)]
        version, progress = _integer(version), _integer(progress)
        if not isinstance(code, str) or version is None or status not in STATUS_LABELS:
            continue
        found[(code, version)] = Values(status, progress, _text(note), _text(evidence))  # type: ignore[arg-type]
    return found


def _with_original(row: SheetRow, original: Values | None) -> SheetRow:
    return SheetRow(row.row, row.code, row.version, row.values, original) if original else row


def _open(path: Path) -> Workbook:
    try:
        with open(path, "rb") as stream, warnings.catch_warnings():
            # Excel and WPS add extensions openpyxl does not read (and says so): not the user's concern.
            warnings.simplefilter("ignore", UserWarning)
            # Opened by handle, so a workbook is read for what it is, whatever its file name says.
            return load_workbook(stream, data_only=True)
    except FileNotFoundError:
        raise BadInput(_("no such file"), source=path, code="file.not_found") from None
    except IsADirectoryError:
        raise BadInput(_("is a directory, not a workbook"), source=path, code="file.is_directory") from None
    except Exception as error:  # zipfile, XML and openpyxl errors: all mean "not a readable .xlsx"
        raise BadInput(
            _(
                "not a readable .xlsx workbook ({error}); save it from Excel or WPS as .xlsx and try again"
            ).format(error=error.__class__.__name__),
            source=path,
            code="xlsx.unreadable",
        ) from None


def _header_name(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").replace("％", "%")


def _find_header(grid: Iterable[tuple[Any, ...]], path: Path) -> tuple[int, dict[str, int]]:
    # The header is row 1 as exported; a title row or two added above it is tolerated.
    for number, cells in enumerate(grid, start=1):
        names = [_header_name(value) for value in cells]
        if "任务编号" in names:
            columns = {name: names.index(name) for name in REQUIRED if name in names}
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                raise BadSheet(
                    [
                        CellProblem(
                            number,
                            None,
                            _("missing column {columns}: do not delete or rename the header").format(
                                columns=_(", ").join(missing)
                            ),
                        )
                    ],
                    source=path,
                )
            return number, columns
        if number >= 5:
            break
    raise BadSheet(
        [
            CellProblem(
                None, None, _("no header row with {column} in the first 5 rows").format(column="任务编号")
            )
        ],
        source=path,
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_row(number: int, cell: dict[str, Any], problems: list[CellProblem]) -> SheetRow | None:
    before = len(problems)
    code = _code(cell["任务编号"])
    if code is None:
        problems.append(
            CellProblem(
                number, "任务编号", _("empty, but the row has other values: every row needs its task code")
            )
        )
    version = _integer(cell["版本"])
    if version is None or version < 1:
        problems.append(
            CellProblem(
                number,
                "版本",
                _(
                    "{value} is not a version number: copy rows from the exported sheet, do not edit this column"
                ).format(value=_show(cell["版本"])),
            )
        )
    status = None
    if not _blank(cell["状态"]):
        try:
            status = status_value(str(cell["状态"]))
        except BadInput:
            problems.append(
                CellProblem(
                    number,
                    "状态",
                    _("{value} is not a status: use {words}").format(
                        value=_show(cell["状态"]), words=_(", ").join(STATUS_LABELS.values())
                    ),
                )
            )
    progress = None
    if not _blank(cell["进度(%)"]):
        progress = _percent(cell["进度(%)"])
        if progress is None or not 0 <= progress <= 100:
            problems.append(
                CellProblem(
                    number,
                    "进度(%)",
                    _("{value} is not a whole number from 0 to 100 (write 60 for 60%)").format(
                        value=_show(cell["进度(%)"])
                    ),
                )
            )
    if len(problems) > before or code is None or version is None:
        return None
    values = Values(
        status=status, progress=progress, note=_text(cell["进展情况"]), evidence=_text(cell["佐证材料"])
    )
    return SheetRow(row=number, code=code, version=version, values=values)


def _code(value: Any) -> str | None:
    if _blank(value):
        return None
    text = str(value).strip().upper()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if text.startswith("T") else f"T{text}"


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    return None


def _percent(value: Any) -> int | None:
    if isinstance(value, str):
        text = value.strip().removesuffix("%").removesuffix("％").strip()
        match = re.fullmatch(r"(-?\d+)(?:\.0+)?", text)
        return int(match.group(1)) if match else None
    return _integer(value)


def _text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()  # Excel on Windows may store CRLF in a cell


def _show(value: Any) -> str:
    return _("empty") if _blank(value) else repr(value)


def apply_rows(
    session: Session,
    rows: list[SheetRow],
    *,
    actor: str,
    source: Path,
    allowed: Callable[[Task], bool],
    status_refusal: Callable[[Task, str], str | None] = lambda task, status: None,
) -> SheetImport:
    """Check every row against the ledger, then apply the changed ones; call in one write_session.
    `allowed` is the permission rule of the pages and the API for whoever imports (the use case
    passes it): a row changing a task it refuses is reported and not applied, the others are;
    `status_refusal` likewise says why a row's new status is not the importer's to set.

    Unknown task codes fail the whole sheet (nothing applied). A row the unit changed whose task
    the office changed since the export (its version is stale) is a conflict: listed, not applied.
    """
    report = SheetImport(source=source)
    tasks = _lock_tasks(session, [r.code for r in rows])
    missing = [
        CellProblem(r.row, "任务编号", _("no task {code} in the ledger").format(code=r.code))
        for r in rows
        if r.code not in tasks
    ]
    if missing:
        raise BadSheet(missing, source=source)
    too_long = [
        CellProblem(r.row, column, str(error.problem))
        for r in rows
        for column, text in (("进展情况", r.values.note), ("佐证材料", r.values.evidence))
        if text and (error := _out_of_bounds(text, column)) is not None
    ]
    if too_long:
        raise BadSheet(too_long, source=source)
    evidence = latest_evidence(session, [t.id for t in tasks.values() if t.id is not None])
    planned: list[tuple[SheetRow, dict[str, Any], dict[str, tuple[str, str]]]] = []
    for row in rows:
        task = tasks[row.code]
        ledger = Values(
            task.status,
            task.progress,
            task.progress_note.strip() or None,
            evidence.get(task.id or 0, "").strip() or None,
        )
        changes, shown = _differences(row.values, ledger)
        stale = row.version != task.version
        if not changes:
            report.unchanged += 1
        elif stale and row.original is not None and not _differences(row.values, row.original)[0]:
            report.unchanged += 1  # the office changed it, the unit did not: nothing to apply
        elif not allowed(task):
            # Row by row: a unit's workbook changing another unit's task is refused for that
            # row and reported; the rows it may change are applied.
            reason = _(
                "{actor} has no right to change task {code}: only its lead and supporting units and the office may"
            ).format(actor=actor, code=row.code)
            report.refused.append(Refused(row.code, row.row, reason))
        elif "status" in changes and (refusal := status_refusal(task, changes["status"])) is not None:
            report.refused.append(Refused(row.code, row.row, refusal))
        elif stale:
            report.conflicts.append(
                SheetConflict(row.code, row.row, row.version, task.version, row.values, ledger)
            )
        else:
            planned.append((row, changes, shown))
    for row, changes, shown in planned:  # every row checked: now write
        update_task(session, row.code, actor=actor, expected_version=row.version, **changes)
        report.applied.append(Applied(row.code, row.row, shown))
    return report


def _out_of_bounds(text: str, column: str) -> bounds.OutOfBounds | None:
    try:
        bounds.check_text(text, column, limit=bounds.MAX_NOTE)
    except bounds.OutOfBounds as error:
        return error
    return None


def _lock_tasks(session: Session, codes: list[str]) -> dict[str, Task]:
    # FOR UPDATE (PostgreSQL; SQLite already holds the write lock): nobody changes a task between
    # the version check here and the update, so a checked row never turns into a mid-way conflict.
    found: dict[str, Task] = {}
    for start in range(0, len(codes), 500):
        query = (
            select(Task)
            .where(col(Task.code).in_(codes[start : start + 500]))
            .order_by(col(Task.id))
            .with_for_update()
        )
        found.update({task.code: task for task in session.exec(query)})
    return found


def _differences(sheet: Values, ledger: Values) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """update_task's arguments for what the sheet changes, and the same for the report."""
    changes: dict[str, Any] = {}
    shown: dict[str, tuple[str, str]] = {}
    if sheet.status is not None and sheet.status != ledger.status:
        changes["status"] = sheet.status
        shown["status"] = (ledger.status or "", sheet.status)
    if sheet.progress is not None and sheet.progress != ledger.progress:
        changes["progress"] = sheet.progress
        shown["progress"] = (str(ledger.progress), str(sheet.progress))
    if sheet.note is not None and sheet.note != ledger.note:
        changes["note"] = sheet.note
        shown["note"] = (ledger.note or "", sheet.note)
    if sheet.evidence is not None and sheet.evidence != ledger.evidence:
        changes["evidence"] = sheet.evidence
        shown["evidence"] = (ledger.evidence or "", sheet.evidence)
    return changes, shown


def read_checked_workbook(
    engine: Engine, path: Path, *, archive_limits: ArchiveLimits | None = None
) -> list[SheetRow]:
    """The rows of a filled-in 台账, or BadSheet naming every bad cell at once, the unknown task
    codes with them: one round trip to the unit. Reads outside any write transaction."""
    scan = scan_workbook(path, archive_limits=archive_limits)
    if scan.problems:
        with read_session(engine) as session:
            unknown = unknown_codes(session, scan.codes)
        problems = sorted(
            scan.problems + unknown, key=lambda p: (p.row or 0, HEADERS.index(p.column or "任务编号"))
        )
        raise BadSheet(problems, source=path)
    return scan.rows


def unknown_codes(session: Session, codes: list[tuple[int, str]]) -> list[CellProblem]:
    known: set[str] = set()
    names = sorted({code for _, code in codes})
    for start in range(0, len(names), 500):
        known.update(session.exec(select(Task.code).where(col(Task.code).in_(names[start : start + 500]))))
    return [
        CellProblem(row, "任务编号", _("no task {code} in the ledger").format(code=code))
        for row, code in codes
        if code not in known
    ]
