"""Limits on what a DOCX or XLSX package may unpack to, checked before any parser opens it.

A DOCX or XLSX is a ZIP archive of XML. Its compressed size says little: 181 KB of deflated
`<w:p/>` unpacks to about 180 MB and some 30 million paragraphs, which python-docx turns into
gigabytes of objects; 780 KB of empty `<row/>`s is five million rows for openpyxl. So before the
document is parsed this module reads the archive's directory (zipfile.infolist) and refuses

- a package of more than `max_members` entries,
- any entry that unpacks to more than `max_member_bytes`, or all of them to more than `max_total_bytes`,
- XML that holds more than `max_xml_elements` elements in all, or (XLSX) more than `max_xlsx_rows` rows.

The sizes come from the archive's directory. They are trustworthy here because Python's zipfile,
which python-docx and openpyxl read through, never returns more than an entry's declared size (a
longer stream fails its CRC check). The element and row counts are taken by streaming each XML
entry through zlib in 1 MiB pieces and counting tags in the bytes, stopping at the first limit
crossed: memory stays at a few MiB whatever the file holds.

A refusal is a BadInput naming the file, what it holds, the limit and the setting that sets it.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.errors import BadInput
from models.vocabulary.i18n import _

Kind = Literal["docx", "xlsx"]

# User-facing text, in one place (the catalog gives the Chinese).
TOO_MANY_MEMBERS = _(
    "the archive holds {count:,} files, more than the limit of {limit:,} (archives.max_members): not read"
)
MEMBER_TOO_BIG = _(
    "{name} in the archive unpacks to {size:,} bytes, more than the limit of {limit:,} bytes for one file"
    " (archives.max_member_bytes): not read"
)
TOTAL_TOO_BIG = _(
    "the archive unpacks to {size:,} bytes in all, more than the limit of {limit:,} bytes"
    " (archives.max_total_bytes): not read"
)
TOO_MANY_ELEMENTS = _(
    "the file holds more than {limit:,} XML elements (archives.max_xml_elements, passed while reading"
    " {name}): likely a decompression bomb, not read"
)
TOO_MANY_ROWS = _(
    "the workbook has more than {limit:,} rows (archives.max_xlsx_rows, passed while reading {name}): not read"
)

_CHUNK = 1 << 20
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_TAIL = 64  # bytes kept from the previous piece, so a tag split between two pieces is counted once


class ArchiveLimits(BaseModel):
    """The `[archives]` section of config.toml. The demo's look-back DOCX (five tables) holds about
    26,000 XML elements; an exported 台账 about 55 per task, hidden sheet included."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_members: int = Field(default=10_000, gt=0)
    max_member_bytes: int = Field(default=100 * 1024 * 1024, gt=0)
    max_total_bytes: int = Field(default=300 * 1024 * 1024, gt=0)
    max_xml_elements: int = Field(default=2_000_000, gt=0)
    max_xlsx_rows: int = Field(default=100_000, gt=0)


def check_archive(
    source: bytes | Path, *, kind: Kind, name: str | Path, limits: ArchiveLimits | None = None
) -> None:
    """Raise BadInput if the DOCX/XLSX package `source` (its bytes or its path) would unpack past
    the limits. An archive zipfile cannot open is left for the parser to report as corrupt."""
    limits = limits or ArchiveLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise BadInput(
                TOO_MANY_MEMBERS.format(count=len(infos), limit=limits.max_members),
                source=name,
                code="archive.too_many_members",
                field="max_members",
            )
        total = 0
        for info in infos:
            if info.file_size > limits.max_member_bytes:
                raise BadInput(
                    MEMBER_TOO_BIG.format(
                        name=info.filename, size=info.file_size, limit=limits.max_member_bytes
                    ),
                    source=name,
                    code="archive.member_too_big",
                    field="max_member_bytes",
                )
            total += info.file_size
        if total > limits.max_total_bytes:
            raise BadInput(
                TOTAL_TOO_BIG.format(size=total, limit=limits.max_total_bytes),
                source=name,
                code="archive.total_too_big",
                field="max_total_bytes",
            )
        elements = rows = 0
        for info in infos:
            lower = info.filename.lower()
            if info.is_dir() or not lower.endswith((".xml", ".rels", ".vml")):
                continue
            is_sheet = kind == "xlsx" and lower.startswith("xl/worksheets/")
            try:
                found, found_rows = _count(archive, info, is_sheet, limits, elements, rows)
            except _Exceeded as exceeded:
                template = TOO_MANY_ROWS if exceeded.rows else TOO_MANY_ELEMENTS
                limit = limits.max_xlsx_rows if exceeded.rows else limits.max_xml_elements
                raise BadInput(
                    template.format(limit=limit, name=info.filename),
                    source=name,
                    code="archive.too_many_rows" if exceeded.rows else "archive.too_many_elements",
                    field="max_xlsx_rows" if exceeded.rows else "max_xml_elements",
                ) from None
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                return  # a damaged or encrypted entry: the parser reports the file as corrupt
            elements += found
            rows += found_rows


class _Exceeded(Exception):
    def __init__(self, *, rows: bool) -> None:
        self.rows = rows


def _count(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    is_sheet: bool,
    limits: ArchiveLimits,
    elements_before: int,
    rows_before: int,
) -> tuple[int, int]:
    """(elements, rows) in one XML entry, raising _Exceeded as soon as a running total passes its
    limit. An element is counted by its start tag: every `<` but those of `</`, `<?` and `<!`."""
    elements = rows = 0
    tail = b""
    with archive.open(info) as stream:
        while piece := stream.read(_CHUNK):
            joined = tail[-1:] + piece  # one byte back: a `</` split over two pieces is still seen
            elements += piece.count(b"<") - joined.count(b"</") - joined.count(b"<?") - joined.count(b"<!")
            if elements_before + elements > limits.max_xml_elements:
                raise _Exceeded(rows=False)
            if is_sheet:
                window = tail + piece
                rows += len(_ROW.findall(window)) - len(_ROW.findall(tail))
                if rows_before + rows > limits.max_xlsx_rows:
                    raise _Exceeded(rows=True)
            tail = piece[-_ROW_TAIL:]
    return elements, rows
