"""Finding and parsing source documents in a plans folder."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path

from models.errors import BadInput
from models.files.archive_limits import ArchiveLimits
from models.plan import ParsedPlan
from models.vocabulary.i18n import _
from parsing.plan import parse_text
from parsing.reading import MAX_BYTES, read_document

SOURCE_SUFFIXES = (".txt", ".htm", ".html", ".docx")


def plan_sources(folder: Path) -> list[Path]:
    """Source documents in a plans folder, by name (reviewed *.plan.toml files are not sources)."""
    if not folder.is_dir():
        raise BadInput(_("plans folder not found"), code="plans.folder_not_found", source=folder)
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)


def parse_source(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    archive_limits: ArchiveLimits | None = None,
    known_units: Collection[str] = (),
) -> ParsedPlan:
    """Parse one document file and record where it came from (name and SHA-256). `known_units`: the
    unit registry's names and aliases, which help recognise units in prose (optional)."""
    text = read_document(path, max_bytes=max_bytes, archive_limits=archive_limits)
    plan = parse_text(text, source=str(path), known_units=known_units)
    plan.source = path.name
    plan.source_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return plan
