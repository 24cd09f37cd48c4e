"""The look-back report as a DOCX document in the layout of an official document (GB/T 9704).

A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm, the title in 方正小标宋简体 22 pt (二号) centred, body in
仿宋_GB2312 16 pt (三号) on a fixed 28 pt line, 一、 headings in 黑体 and （一） headings in
楷体_GB2312, ruled tables, the issuer and the date at the end, page numbers in the footer. Western
characters use Times New Roman, as such documents do.

Tables can run to tens of thousands of rows, and python-docx builds each cell from Python objects
(a minute or more for a 10,000-task ledger, most of it setting the same font on every run; 25
minutes for 100,000). So the fonts and spacing of
table cells live on two paragraph styles, "Table Text" and "Table Heading", python-docx builds the
document with each table's header row only, and the data rows are written as the XML python-docx
would have written for them and put into the saved file (workflows.lookback_package).
"""

from __future__ import annotations

import io
import re
from functools import partial
from typing import TYPE_CHECKING, Any

from models.carry_over import CarryOverReport
from models.lookback import Lookback
from workflows.lookback_outline import Block, chapters, cn_date, cn_number, issuer_of, report_title
from workflows.lookback_package import insert_before, rewrite_parts, xml_text

if TYPE_CHECKING:
    from docx.document import Document

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
WESTERN_FONT = "Times New Roman"
PAGE_NUMBER_FONT = "宋体"
TABLE_SIZE = 10.5  # 五号: the tables have many columns
TABLE_TEXT = "Table Text"  # paragraph style of table cells: 仿宋 五号, single spacing, no indent
TABLE_HEADING = "Table Heading"  # the same in 黑体, for header rows
LEFT_ALIGNED_LONGER_THAN = 8  # longer text is left-aligned in its cell, the rest centred
# What lxml refuses in text (control characters other than tab and line breaks), and the
# non-characters an XML file cannot hold: python-docx raised ValueError on these, and so does this.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_document(
    lookback: Lookback,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
    outline: list[tuple[str, list[Block]]] | None = None,
) -> bytes:
    """The bytes of the .docx file; `outline` is `chapters(lookback, carried)` when the caller
    already has it."""
    document, rows = build_document(lookback, issuer=issuer, carried=carried, outline=outline)
    buffer = io.BytesIO()
    document.save(buffer)
    # Each table's data rows go at its end, tables in document order.
    edit = partial(insert_before, marker=b"</w:tbl>", inserts=rows)
    return rewrite_parts(buffer.getvalue(), {"word/document.xml": edit})


