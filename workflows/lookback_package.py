"""Putting rows written as XML text into an Office file (a zip of XML parts) after openpyxl or
python-docx has saved it.

A look-back of a big ledger has tables of tens of thousands of rows. Both libraries build every
cell as Python objects and spend microseconds on each (minutes for 100,000 tasks); the rows of
those tables are plain and alike, so the look-back writes them as text, in the markup the library
would have written, and lets the library write everything else: styles, header rows, page setup,
properties. This module does the splicing. The rows come as chunks of bytes and go into the
archive (compressed) as they come, so a table of a million rows is never held whole in memory.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import BinaryIO

XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")

Chunks = Iterable[bytes]


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


def write_stamped(
    package: bytes, edits: Mapping[str, Callable[[bytes], Chunks]], out: BinaryIO, *, day: dt.date
) -> None:
    """The package written to `out` with each named part passed through its edit (which gives the
    part as chunks, written and compressed as they come) and every time stamp set to `day`: each
    entry's modification time and the created/modified dates of docProps/core.xml. openpyxl and
    python-docx stamp the moment of writing, which made two writes of one look-back differ.

    The same bytes as rewrite_parts followed by workflows.lookback_report.stamped, in one pass."""
    moment = (day.year, day.month, day.day, 0, 0, 0)
    stamp = f"{day.isoformat()}T00:00:00Z".encode()
    pending = dict(edits)
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            edit = pending.pop(info.filename, None)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=moment)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr or 0o600 << 16  # what writing it once gave
            if edit is None:
                target.writestr(entry, data)
                continue
            with target.open(entry, "w") as member:
                for chunk in edit(data):
                    member.write(chunk)
    if pending:
        raise ValueError(f"no part {', '.join(sorted(pending))} in the saved file")


def insert_before(data: bytes, marker: bytes, inserts: Sequence[bytes]) -> bytes:
    """`data` with inserts[i] put just before the i-th occurrence of `marker`; there must be
    exactly as many occurrences as inserts, so a change in how the library writes the part fails
    loudly instead of putting rows in the wrong place."""
    return b"".join(insert_chunks(data, marker, [[insert] for insert in inserts]))


def insert_chunks(data: bytes, marker: bytes, inserts: Sequence[Chunks]) -> Iterator[bytes]:
    """insert_before with each insert given as chunks, and the result as chunks: nothing but the
    saved part (small without its rows) is held whole. The marker stays, after its insert."""
    return replace_chunks(data, marker, [chain(insert, (marker,)) for insert in inserts])


def replace_chunks(data: bytes, marker: bytes, inserts: Sequence[Chunks]) -> Iterator[bytes]:
    """`data` with the i-th occurrence of `marker` replaced by the chunks of inserts[i], as chunks;
    as insert_chunks, the count must match exactly."""
    pieces = data.split(marker)
    if len(pieces) != len(inserts) + 1:
        raise ValueError(
            f"expected {len(inserts)} × {marker.decode()} in the saved part, found {len(pieces) - 1}"
        )
    yield pieces[0]
    for insert, piece in zip(inserts, pieces[1:], strict=True):
        yield from insert
        yield piece
