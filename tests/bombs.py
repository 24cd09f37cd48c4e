"""Decompression bombs, generated: small DOCX and XLSX files that unpack to millions of elements or
hundreds of megabytes. Written through zipfile in pieces, so making one takes little memory.

`python tests/bombs.py FOLDER` writes one of each (for measuring a command on them by hand).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCX_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
XLSX_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
XLSX_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_S}" xmlns:r="{_R}">'
    '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XLSX_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _repeat(archive: zipfile.ZipFile, name: str, head: str, unit: str, count: int, tail: str) -> None:
    """One entry: head, `unit` `count` times, tail; written in pieces of 100,000 units."""
    info = zipfile.ZipInfo(name, (2021, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as stream:
        stream.write(head.encode())
        piece = unit.encode() * 100_000
        for _ in range(count // 100_000):
            stream.write(piece)
        stream.write(unit.encode() * (count % 100_000))
        stream.write(tail.encode())


def _zip(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9)


def docx_of_empty_paragraphs(path: Path, paragraphs: int) -> Path:
    """A DOCX whose body is `paragraphs` empty paragraphs (`<w:p/>`)."""
    with _zip(path) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
        _repeat(archive, "word/document.xml", head, "<w:p/>", paragraphs, "</w:body></w:document>")
    return path


def docx_with_a_huge_member(path: Path, megabytes: int) -> Path:
    """A small, valid DOCX plus one entry of `megabytes` MiB of zeros (about 1,000:1 compressed)."""
    with _zip(path) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        body = "<w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p>"
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>',
        )
        _repeat(archive, "word/media/image1.bin", "", "\0" * 1024, megabytes * 1024, "")
    return path


def xlsx_of_empty_rows(path: Path, rows: int, *, cells: int = 0) -> Path:
    """An XLSX whose one sheet (台账) has `rows` rows, empty (`<row/>`) or of `cells` numbers each."""
    with _zip(path) as archive:
        archive.writestr("[Content_Types].xml", XLSX_TYPES)
        archive.writestr("_rels/.rels", XLSX_RELS)
        archive.writestr("xl/workbook.xml", XLSX_WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS)
        head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_S}"><sheetData>'
        row = f"<row>{'<c><v>1</v></c>' * cells}</row>" if cells else "<row/>"
        _repeat(archive, "xl/worksheets/sheet1.xml", head, row, rows, "</sheetData></worksheet>")
    return path


if __name__ == "__main__":  # pragma: no cover
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for made in (
        docx_of_empty_paragraphs(folder / "paragraphs.docx", 30_000_000),
        docx_with_a_huge_member(folder / "member.docx", 1024),
        xlsx_of_empty_rows(folder / "rows.xlsx", 5_000_000),
        xlsx_of_empty_rows(folder / "cells.xlsx", 5_000_000, cells=1),
    ):
        print(made, made.stat().st_size)
