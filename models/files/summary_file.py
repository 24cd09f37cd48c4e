"""A unit's summary (落实情况总结) as a file: .txt / .md in UTF-8, or the paragraphs of a .docx."""

from __future__ import annotations

from pathlib import Path

from models.errors import BadInput
from models.files.archive_limits import ArchiveLimits, check_archive
from models.vocabulary.i18n import _

# Summaries are a few pages; a file far larger than that is the wrong file, not a summary.
MAX_SUMMARY_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md")
DOCX_SUFFIX = ".docx"


def read_summary_file(path: Path, *, archive_limits: ArchiveLimits | None = None) -> str:
    """The text of a summary file: .txt / .md in UTF-8, or the paragraphs of a .docx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, DOCX_SUFFIX):
        raise BadInput(_("a summary is read from .txt, .md (UTF-8) or .docx"), source=path)
    try:
        size = path.stat().st_size
        if size > MAX_SUMMARY_BYTES:
            raise BadInput(_("{size} bytes is too large for a summary").format(size=size), source=path)
        data = path.read_bytes()
    except OSError as error:
        raise BadInput(
            _("cannot read: {error}").format(error=error.strerror or error), source=path
        ) from error
    if suffix == DOCX_SUFFIX:
        check_archive(data, kind="docx", name=path, limits=archive_limits)  # before python-docx parses it
        return _docx_paragraphs(data, path)
    try:
        return data.decode("utf-8-sig")  # Windows Notepad writes a BOM
    except UnicodeDecodeError as error:
        raise BadInput(
            _("not UTF-8 text (byte {start}): save it as UTF-8, or as .docx").format(start=error.start),
            source=path,
        ) from error


def _docx_paragraphs(data: bytes, path: Path) -> str:
    import io
    import zipfile

    import docx  # python-docx: only this reader needs it
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(io.BytesIO(data))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BadInput(_("not a readable .docx file: {error}").format(error=error), source=path) from error
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
