"""The look-back report as a DOCX document: an official document (公文) the office finishes and
sends up. The layout is workflows.documents.lookback, on the 公文 builder of
workflows.documents.gongwen (GB/T 9704 page, fonts with their stand-ins, tables that fit).
"""

from __future__ import annotations

from typing import BinaryIO

from models.reads.lookback_views import Lookback
from models.writes.carry_over_report import CarryOverReport
from workflows.lookback_outline import Block


def render_document(
    lookback: Lookback,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
    outline: list[tuple[str, list[Block]]] | None = None,
) -> bytes:
    """The bytes of the .docx file. `outline` (the Markdown's chapters) is accepted and not used:
    the document has its own parts (总体情况 / 主要成效 / 存在问题 / 下一步) and attachments."""
    from workflows.documents.lookback import render_lookback

    return render_lookback(lookback, issuer=issuer, carried=carried)


def write_document(
    lookback: Lookback, out: BinaryIO, *, issuer: str | None = None, carried: CarryOverReport | None = None
) -> None:
    """The .docx file written to `out`, time-stamped with the as-of day, the long tables' rows
    written (and compressed) as they are read."""
    from workflows.documents.lookback import lookback_document

    lookback_document(lookback, issuer=issuer, carried=carried).write_stamped(out, lookback.as_of)
