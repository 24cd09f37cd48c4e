"""The look-back report as an XLSX workbook: one sheet per view, each with a styled, frozen header
row and a filter, and a sheet that explains the figures.

A big ledger has tens of thousands of unfinished items, and openpyxl styles and writes each cell
through Python objects: 13–30 s for a 10,000-task ledger, over two minutes for 100,000, and even
its write-only mode spends microseconds on every cell. So openpyxl writes the workbook, in
write-only mode, with everything but the data rows: column widths, frozen pane, filter, page
setup, the styles and each sheet's header row. The data rows are written here as the worksheet
XML openpyxl would write for them (the same cell types, values and style ids; each column's few
styles are registered with the workbook once) and put into their sheets' <sheetData> after
openpyxl has saved (workflows.lookback_package). The cells look exactly as before: borders, top
alignment, wrapping in wide columns, date and percent formats, a bold totals row.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from operator import getitem
from typing import TYPE_CHECKING, Any, BinaryIO

from models.reads.lookback_views import Counts, Lookback
from models.vocabulary.i18n import _
from models.writes.carry_over_report import CarryOverReport
from workflows.lookback_outline import (
    CATEGORY_LABELS,
    COUNT_HEADERS,
    DEFINITIONS,
    SECTION_KINDS,
    UNIT_NOTE,
    overview,
    path_text,
    plan_labels,
    reason_text,
    report_title,
    status_text,
)
from workflows.lookback_package import (
    Chunks,
    insert_before,
    insert_chunks,
    rewrite_parts,
    write_stamped,
    xml_text,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

RATE_HEADER = _("completion rate")
WRAP_WIDTH = 14  # columns at least this wide wrap their text
HEADER_FILL = "DDEBF7"
# Characters an XML file cannot hold, dropped from cell text: the control characters of openpyxl's
# ILLEGAL_CHARACTERS_RE (the report always dropped those), and surrogates and U+FFFE/U+FFFF (on
# which openpyxl's writer used to fail).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What keeps a text from going into its cell as it is: a character to drop or escape, a bare CR.
_NOT_PLAIN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff&<>\r]")
MAX_TEXT = 32767  # Excel's limit on a cell's text; openpyxl cuts longer text there
FLUSH_ROWS = 2_000  # rows gathered before they are written out


@dataclass
class SheetRows:
    """A sheet's data rows, written after its header row once openpyxl has saved the workbook."""

    sheet: WriteOnlyWorksheet
    rows: Iterable[list[Any]]  # read as they are written: a long list comes from the database
    count: int
    plain: list[int]  # each column's style id
    dated: list[int]  # … for a date in that column
    last: tuple[list[int], list[int]] | None = None  # the styles of the last row when it differs


def render_workbook(lookback: Lookback, *, carried: CarryOverReport | None = None) -> bytes:
    """The bytes of the .xlsx file."""
    workbook, pending = build_workbook(lookback, carried=carried)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_rows(buffer.getvalue(), pending, epoch=workbook.epoch)


def write_workbook(lookback: Lookback, out: BinaryIO, *, carried: CarryOverReport | None = None) -> None:
    """The .xlsx file written to `out`, time-stamped with the as-of day, each sheet's rows
    written (and compressed) as they are read."""
    workbook, pending = build_workbook(lookback, carried=carried)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_stamped(buffer.getvalue(), _row_edits(pending, workbook.epoch), out, day=lookback.as_of)