def build_document(
    lookback: Lookback,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
    outline: list[tuple[str, list[Block]]] | None = None,
) -> tuple[Document, list[bytes]]:
    """The document with each table's header row, and the XML of each table's data rows, to go
    into the saved file."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4 (the template is US Letter)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _styles(document)
    document.core_properties.title = report_title(lookback)
    title = document.add_paragraph(report_title(lookback), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"（截至{cn_date(lookback.as_of)}）").alignment = WD_ALIGN_PARAGRAPH.CENTER
    text_width = section.page_width - section.left_margin - section.right_margin
    table_rows: list[bytes] = []
    for number, (heading, body) in enumerate(
        chapters(lookback, carried) if outline is None else outline, start=1
    ):
        document.add_paragraph(f"{cn_number(number)}、{heading}", style="Heading 1")
        for block in body:
            if isinstance(block, tuple):
                kind, *rest = block
                if kind == "table":
                    table_rows.extend(_table(document, *rest, width=text_width))
                elif kind == "sub":
                    document.add_paragraph(rest[0], style="Heading 2")
            else:
                document.add_paragraph(block)
    document.add_paragraph()
    document.add_paragraph()
    for text in (issuer_of(lookback, issuer), cn_date(lookback.as_of)):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(64)  # 右空四字
    _page_numbers(section)
    return document, table_rows


def set_font(target: Any, name: str, size: float | None = None, *, bold: bool | None = False) -> None:
    """Font of a style or run, for Chinese text too: python-docx's font.name sets only the western
    slots, and the template's theme fonts would override explicit names, so both are fixed here."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = target.font
    font.name = WESTERN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    element = target.element if hasattr(target, "element") else target._element
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _styles(document: Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    def layout(style: Any, *, indent: bool, align: Any = None) -> None:
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)  # 固定值28磅: 22 lines a page in the 公文 layout
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(32) if indent else Pt(0)  # two characters of 三号
        if align is not None:
            fmt.alignment = align

    styles = document.styles
    set_font(styles["Normal"], BODY_FONT, 16)
    layout(styles["Normal"], indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    title = styles["Title"]
    set_font(title, TITLE_FONT, 22)
    layout(title, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(16)
    # The template's Title has a rule under it and expanded spacing: not in a 公文.
    properties = title.element.pPr
    for child in list(properties):
        if child.tag.endswith("}pBdr"):
            properties.remove(child)
    for child in list(title.element.get_or_add_rPr()):
        if child.tag.endswith("}spacing") or child.tag.endswith("}kern"):
            child.getparent().remove(child)
    for name, font in (("Heading 1", HEADING1_FONT), ("Heading 2", HEADING2_FONT)):
        style = styles[name]
        set_font(style, font, 16)
        layout(style, indent=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        style.paragraph_format.keep_with_next = True
    # Table cells: what each cell's paragraph and run once carried as direct formatting, set once
    # here. Based on Normal, so everything else (no space before or after) is as it was.
    cell = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    set_font(cell, BODY_FONT, TABLE_SIZE)
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    heading = styles.add_style(TABLE_HEADING, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = cell
    set_font(heading, HEADING1_FONT, TABLE_SIZE)


def _table(document: Document, headers: list[str], rows: list[list[Any]], *, width: int) -> list[bytes]:
    """A ruled table with its header row; returns the XML of its data rows ([] and a "（无）"
    paragraph instead of a table when there are no rows)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu

    if not rows:
        document.add_paragraph("（无）")
        return []
    texts = [["" if value is None else str(value) for value in row] for row in rows]
    weights = [
        _weight(header, column) for header, column in zip(headers, zip(*texts, strict=True), strict=True)
    ]
    widths = [int(width * w / sum(weights)) for w in weights]
    styles = document.styles
    table = document.add_table(rows=1, cols=len(headers))
    table.style = styles["Table Grid"]  # single-line borders on every cell
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # The style goes in by id: python-docx looks a style name up by scanning every style.
    heading_id, text_id = styles[TABLE_HEADING].style_id, styles[TABLE_TEXT].style_id
    for cell, header, cell_width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = cell_width
        paragraph = cell.paragraphs[0]
        paragraph._p.style = heading_id
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(header)
    # The header row repeats on every page the table runs over.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    document.add_paragraph()

    # Each data cell as python-docx writes a cell of the same width, paragraph style and alignment
    # with one run: the width in twips, centred, long text left-aligned.
    starts = [
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{Emu(cell_width).twips}"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{text_id}"/><w:jc w:val="'
        for cell_width in widths
    ]
    centre, left = WD_ALIGN_PARAGRAPH.CENTER.xml_value, WD_ALIGN_PARAGRAPH.LEFT.xml_value
    parts = []
    for values, row_texts in zip(rows, texts, strict=True):
        parts.append("<w:tr>")
        for start, value, text in zip(starts, values, row_texts, strict=True):
            align = left if isinstance(value, str) and len(value) > LEFT_ALIGNED_LONGER_THAN else centre
            parts.append(f'{start}{align}"/></w:pPr>{_run_xml(text)}</w:p></w:tc>')
        parts.append("</w:tr>")
    return ["".join(parts).encode("utf-8")]


def _run_xml(text: str) -> str:
    """A run holding `text`, as python-docx's add_run(text) writes it: nothing inside for "",
    <w:tab/> for a tab, <w:br/> for each CR or LF, the rest in <w:t>, which keeps its spaces
    (xml:space="preserve") when it starts or ends with whitespace."""
    if not text:
        return "<w:r/>"
    if text.isprintable() and not text[0].isspace() and not text[-1].isspace():
        return f"<w:r><w:t>{xml_text(text)}</w:t></w:r>"
    if NOT_XML.search(text):
        raise ValueError(f"All strings must be XML compatible: no NULL bytes or control characters: {text!r}")
    parts = ["<w:r>"]
    for piece in re.split(r"([\t\r\n])", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{xml_text(piece)}</w:t>")
    parts.append("</w:r>")
    return "".join(parts)


def _weight(header: str, values: tuple[str, ...]) -> float:
    """A column's share of the width: long text columns get more, counts the least."""
    longest = max(len(header), *map(len, values))
    return min(max(longest, 3), 24)


def _page_numbers(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)

    def run(text: str = "") -> Any:
        added = paragraph.add_run(text)
        set_font(added, PAGE_NUMBER_FONT, 14)  # 4号 numerals between em dashes
        return added

    def field_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run()._r.append(element)

    run("— ")
    # A PAGE field in its usual three runs (begin, instruction, end): Word fills in the number.
    field_char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run()._r.append(instruction)
    field_char("end")
    run(" —")
