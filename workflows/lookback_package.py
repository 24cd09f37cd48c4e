"""Putting rows written as XML text into an Office file (a zip of XML parts) after openpyxl or
python-docx has saved it.

A look-back of a big ledger has tables of tens of thousands of rows. Both libraries build every
cell as Python objects and spend microseconds on each (minutes for 100,000 tasks); the rows of
those tables are plain and alike, so the look-back writes them as text, in the markup the library
would have written, and lets the library write everything else: styles, header rows, page setup,
properties. This module does the splicing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping, Sequence

XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def xml_text(text: str) -> str:
    """Text as the content of an element (quotes need no escaping there)."""
    return text.translate(XML_ESCAPES) if ("&" in text or "<" in text or ">" in text) else text


def rewrite_parts(package: bytes, edits: Mapping[str, Callable[[bytes], bytes]]) -> bytes:
    """The package with each named part passed through its edit; every other part, the order of
    the parts and their compression are kept as they were."""
    pending = dict(edits)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            edit = pending.pop(info.filename, None)
            target.writestr(info, data if edit is None else edit(data))
    if pending:
        raise ValueError(f"no part {', '.join(sorted(pending))} in the saved file")
    return buffer.getvalue()


def insert_before(data: bytes, marker: bytes, inserts: Sequence[bytes]) -> bytes:
    """`data` with inserts[i] put just before the i-th occurrence of `marker`; there must be
    exactly as many occurrences as inserts, so a change in how the library writes the part fails
    loudly instead of putting rows in the wrong place."""
    pieces = data.split(marker)
    if len(pieces) != len(inserts) + 1:
        raise ValueError(
            f"expected {len(inserts)} × {marker.decode()} in the saved part, found {len(pieces) - 1}"
        )
    out = [pieces[0]]
    for insert, piece in zip(inserts, pieces[1:], strict=True):
        out += [insert, marker, piece]
    return b"".join(out)
