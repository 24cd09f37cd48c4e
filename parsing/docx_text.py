"""DOCX -> plain text lines: paragraphs and tables in document order.

python-docx opens (and so validates) the package; the body XML is then walked directly because its
object API lists paragraphs and tables separately, losing their order, and repeats merged cells.
Word's automatic numbering is not in the text runs, yet work plans number their points with it
(`一、` `（一）` `1.` are often list levels): the labels are rebuilt from numbering.xml so the
structure parser sees the same markers as in a copied text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import docx

from models.errors import BadInput
from models.vocabulary.i18n import _

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
_T, _TAB, _PTAB, _BR, _CR = f"{_W}t", f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"
_NO_BREAK_HYPHEN, _TXBX = f"{_W}noBreakHyphen", f"{_W}txbxContent"
# Never text: deleted or moved-away revisions, field codes, properties, the Fallback copy of a shape.
_SKIP = frozenset(
    f"{_W}{name}" for name in ("del", "moveFrom", "instrText", "pPr", "rPr", "delInstrText", "sectPr")
) | {_MC_FALLBACK}
_VAL = f"{_W}val"
_CELL_SEPARATORS = re.compile(r"[|｜\t]")
_SPACES = re.compile(r"\s+")


def docx_to_text(data: bytes, *, source: str = "<input>") -> str:
    """Text of a DOCX: one line per paragraph, one `cell | cell` line per table row, in body order."""
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = _Numbering(document)
    except Exception as error:  # a broken package fails in zipfile, lxml or python-docx, each its own way
        raise BadInput(
            _("the DOCX file is corrupt ({reason})").format(reason=_reason(error)),
            code="document.corrupt_docx",
            source=source,
        ) from None
    lines: list[str] = []
    try:
        _blocks(body, lines, numbering)
    except RecursionError:
        raise BadInput(
            _("the DOCX file is corrupt (tables nested too deeply)"),
            code="document.corrupt_docx",
            source=source,
        ) from None
    return "\n".join(lines)


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _blocks(container: Any, lines: list[str], numbering: _Numbering) -> None:
    for child in container.iterchildren():
        if child.tag == _P:
            lines.extend(_paragraph_lines(child, numbering))
        elif child.tag == _TBL:
            lines.extend(_table_lines(child, numbering))
        elif child.tag == _SDT:  # a content control wraps ordinary paragraphs and tables
            for content in child.iterchildren(_SDT_CONTENT):
                _blocks(content, lines, numbering)
        elif child.tag == _CUSTOM_XML:
            _blocks(child, lines, numbering)


def _paragraph_lines(paragraph: Any, numbering: _Numbering) -> list[str]:
    parts: list[str] = []
    boxes: list[Any] = []
    stack = list(reversed(paragraph))
    while stack:
        element = stack.pop()
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _T:
            parts.append(element.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append(" ")  # a tab would read as a table-cell separator downstream
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _TXBX:
            boxes.append(element)  # a text box's paragraphs follow the paragraph that anchors it
        else:
            stack.extend(reversed(element))
    text = numbering.label(paragraph) + "".join(parts)
    lines = text.split("\n")
    for box in boxes:
        _blocks(box, lines, numbering)
    return lines


def _table_lines(table: Any, numbering: _Numbering) -> list[str]:
    rows = [list(_row_cells(row)) for row in table.iterchildren(_TR)]
    if all(len(cells) <= 1 for cells in rows):
        # A one-column table frames text (a whole notice is often pasted into one cell): read as blocks.
        lines: list[str] = []
        for cells in rows:
            for cell in cells:
                _blocks(cell, lines, numbering)
        return lines
    out = []
    above: dict[int, str] = {}  # grid column -> text of the vertically merged cell that starts there
    for cells in rows:
        texts: list[str] = []
        for cell in cells:
            span = _int(_prop(cell, "gridSpan"), 1)
            merge = _prop(cell, "vMerge")
            column = len(texts)
            # A vertically merged cell carries its text in its first row only; in a task table a
            # merged 责任单位 or 完成时限 belongs to every row it covers, so it is repeated there.
            if merge is not None and merge != "restart":
                texts.append(above.get(column, ""))
            else:
                texts.append(_cell_text(cell, numbering))
                above[column] = texts[-1]
            texts.extend([""] * (span - 1))  # a horizontally merged cell is written once
        filled = [text for text in texts if text]
        if not filled:
            continue
        out.append(filled[0] if len(cells) == 1 else " | ".join(texts))
    return out


def _row_cells(row: Any) -> Iterator[Any]:
    for child in row.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):  # cells wrapped in a content control
            wrappers = (_SDT_CONTENT, _CUSTOM_XML)
            yield from (cell for cell in child.iter(_TC) if cell.getparent().tag in wrappers)


def _prop(cell: Any, name: str) -> str | None:
    """Value of a cell property (`w:tcPr/w:<name>/@w:val`); '' when present without a value."""
    props = cell.find(f"{_W}tcPr")
    found = props.find(f"{_W}{name}") if props is not None else None
    return None if found is None else found.get(_VAL, "")


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, min(int(value or default), 64))
    except ValueError:
        return default


def _cell_text(cell: Any, numbering: _Numbering) -> str:
    lines: list[str] = []
    _blocks(cell, lines, numbering)
    return _SPACES.sub(" ", _CELL_SEPARATORS.sub(" ", " ".join(lines))).strip()


class _Numbering:
    """Labels of automatically numbered paragraphs (`一、`, `（二）`, `3.`), counted in body order."""

    def __init__(self, document: Any) -> None:
        # numId -> ilvl -> (numFmt, lvlText, start); styleId -> (numId, ilvl, basedOn); numId -> counters
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self._counters: dict[str, list[int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for item in root.iterchildren(f"{_W}abstractNum"):
            abstract[item.get(f"{_W}abstractNumId", "")] = {
                _int0(level.get(f"{_W}ilvl")): _level(level) for level in item.iterchildren(f"{_W}lvl")
            }
        for num in root.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = dict(abstract.get(ref.get(_VAL, "") if ref is not None else "", {}))
            for override in num.iterchildren(f"{_W}lvlOverride"):
                ilvl = _int0(override.get(f"{_W}ilvl"))
                level = override.find(f"{_W}lvl")
                start = override.find(f"{_W}startOverride")
                if level is not None:
                    levels[ilvl] = _level(level)
                elif start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _int0(start.get(_VAL)))
            self._levels[num.get(f"{_W}numId", "")] = levels
        for style in document.styles.element.iterchildren(f"{_W}style"):
            num_id, ilvl = _num_pr(style.find(f"{_W}pPr"))
            based = style.find(f"{_W}basedOn")
            parent = based.get(_VAL) if based is not None else None
            self._styles[style.get(f"{_W}styleId", "")] = (num_id, ilvl, parent)

    def label(self, paragraph: Any) -> str:
        if not self._levels:
            return ""
        props = paragraph.find(f"{_W}pPr")
        num_id, ilvl = _num_pr(props)
        style = props.find(f"{_W}pStyle") if props is not None else None
        style_id = style.get(_VAL) if style is not None else None
        for _depth in range(10):  # numbering inherited through the style's basedOn chain
            if num_id is not None or style_id not in self._styles:
                break
            style_num, style_ilvl, style_id = self._styles[style_id]
            num_id, ilvl = style_num, ilvl if ilvl is not None else style_ilvl
        levels = self._levels.get(num_id or "")
        depth = _int0(ilvl)
        if not levels or depth not in levels:
            return ""
        counters = self._counters.setdefault(num_id or "", [None] * 10)
        current = counters[depth]
        counters[depth] = levels[depth][2] if current is None else current + 1
        for deeper in range(depth + 1, len(counters)):
            counters[deeper] = None  # a point restarts the numbering of the levels below it
        fmt, text, _ = levels[depth]
        if fmt in ("bullet", "none"):
            return ""

        def number(found: re.Match[str]) -> str:
            at = int(found.group(1)) - 1
            level = levels.get(at, ("decimal", "", 1))
            value = counters[at] if at < len(counters) and counters[at] is not None else level[2]
            return _format(value or 0, level[0])

        return re.sub(r"%([1-9])", number, text)


def _num_pr(props: Any) -> tuple[str | None, str | None]:
    num_pr = props.find(f"{_W}numPr") if props is not None else None
    if num_pr is None:
        return None, None
    num_id = num_pr.find(f"{_W}numId")
    ilvl = num_pr.find(f"{_W}ilvl")
    value = num_id.get(_VAL) if num_id is not None else None
    # numId 0 switches inherited numbering off.
    return ("" if value == "0" else value), (ilvl.get(_VAL) if ilvl is not None else None)


def _level(level: Any) -> tuple[str, str, int]:
    def val(name: str, default: str) -> str:
        found = level.find(f"{_W}{name}")
        return found.get(_VAL, default) if found is not None else default

    return val("numFmt", "decimal"), val("lvlText", ""), _int0(val("start", "1"))


def _int0(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


_CN = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _format(value: int, fmt: str) -> str:
    """A counter in one of Word's numbering formats (the ones Chinese documents use, else decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese(value)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN[int(d)] for d in str(value))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= len(_CIRCLED):
        return _CIRCLED[value - 1]
    if fmt == "ideographTraditional" and 1 <= value <= len(_TIANGAN):
        return _TIANGAN[value - 1]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(value))
    if fmt in ("lowerLetter", "upperLetter") and value >= 1:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 1 <= value < 4000:
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _chinese(value: int) -> str:
    if value < 10:
        return _CN[max(value, 0)]
    if value < 100:
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
    hundreds, rest = divmod(value, 100)
    if rest == 0:
        return _CN[hundreds % 10] + "百"
    tail = _chinese(rest) if rest >= 10 else "零" + _CN[rest]
    return _CN[hundreds % 10] + "百" + (("一" + tail) if 10 <= rest < 20 else tail)


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, number)
        out += letters * count
    return out