def build_workbook(
    lookback: Lookback, *, carried: CarryOverReport | None = None
) -> tuple[Workbook, list[SheetRows]]:
    """The write-only workbook with every sheet's header row, and the data rows still to write
    into each sheet once the workbook is saved (it can be saved only once)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    labels = plan_labels(lookback)
    pending: list[SheetRows] = []
    count_columns = [(h, 11) for h in COUNT_HEADERS]
    totals = [_("Total"), "", None, *_count_values(lookback.totals)]
    _sheet(
        workbook,
        pending,
        _("By plan"),
        [(_("Plan"), 40), (_("Plan number"), 28), (_("Year"), 8), *count_columns],
        [[p.title or p.key, p.key, p.year, *_count_values(p.counts)] for p in lookback.plans] + [totals],
        count=len(lookback.plans) + 1,
        bold_last=True,
    )
    _sheet(
        workbook,
        pending,
        _("By part"),
        [(_("Plan number"), 28), (_("Part"), 10), (_("Title"), 36), (_("Category"), 10), *count_columns],
        [
            [
                labels.get(s.plan, s.plan),  # plan_label, without going through the plans per part
                s.label,
                s.title,
                SECTION_KINDS.get(s.kind, s.kind),
                *_count_values(s.counts),
            ]
            for s in lookback.sections
        ],
        count=len(lookback.sections),
    )
    _sheet(
        workbook,
        pending,
        _("By unit"),
        [(_("Lead unit"), 28), *count_columns],
        [[u.unit, *_count_values(u.counts)] for u in lookback.units],
        count=len(lookback.units),
    )
    _sheet(
        workbook,
        pending,
        _("Unfinished"),
        [
            (_("Task code"), 10),
            (_("Plan number"), 24),
            (_("Numbering path"), 14),
            (_("Task"), 44),
            (_("Lead unit"), 16),
            (_("Supporting unit"), 20),
            (_("Deadline"), 16),
            (_("due date"), 12),
            (_("Category"), 12),
            (_("Status"), 10),
            (_("Progress (%)"), 9),
            (_("Last update"), 12),
            (_("Reason or progress"), 48),
            (_("Carried over to"), 10),
        ],
        (
            [
                item.code,
                labels.get(item.plan, item.plan),
                path_text(item.path),
                item.title,
                "、".join(item.lead),
                "、".join(item.support),
                item.deadline_text,
                item.due_date,
                CATEGORY_LABELS.get(item.category, item.category),
                status_text(item.status),
                item.progress,
                item.last_update,
                reason_text(item.reason, item.reason_kind),
                item.carried_to or "",
            ]
            for item in lookback.unfinished
        ),
        count=len(lookback.unfinished),
    )
    _sheet(
        workbook,
        pending,
        _("Ongoing tasks"),
        [
            (_("Task code"), 10),
            (_("Plan number"), 24),
            (_("Numbering path"), 14),
            (_("Task"), 44),
            (_("Lead unit"), 16),
            (_("Deadline as written"), 14),
            (_("Status"), 10),
            (_("Progress (%)"), 9),
            (_("Last update"), 12),
            (_("Latest progress"), 48),
        ],
        (
            [
                item.code,
                labels.get(item.plan, item.plan),
                path_text(item.path),
                item.title,
                "、".join(item.lead),
                item.deadline_text,
                status_text(item.status),
                item.progress,
                item.last_update,
                item.note,
            ]
            for item in lookback.ongoing
        ),
        count=len(lookback.ongoing),
    )
    _sheet(
        workbook,
        pending,
        _("Unit summaries"),
        [
            (_("Unit"), 20),
            (_("Plan number"), 24),
            (_("Year"), 8),
            (_("Submitted on"), 12),
            (_("Submitted by"), 12),
            (_("Source"), 20),
            (_("Summary"), 80),
        ],
        [
            [
                row.unit,
                row.plan or _("(all year)"),
                row.year,
                row.submitted_at.date(),
                row.submitted_by,
                row.source,
                row.text,
            ]
            for row in lookback.summaries
        ],
        count=len(lookback.summaries),
    )
    _help_sheet(workbook, lookback, carried)
    return workbook, pending


def _count_values(counts: Counts) -> list[Any]:
    # The rate as a fraction under a percent format: Excel can sort and chart it.
    rate = None if counts.rate is None else counts.done / counts.dated
    return [
        counts.total,
        counts.done,
        counts.overdue,
        counts.ongoing,
        counts.in_progress,
        counts.not_started,
        rate,
        counts.cancelled,
    ]


def _sheet(
    workbook: Workbook,
    pending: list[SheetRows],
    title: str,
    columns: list[tuple[str, float]],
    rows: Iterable[list[Any]],
    *,
    count: int,
    bold_last: bool = False,
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet = workbook.create_sheet(title)
    # A write-only sheet streams its XML: widths, the frozen pane and the sheet properties go out
    # with the first row, so they are all set before it.
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = max(count + 1, 2)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    headers = []
    for header, _width in columns:
        cell = WriteOnlyCell(sheet, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        headers.append(cell)
    sheet.append(headers)

    def styles(*, date: bool, bold: bool) -> list[int]:
        """Each column's style id for its data cells, registered with the workbook once."""
        ids = []
        for header, width in columns:
            cell = WriteOnlyCell(sheet)
            cell.alignment = Alignment(vertical="top", wrap_text=width >= WRAP_WIDTH)
            cell.border = border
            if date:
                cell.number_format = "yyyy-mm-dd"
            if header == RATE_HEADER:
                cell.number_format = "0.0%"
            if bold:
                cell.font = Font(bold=True)
            ids.append(cell.style_id)
        return ids

    bold = (styles(date=False, bold=True), styles(date=True, bold=True)) if bold_last and count else None
    pending.append(
        SheetRows(sheet, rows, count, styles(date=False, bold=False), styles(date=True, bold=False), bold)
    )


