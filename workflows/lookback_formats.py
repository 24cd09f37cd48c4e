"""One format of the look-back written to a file: what the job's process and its helper processes
(workflows.lookback_worker) both call. Nothing it imports, nor the writer it picks, reaches the
database's modules: a helper's start is its imports.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from models.errors import BadInput
from models.vocabulary.i18n import _

if TYPE_CHECKING:
    from models.reads.lookback_views import Lookback
    from models.writes.carry_over_report import CarryOverReport

FORMATS = ("md", "xlsx", "docx")


def write_format(
    lookback: Lookback,
    fmt: str,
    path: Path,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
) -> None:
    """One format of the report written to `path` as its parts are made: the same bytes as
    render(), never held whole (the Markdown's tables too: each is laid out in two passes)."""
    if fmt == "md":
        from workflows.lookback_markdown import write_markdown

        with path.open("w", encoding="utf-8", newline="") as out:
            write_markdown(lookback, out, issuer=issuer, carried=carried)
    elif fmt == "xlsx":
        from workflows.lookback_xlsx import write_workbook

        with path.open("wb") as binary:
            write_workbook(lookback, binary, carried=carried)
    elif fmt == "docx":
        from workflows.lookback_docx import write_document

        with path.open("wb") as binary:
            write_document(lookback, binary, issuer=issuer, carried=carried)
    else:
        raise BadInput(
            _("unknown look-back format {fmt!r}: one of {choices}").format(
                fmt=fmt, choices=", ".join(FORMATS)
            )
        )
