"""An official document (公文) in the layout of GB/T 9704-2012, built with python-docx.

- Page: A4, margins 37 / 35 / 28 / 26 mm (top, bottom, left, right): a text area of 156 x 225 mm.
  Wide tables go in landscape sections with the same text area turned (225 x 156 mm).
- Fonts (workflows.documents.fonts, each with its stand-ins): the title in 方正小标宋简体 二号
  (22 pt) centred; the body in 仿宋_GB2312 三号 (16 pt) on a fixed 28 pt line (22 lines a page),
  first lines indented two characters; headings 一、 in 黑体, （一） in 楷体_GB2312, 1. in
  仿宋_GB2312; western text in Times New Roman; the text marked Chinese (zh-CN).
- Page numbers: 四号 digits between em dashes, 7 mm under the text area, right on odd pages and
  left on even pages, one character in.
- The signature (落款): the issuer two characters from the right, the date under it starting two
  characters to the right of the issuer's first character (GB/T 9704 7.3.5.2).
- Tables: ruled, fixed layout, each column's width written both in the grid (w:gridCol) and in
  every cell (w:tcW), which is what Word, WPS and LibreOffice each read; rows never split over a
  page and the header row repeats. Columns that hold codes, numbers, dates and paths are as wide
  as their longest value, so they never break inside a value; text columns share the rest.
- What the office has to write itself is a highlighted 【待补充：…】 (`Blank`).

Big tables (a look-back of 100,000 tasks) are not built cell by cell through python-docx, which
takes minutes: their rows are written as XML text and spliced into the saved file
(workflows.lookback_package), in the markup python-docx would have written.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import getitem
from typing import Any, BinaryIO

from workflows.documents import fonts
from workflows.lookback_package import replace_chunks, rewrite_parts, write_stamped, xml_text

MM = 56.6929  # twips per millimetre
PORTRAIT = (210.0, 297.0)
MARGINS = (37.0, 35.0, 28.0, 26.0)  # top, bottom, left, right (mm)
TEXT_WIDTH = {False: 156.0, True: 225.0}  # portrait / landscape text width (mm)
BODY_SIZE = 16.0  # 三号
TITLE_SIZE = 22.0  # 二号
PAGE_NUMBER_SIZE = 14.0  # 四号
LINE = 28.0  # fixed line of the body (pt)
TABLE_SIZE = 10.5  # 五号
TABLE_LINE = 15.0  # fixed line in tables (pt): the same row heights whatever font stands in
CELL_MARGIN_MM = 1.5  # left and right inside each cell
PT_MM = 25.4 / 72
MIN_CHARS = 3  # no column narrower than this many characters of its font
FLUSH_PARTS = 20_000  # pieces of a table's XML gathered before they are written out
_REPEATS = 500  # cells per column a long table keeps made (a column of titles repeats none)
# Where the XML written when the document is saved goes: a comment python-docx keeps as it is (text
# never makes one: its "<" is escaped), one per entry of Document.pending, in document order.
PENDING = "duban:pending"
PENDING_MARK = f"<!--{PENDING}-->".encode()
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

STYLE_TABLE_TEXT = "Table Text"
STYLE_TABLE_HEADING = "Table Heading"
STYLE_NOTE = "Note"  # 仿宋 四号 single-spaced lines under tables and in forms
PLACEHOLDER = "【待补充：{}】"
BLANK_TEXT = re.compile("(【待补充：[^】]*】)")


@dataclass(frozen=True)
class Blank:
    """Text the office writes itself: shown as a highlighted 【待补充：what】."""

    what: str

    def __str__(self) -> str:
        return PLACEHOLDER.format(self.what)


Text = str | Blank


@dataclass(frozen=True)
class Column:
    """A table column. `fit`: as wide as its longest value (codes, numbers, dates, paths: they
    must not break), at most `max_chars`; otherwise it shares what is left by `weight`."""

    header: str
    fit: bool = False
    weight: float = 1.0
    align: str = "center"  # of data cells: center / left
    max_chars: float = 16.0


@dataclass(frozen=True)
class Cell:
    """A cell of a form: `span` grid columns; a label (黑体, centred); `vmerge` "restart" on the
    first of cells merged down a column, "continue" on the ones under it."""

    text: str = ""
    span: int = 1
    label: bool = False
    align: str | None = None
    vmerge: str | None = None


@dataclass(frozen=True)
class Group:
    """A row across the whole table naming the rows under it (a plan, a unit)."""

    text: str


def display_width(text: str) -> float:
    """Width in characters of the font size: Chinese and full-width characters 1, the rest ½."""
    if text.isascii():  # codes, numbers, dates: every ASCII character is narrow
        return 0.5 * len(text)
    return _wide_width(text)


# The fitted columns of a long table (paths, states, dates) repeat a few texts over thousands of
# rows, each measured a character at a time: each distinct one once while it keeps coming up.
@functools.lru_cache(maxsize=16384)
def _wide_width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def column_widths(
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    width_mm: float,
    size: float,
    widest: Mapping[int, float] | None = None,
) -> list[float]:
    """Widths in mm adding up to `width_mm`: fitted columns to their content, the rest shared.
    `widest`: each fitted column's widest display_width, when the caller measured it in a pass of
    its own (the rows are then not gone through here)."""
    char_mm = size * PT_MM
    pad = 2 * CELL_MARGIN_MM + 0.8 * char_mm  # what the stand-in fonts' widths may add

    def mm(chars: float) -> float:
        return chars * char_mm + pad

    if widest is not None:
        longest = {index: widest.get(index, 0.0) for index, column in enumerate(columns) if column.fit}
    else:
        # One pass over the rows (they may be read from the database as they come).
        longest = {index: 0.0 for index, column in enumerate(columns) if column.fit}
        for row in rows:
            if not isinstance(row, Group):
                for index, found in longest.items():
                    width = display_width(str(row[index]))
                    if width > found:
                        longest[index] = width
    fitted: dict[int, float] = {}
    for index, column in enumerate(columns):
        if column.fit:
            # A header of up to four characters on one line, a longer one on two.
            chars = display_width(column.header)
            header = chars if chars <= 4 else max(3, math.ceil(chars / 2))
            fitted[index] = mm(min(max(longest[index], header, MIN_CHARS), column.max_chars))
    rest = width_mm - sum(fitted.values())
    flexible = [i for i in range(len(columns)) if i not in fitted]
    weights = sum(columns[i].weight for i in flexible)
    if flexible and rest < len(flexible) * mm(MIN_CHARS):
        raise ValueError(f"{len(columns)} columns do not fit in {width_mm:.0f} mm: use a landscape section")
    widths = []
    for index, column in enumerate(columns):
        widths.append(fitted[index] if index in fitted else rest * column.weight / weights)
    if not flexible:  # all fitted: spread what is left evenly, or shrink
        scale = width_mm / sum(widths)
        widths = [w * scale for w in widths]
    return widths


class Document:
    """A 公文 being written: paragraphs, headings, tables and sections, then `to_bytes()`."""

    def __init__(self, *, title: str, author: str) -> None:
        import docx

        self.doc = docx.Document()
        self.landscape = False
        # What is written when the document is saved, in document order, each in place of a
        # PENDING comment: the data rows of each table, as they are read (a look-back's table of
        # unfinished items may come from the database), and prose given as XML (Document.stream).
        self.pending: list[Iterable[bytes]] = []
        self._style_ids: dict[str, str] = {}
        core = self.doc.core_properties
        core.title, core.author, core.last_modified_by = title, author, author
        core.comments, core.subject, core.keywords, core.category = "", "", "", ""
        self._page(self.doc.sections[0], landscape=False)
        self._styles()
        self._page_numbers()

    # --- Page and styles -------------------------------------------------------------------

    def _page(self, section: Any, *, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        top, bottom, left, right = MARGINS
        width, height = PORTRAIT
        if landscape:
            # The portrait text area turned: the binding edge (left) becomes the top.
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
            top, bottom, left, right = left, right, top, bottom
        else:
            section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.header_distance = Mm(15)
        # The page number's top 7 mm under the text area: its line (四号) is about 5.5 mm.
        section.footer_distance = Mm(bottom - 7 - 5.5)

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        styles = self.doc.styles
        _defaults(styles.element)
        normal = styles["Normal"]
        set_font(normal, fonts.BODY, BODY_SIZE)
        _layout(normal, indent=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        title = styles["Title"]
        set_font(title, fonts.TITLE, TITLE_SIZE)
        _layout(title, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER, line=36)
        _strip_title_rule(title)
        subtitle = styles["Subtitle"]
        subtitle.base_style = normal
        set_font(subtitle, fonts.KAI, BODY_SIZE)
        _layout(subtitle, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
        for name, face in (("Heading 1", fonts.HEI), ("Heading 2", fonts.KAI), ("Heading 3", fonts.BODY)):
            style = styles[name]
            style.base_style = normal
            set_font(style, face, BODY_SIZE)
            _layout(style, indent=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            style.paragraph_format.keep_with_next = True
        cell = styles.add_style(STYLE_TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        set_font(cell, fonts.BODY, TABLE_SIZE)
        _layout(cell, indent=0, line=TABLE_LINE)
        heading = styles.add_style(STYLE_TABLE_HEADING, WD_STYLE_TYPE.PARAGRAPH)
        heading.base_style = cell
        set_font(heading, fonts.HEI, TABLE_SIZE)
        _layout(heading, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER, line=TABLE_LINE)
        note = styles.add_style(STYLE_NOTE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        set_font(note, fonts.BODY, 14)
        _layout(note, indent=0, line=22)
        note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        note.paragraph_format.space_before = Pt(0)

    def _page_numbers(self) -> None:
        """— 1 — in the footer: right on odd pages, left on even ones, one character in."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = footer.paragraphs[0]
            fmt = paragraph.paragraph_format
            paragraph.alignment = align
            fmt.first_line_indent = Pt(0)
            fmt.line_spacing = 1.0
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = Pt(PAGE_NUMBER_SIZE)
            else:
                fmt.left_indent = Pt(PAGE_NUMBER_SIZE)
            for run in _page_number_runs():
                paragraph._p.append(run)

    def new_section(self, *, landscape: bool) -> None:
        """Start a new page in the given orientation (page numbers carry on)."""
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=landscape)
        self.landscape = landscape

    @property
    def text_width(self) -> float:
        return TEXT_WIDTH[self.landscape]

    # --- Text ------------------------------------------------------------------------------

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.doc.add_paragraph(text, style="Title")
        if subtitle:
            self.doc.add_paragraph(subtitle, style="Subtitle")
        self.doc.add_paragraph()

    def heading(self, level: int, text: str) -> None:
        self.doc.add_paragraph(text, style=f"Heading {level}")

    def paragraph(
        self, *parts: Text, style: str | None = None, indent: bool = True, align: str | None = None
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = self.doc.add_paragraph(style=style)
        for part in parts:
            run = paragraph.add_run(str(part))
            if isinstance(part, Blank):
                highlight(run)
        if not indent:
            paragraph.paragraph_format.first_line_indent = Pt(0)
        if align is not None:
            paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
        return paragraph

    def blank_line(self) -> None:
        self.doc.add_paragraph()

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def attachment_note(self, titles: Sequence[str]) -> None:
        """附件说明 under the body: 附件：1.… with the later names aligned under the first."""
        from docx.shared import Pt

        if not titles:
            return
        self.blank_line()
        for number, title in enumerate(titles, start=1):
            label = f"{number}.{title}" if len(titles) > 1 else title
            paragraph = self.paragraph(("附件：" if number == 1 else "") + label)
            if number > 1:
                paragraph.paragraph_format.left_indent = Pt(BODY_SIZE * 5)
                paragraph.paragraph_format.first_line_indent = Pt(0)

    def signature(self, issuer: str, day: dt.date) -> None:
        """落款: the issuer and the date, placed as GB/T 9704 7.3.5.2 says (no seal)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        date = cn_date(day)
        name_w, date_w = display_width(issuer), display_width(date)
        span = max(name_w, date_w + 2)
        self.blank_line()
        for text, right in ((issuer, 2 + span - name_w), (date, span - date_w)):
            paragraph = self.doc.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.right_indent = Pt(BODY_SIZE * right)

    def attachment(self, number: int | None, title: str, *, landscape: bool = False) -> None:
        """An attachment on a new page: 附件N at the top left in 黑体, its title centred."""
        self.new_section(landscape=landscape)
        if number is not None:
            self.paragraph(f"附件{number}", style="Heading 1", indent=False)
        self.doc.add_paragraph(title, style="Title")

    # --- Tables ----------------------------------------------------------------------------

    def table(
        self,
        columns: Sequence[Column],
        rows: Collection[Sequence[Any] | Group],
        *,
        empty: str = "（无）",
        size: float = TABLE_SIZE,
        widest: Mapping[int, float] | None = None,
    ) -> None:
        """A ruled table filling the text width; `empty` instead when there are no rows. `rows` is
        gone through twice (the fitted columns' widths, then the rows when the document is saved),
        so a long table can be read from the database each time instead of held in memory; once
        when `widest` gives the fitted columns' widest cells (see column_widths)."""
        if not rows:
            self.paragraph(empty)
            return
        widths = column_widths(columns, rows, width_mm=self.text_width, size=size, widest=widest)
        twips = [round(w * MM) for w in widths]
        header_cells = "".join(
            _cell_xml(tw, column.header, self._style_id(STYLE_TABLE_HEADING), "center")
            for tw, column in zip(twips, columns, strict=True)
        )
        header = f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>"
        self._insert_table(twips, header + f"<!--{PENDING}-->")
        self.pending.append(_rows_xml(rows, columns, twips, self._style_id(STYLE_TABLE_TEXT)))
        self.paragraph("", style=STYLE_NOTE)  # space under the table

    def form(
        self,
        widths_mm: Sequence[float],
        rows: Sequence[Sequence[str | Cell]],
        *,
        size: float = 14.0,
        heights_mm: Sequence[float] | None = None,
        header_rows: int = 0,
        label_size: float | None = None,
    ) -> None:
        """A ruled form over a grid of `widths_mm` (scaled to the text width): each row a list of
        cells (a str is a plain one-column cell). Labels are set in 黑体 and centred; `heights_mm`
        gives rows a minimum height (room to write in); the first `header_rows` repeat on each page."""
        scale = self.text_width / sum(widths_mm)
        grid = [round(w * scale * MM) for w in widths_mm]
        text_id = self._style_id(STYLE_NOTE if size > 12 else STYLE_TABLE_TEXT)
        label_id = self._style_id(STYLE_TABLE_HEADING)
        parts = []
        for number, row in enumerate(rows):
            height = heights_mm[number] if heights_mm and number < len(heights_mm) else 0
            trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if number < header_rows else "")
            if height:
                trpr += f'<w:trHeight w:val="{round(height * MM)}" w:hRule="atLeast"/>'
            parts.append(f"<w:tr><w:trPr>{trpr}</w:trPr>")
            column = 0
            for item in row:
                cell = item if isinstance(item, Cell) else Cell(item)
                width = sum(grid[column : column + cell.span])
                parts.append(
                    _cell_xml(
                        width,
                        cell.text,
                        label_id if cell.label else text_id,
                        cell.align or ("center" if cell.label else "left"),
                        span=cell.span,
                        size=(label_size or size) if cell.label else size,
                        valign="center" if cell.label or not height else "top",
                        vmerge=cell.vmerge,
                    )
                )
                column += cell.span
            parts.append("</w:tr>")
        self._insert_table(grid, "".join(parts))

    def _insert_table(self, twips: Sequence[int], first_rows: str) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        borders = "".join(
            border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        grid = "".join(f'<w:gridCol w:w="{tw}"/>' for tw in twips)
        xml = (
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
            f"<w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="{round(CELL_MARGIN_MM * MM)}" w:type="dxa"/>'
            f'<w:right w:w="{round(CELL_MARGIN_MM * MM)}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
            ' w:noHBand="0" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{first_rows}</w:tbl>"
        )
        self.doc.element.body._insert_tbl(parse_xml(xml))

    def _style_id(self, name: str) -> str:
        return self.doc.styles[name].style_id

    # --- Prose written when saved ------------------------------------------------------------

    def stream(self, paragraphs: Iterable[str]) -> None:
        """Body paragraphs given as XML (paragraph_xml, heading_xml), put here and made only when
        the document is saved, as they are read: python-docx holds every paragraph as objects
        (hundreds of megabytes for the look-back of a million tasks) and finds the end of the
        body anew for each one it adds, which grows with the square of their number."""
        from lxml import etree

        self.doc.element.body.insert_element_before(etree.Comment(PENDING), "w:sectPr")
        self.pending.append(_encoded(paragraphs))

    def paragraph_xml(self, *parts: Text, style: str | None = None) -> str:
        """What paragraph(*parts, style=style) adds, as the XML python-docx writes for it."""
        return _paragraph_xml(parts, self._paragraph_style_id(style), empty_run=True)

    def heading_xml(self, level: int, text: str) -> str:
        """What heading(level, text) adds, as the XML python-docx writes for it."""
        return _paragraph_xml([text] if text else [], self._paragraph_style_id(f"Heading {level}"))

    def _paragraph_style_id(self, name: str | None) -> str | None:
        """The w:pStyle python-docx writes for a style name (none for the default style)."""
        if name is None:
            return None
        found = self._style_ids.get(name)
        if found is None:  # asked for every streamed paragraph: the import only on the first
            from docx.enum.style import WD_STYLE_TYPE

            found = self._style_ids[name] = self.doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH) or ""
        return found or None

    # --- Output ----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        inserts = [[b"".join(rows)] for rows in self.pending]
        edits = {
            "word/document.xml": lambda data: b"".join(replace_chunks(data, PENDING_MARK, inserts)),
            "word/fontTable.xml": _with_faces,
        }
        return rewrite_parts(buffer.getvalue(), edits)

    def write_stamped(self, out: BinaryIO, day: dt.date) -> None:
        """The document written to `out` with every time stamp set to `day`, each table's rows
        written (and compressed) as they are read: the same bytes as stamped(to_bytes())."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        edits = {
            "word/document.xml": partial(replace_chunks, marker=PENDING_MARK, inserts=self.pending),
            "word/fontTable.xml": lambda data: [_with_faces(data)],
        }
        write_stamped(buffer.getvalue(), edits, out, day=day)


# --- Helpers ---------------------------------------------------------------------------------


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def set_font(target: Any, face: fonts.Face, size: float | None = None, *, bold: bool = False) -> None:
    """The font of a style or run: Chinese text in `face`, western text in Times New Roman, black,
    upright; the template's theme fonts (which would override the names) removed."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = target.font
    font.name = fonts.WESTERN
    if size is not None:
        font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    element = target.element if hasattr(target, "element") else target._element
    names = element.get_or_add_rPr().get_or_add_rFonts()
    names.set(qn("w:eastAsia"), face.name)
    names.set(qn("w:hint"), "eastAsia")  # quotes, dashes and ellipses in the Chinese font
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        names.attrib.pop(qn(theme), None)


def highlight(run: Any) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _layout(style: Any, *, indent: float, align: Any = None, line: float = LINE) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.space_before = fmt.space_after = Pt(0)
    size = style.font.size.pt if style.font.size is not None else BODY_SIZE
    fmt.first_line_indent = Pt(size * indent)
    if align is not None:
        fmt.alignment = align


def _strip_title_rule(title: Any) -> None:
    """The template's Title has a rule under it and expanded spacing: not in a 公文."""
    properties = title.element.pPr
    for child in list(properties):
        if child.tag.endswith("}pBdr"):
            properties.remove(child)
    for child in list(title.element.get_or_add_rPr()):
        if child.tag.endswith("}spacing") or child.tag.endswith("}kern"):
            child.getparent().remove(child)


def _defaults(styles: Any) -> None:
    """Document defaults: explicit fonts (not the theme's), Chinese text marked zh-CN."""
    from docx.oxml.ns import qn

    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    names = rpr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        names.attrib.pop(qn(theme), None)
    names.set(qn("w:ascii"), fonts.WESTERN)
    names.set(qn("w:hAnsi"), fonts.WESTERN)
    names.set(qn("w:eastAsia"), fonts.BODY.name)
    names.set(qn("w:cs"), fonts.WESTERN)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_number_runs() -> list[Any]:
    """— PAGE — as runs in 宋体 四号 (the digits a PAGE field, which each program fills in)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    size = round(PAGE_NUMBER_SIZE * 2)
    rpr = (
        f'<w:rPr><w:rFonts w:ascii="{fonts.SONG.name}" w:hAnsi="{fonts.SONG.name}" '
        f'w:eastAsia="{fonts.SONG.name}" w:hint="eastAsia"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    )
    runs = (
        f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{rpr}<w:t>1</w:t></w:r>"
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>'
    )
    return list(parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"))


class _Cells(dict[Any, bytes]):
    """A long table column's data cells, value -> the cell's XML as UTF-8, made on first use: most
    columns repeat a few texts (units, deadlines, states, dates, paths) over thousands of rows, and
    their cells are joined as bytes, not encoded again. Bounded as workflows.repeats.Repeats: past
    `most` distinct texts it starts again (a column of titles repeats none)."""

    def __init__(self, width: int, style_id: str, align: str, most: int) -> None:
        super().__init__()
        self.width, self.style_id, self.align, self.most = width, style_id, align, most
        # The markup around a plain text (one line, no tab, no 【待补充】, nothing to escape, no
        # space at its ends): what _cell_xml writes for it, put together without its checks.
        self.head = (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:jc w:val="{align}"/></w:pPr><w:r><w:t>'
        )

    def __missing__(self, value: Any) -> bytes:
        if type(value) is int:  # a 序号: its digits (and sign) are plain text
            return f"{self.head}{value}</w:t></w:r></w:p></w:tc>".encode()
        text = value if type(value) is str else "" if value is None else str(value)
        if text and text == text.strip() and not _NOT_PLAIN.search(text):
            made = f"{self.head}{text}</w:t></w:r></w:p></w:tc>".encode()
        else:
            made = _cell_xml(self.width, text, self.style_id, self.align).encode()
        # Only texts and None are kept: the cell of a number is made each time (True, 1 and 1.0
        # are one key and three cells; numbers in a long table, its 序号, are distinct anyway).
        if type(value) is str or value is None:
            if len(self) >= self.most:
                self.clear()
            self[value] = made
        return made


# What keeps a cell's text from being written as it is: a line break, a tab or a 【待补充】
# (paragraphs_xml splits there), a character to escape, one XML cannot hold (refused).
_NOT_PLAIN = re.compile("[\r\n\t【&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ROW_START = b"<w:tr><w:trPr><w:cantSplit/></w:trPr>"


def _rows_xml(
    rows: Iterable[Sequence[Any] | Group], columns: Sequence[Column], twips: Sequence[int], text_id: str
) -> Iterator[bytes]:
    """A table's data rows as XML, a chunk at a time."""
    total = sum(twips)
    parts: list[bytes] = []
    append = parts.append
    made = [_Cells(tw, text_id, column.align, _REPEATS) for tw, column in zip(twips, columns, strict=True)]
    width = len(columns)
    for row in rows:
        if len(parts) >= FLUSH_PARTS:
            yield b"".join(parts)
            parts.clear()
        append(_ROW_START)
        if isinstance(row, Group):
            append(_cell_xml(total, row.text, text_id, "left", span=width, bold=True).encode())
        elif len(row) == width:
            # Each value's cell from its column (a few texts repeat over thousands of rows).
            parts += map(getitem, made, row)
        else:
            raise ValueError(f"a row of {len(row)} cells in a table of {width} columns")
        append(b"</w:tr>")
    yield b"".join(parts)


def _encoded(paragraphs: Iterable[str]) -> Iterator[bytes]:
    """Paragraphs' XML as chunks of bytes of FLUSH_PARTS paragraphs."""
    parts: list[str] = []
    for paragraph in paragraphs:
        parts.append(paragraph)
        if len(parts) >= FLUSH_PARTS:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    yield "".join(parts).encode("utf-8")


_CELL_SPECIAL = re.compile("[\r\n\t【]")  # what paragraphs_xml splits a cell's text at
_HIGHLIGHT = '<w:rPr><w:highlight w:val="yellow"/></w:rPr>'
_BREAKS = re.compile("([\t\r\n])")
# What keeps a run's text from going into one <w:t> as it is: a break, a tab, a character to
# escape or one XML cannot hold (refused).
_NOT_PLAIN_RUN = re.compile("[\t\r\n&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _paragraph_xml(parts: Sequence[Text], style_id: str | None, *, empty_run: bool = False) -> str:
    """A body paragraph as python-docx serializes add_paragraph(style=…) and add_run(part) per
    part: a Blank's run highlighted; an empty part an empty run (`empty_run`: paragraph() adds a
    run for it, heading() adds none)."""
    runs = []
    for part in parts:
        text = str(part)
        if not text and not empty_run:
            continue
        props = _HIGHLIGHT if isinstance(part, Blank) else ""
        content = _docx_text(text)
        runs.append(f"<w:r>{props}{content}</w:r>" if props or content else "<w:r/>")
    head = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
    return f"<w:p>{head}{''.join(runs)}</w:p>" if head or runs else "<w:p/>"


def _docx_text(text: str) -> str:
    """A run's text as python-docx's Run.text writes it: <w:tab/> for a tab, <w:br/> for a line
    break, the rest in <w:t> (space preserved when it starts or ends with whitespace)."""
    if text and text == text.strip() and not _NOT_PLAIN_RUN.search(text):  # most paragraphs
        return f"<w:t>{text}</w:t>"
    if NOT_XML.search(text):
        raise ValueError(f"All strings must be XML compatible: no NULL bytes or control characters: {text!r}")
    pieces = []
    for piece in _BREAKS.split(text) if ("\t" in text or "\n" in text or "\r" in text) else [text]:
        if piece == "\t":
            pieces.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            pieces.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            pieces.append(f"<w:t{space}>{xml_text(piece)}</w:t>")
    return "".join(pieces)


def _with_faces(data: bytes) -> bytes:
    """The font table with the 公文 faces and their stand-ins (see workflows.documents.fonts)."""
    return data.replace(b"</w:fonts>", fonts.font_table_entries().encode("utf-8") + b"</w:fonts>")


def _cell_xml(
    width: int,
    text: str,
    style_id: str,
    align: str,
    *,
    span: int = 1,
    bold: bool = False,
    size: float | None = None,
    valign: str = "center",
    vmerge: str | None = None,
) -> str:
    extra = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge:
        extra += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{extra}<w:vAlign w:val="{valign}"/></w:tcPr>'
        f"{paragraphs_xml(text, style_id, align, bold=bold, size=size)}</w:tc>"
    )


def paragraphs_xml(
    text: str, style_id: str, align: str, *, bold: bool = False, size: float | None = None
) -> str:
    """One paragraph per line of `text` (a cell must hold at least one)."""
    if not bold and not size and not _CELL_SPECIAL.search(text):
        # Most cells: one line, no tab, no 【待补充】 and no run properties. The same markup as
        # below, without its splitting (a look-back's tables have millions of cells).
        run = ""
        if text:
            if NOT_XML.search(text):
                raise ValueError(
                    f"All strings must be XML compatible: no NULL bytes or control characters: {text!r}"
                )
            space = ' xml:space="preserve"' if text != text.strip() else ""
            run = f"<w:r><w:t{space}>{xml_text(text)}</w:t></w:r>"
        return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:jc w:val="{align}"/></w:pPr>{run}</w:p>'
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n") or [""]
    props = ""
    if bold or size:
        props = (
            "<w:rPr>"
            + ("<w:b/>" if bold else "")
            + (f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>' if size else "")
            + "</w:rPr>"
        )
    out = []
    marked = (
        props.replace("</w:rPr>", '<w:highlight w:val="yellow"/></w:rPr>')
        if props
        else '<w:rPr><w:highlight w:val="yellow"/></w:rPr>'
    )
    for line in lines:
        # 【待补充：…】 in a cell is highlighted as in the body.
        run = "".join(
            _run_xml(piece, marked if BLANK_TEXT.fullmatch(piece) else props)
            for piece in BLANK_TEXT.split(line)
        )
        out.append(
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:jc w:val="{align}"/>{props}</w:pPr>{run}</w:p>'
        )
    return "".join(out)


def _run_xml(text: str, props: str = "") -> str:
    """A run holding `text`: <w:tab/> for tabs, spaces kept at the ends, highlighted blanks."""
    if not text:
        return ""
    if NOT_XML.search(text):
        raise ValueError(f"All strings must be XML compatible: no NULL bytes or control characters: {text!r}")
    pieces = []
    for piece in re.split(r"(\t)", text):
        if piece == "\t":
            pieces.append("<w:tab/>")
        elif piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            pieces.append(f"<w:t{space}>{xml_text(piece)}</w:t>")
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def join(items: Iterable[str], sep: str = "、") -> str:
    return sep.join(item for item in items if item)


@dataclass
class Outline:
    """Numbering of headings as a 公文 writes them: 一、 / （一） / 1."""

    counters: list[int] = field(default_factory=lambda: [0, 0, 0])

    def next(self, level: int) -> str:
        from parsing.numbering import int_to_cn

        self.counters[level - 1] += 1
        for deeper in range(level, len(self.counters)):
            self.counters[deeper] = 0
        number = self.counters[level - 1]
        if level == 1:
            return f"{int_to_cn(number)}、"
        if level == 2:
            return f"（{int_to_cn(number)}）"
        return f"{number}."


RED = "C00000"


def masthead(doc: Document, name: str, issue: str, issuer: str, day: dt.date) -> None:
    """The head of a bulletin (简报式版头): its name in large red type, the issue under it, the
    issuer and the date on one line, then a red rule."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt, RGBColor

    head = doc.doc.add_paragraph(style="Title")
    run = head.add_run(name)
    run.font.size = Pt(42)
    run.font.color.rgb = RGBColor.from_string(RED)
    head.paragraph_format.line_spacing = Pt(60)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraph(issue, style="Subtitle")
    line = doc.paragraph(f"{issuer}\t{cn_date(day)}", indent=False)
    line.paragraph_format.tab_stops.add_tab_stop(Pt(doc.text_width / PT_MM), alignment=2)  # right
    line.paragraph_format.space_after = Pt(4)
    border = (
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="4" w:color="{RED}"/></w:pBdr>'
    )
    line._p.get_or_add_pPr().append(parse_xml(border))
    doc.blank_line()