def _with_rows(saved: bytes, pending: list[SheetRows], *, epoch: dt.datetime) -> bytes:
    """The saved workbook with each sheet's data rows after its header row."""
    edits = {
        item.sheet.path.lstrip("/"): partial(
            insert_before, marker=b"</sheetData>", inserts=[b"".join(_rows_xml(item, epoch))]
        )
        for item in pending
    }
    return rewrite_parts(saved, edits)


def _row_edits(pending: list[SheetRows], epoch: dt.datetime) -> dict[str, Callable[[bytes], Chunks]]:
    """Each sheet's part with its data rows streamed in after its header row."""
    return {
        item.sheet.path.lstrip("/"): partial(
            insert_chunks, marker=b"</sheetData>", inserts=[_rows_xml(item, epoch)]
        )
        for item in pending
    }


def _rows_xml(item: SheetRows, epoch: dt.datetime) -> Iterator[bytes]:
    """The <row> elements of a sheet's data, as openpyxl writes them: text as inline strings
    (never formulas), numbers with 16 significant digits, dates as serial numbers under a date
    format, empty cells kept for their borders."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(index) for index in range(1, len(item.plain) + 1)]
    width = len(letters)
    # A row is its pieces joined by its number: <row r="|N"|><c r="A|N"|…cell A…<c r="B|N"|…, so
    # each cell's piece is its markup after its reference, then the start of the next cell's.
    after = [f'<c r="{letter}'.encode() for letter in letters[1:]] + [b"</row>"] if width else []
    start = [b'<row r="', b'><c r="A' if width else b"></row>"]
    cells = [
        _Cells(style, date_style, end, epoch)
        for style, date_style, end in zip(item.plain, item.dated, after, strict=True)
    ]
    parts: list[bytes] = []
    append = parts.append
    for number, row in enumerate(item.rows, start=2):
        if len(parts) >= FLUSH_ROWS:  # a chunk at a time: the rows are never all in memory
            yield b"".join(parts)
            parts.clear()
        if item.last is not None and number == item.count + 1:
            cells = [
                _Cells(style, date_style, end, epoch)
                for style, date_style, end in zip(*item.last, after, strict=True)
            ]
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} cells in a sheet of {width} columns")
        append((b'%d"' % number).join([*start, *map(getitem, cells, row)]))
    yield b"".join(parts)


class _Cells(dict[Any, bytes]):
    """A column's cells, value -> the cell's markup after its reference (<c r="A2") and the start
    of the next cell's, as UTF-8, made on first use: most columns repeat a few values (plans,
    units, states, deadlines, dates) over every row, each written once. Only texts, dates and None
    are kept: True, 1 and 1.0 are one key and three cells. Bounded: past _TEXTS_KEPT distinct
    values it starts again (a column of titles repeats none)."""

    def __init__(self, style: int, date_style: int, end: bytes, epoch: dt.datetime) -> None:
        super().__init__()
        self.style, self.date_style, self.end, self.epoch = style, date_style, end, epoch
        self.text = f' s="{style}" t="inlineStr"'

    def __missing__(self, value: Any) -> bytes:
        if type(value) is str:  # most cells, and the titles and reasons that never repeat
            if value and len(value) <= MAX_TEXT and value == value.strip() and not _NOT_PLAIN.search(value):
                # What _inline_text gives a text with nothing to drop, cut or escape.
                made = f"{self.text}><is><t>{value}</t></is></c>".encode() + self.end
            else:
                made = f"{self.text}{_inline_text(value)}".encode() + self.end
        elif type(value) is int:  # a number (the progress) made each time: see above
            return f' s="{self.style}" t="n"><v>{value:.16g}</v></c>'.encode() + self.end
        else:
            made = _cell_markup(value, self.style, self.date_style, self.epoch).encode() + self.end
            if not (value is None or type(value) is dt.date):
                return made
        if len(self) >= _TEXTS_KEPT:
            self.clear()
        self[value] = made
        return made


def _cell_markup(value: Any, style: int, date_style: int, epoch: dt.datetime) -> str:
    """A cell's markup after its reference, as openpyxl writes it."""
    from openpyxl.utils.datetime import to_excel

    if isinstance(value, str):
        return f' s="{style}" t="inlineStr"{_inline_text(value)}'
    if value is None:
        return f' s="{style}" t="n"/>'
    if isinstance(value, dt.date):
        return f' s="{date_style}" t="n"><v>{to_excel(value, epoch):.16g}</v></c>'
    if isinstance(value, bool):
        return f' s="{style}" t="b"><v>{value:d}</v></c>'
    if isinstance(value, int | float):
        shown = "" if math.isnan(value) or math.isinf(value) else f"{value:.16g}"
        return f' s="{style}" t="n"><v>{shown}</v></c>'
    raise TypeError(f"cannot write {value!r} to a look-back sheet")


_TEXTS_KEPT = 2_000  # distinct values whose markup a column keeps (bounded: a column of titles)


def _inline_text(value: str) -> str:
    """A text cell's markup after `t="inlineStr"`: closed at once when empty, else its inline
    string (the characters XML cannot hold dropped, cut at Excel's limit, escaped)."""
    text = NOT_XML.sub("", value)[:MAX_TEXT]
    if not text:
        return "/>"
    space = ' xml:space="preserve"' if text != text.strip() else ""
    text = xml_text(text)
    if "\r" in text:  # a bare CR would be read back as LF
        text = text.replace("\r", "&#13;")
    return f"><is><t{space}>{text}</t></is></c>"


def _help_sheet(workbook: Workbook, lookback: Lookback, carried: CarryOverReport | None) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(_("Note"))
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 100
    lines = [
        (report_title(lookback), ""),
        (_("As of"), lookback.as_of.isoformat()),
        (_("Scope"), _(", ").join(p.key for p in lookback.plans)),
        (_("Overall"), overview(lookback)),
        (_("How counted"), DEFINITIONS),
        (_("By unit"), UNIT_NOTE),
    ]
    if carried is not None and not carried.dry_run:
        for target in carried.plans:
            lines.append(
                (
                    _("Carried over to"),
                    _("{created} items carried over to {key} ({skipped} carried over before)").format(
                        created=len(target.created), key=target.key, skipped=target.skipped
                    ),
                )
            )
    for number, (label, text) in enumerate(lines, start=1):
        name = WriteOnlyCell(sheet, label)
        name.font = Font(bold=True, size=14) if number == 1 else Font(bold=True)  # the title larger
        body = WriteOnlyCell(sheet, text)
        body.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.append([name, body])
