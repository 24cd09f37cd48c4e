"""Units' own summaries of their year (落实情况总结): submitted, read back, shown in the look-back.

Work plans close with a task like `请各处室单位于11月30日前报送本要点工作任务落实情况总结`; what the
units send is kept here. The table is append-only: a unit that sends a corrected summary adds a row,
and the newest row per unit (and plan) is the one shown, so nothing a unit sent is ever lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.errors import BadInput, NotFound
from models.files.archive_limits import ArchiveLimits, check_archive
from models.storage.tables import Plan, Unit, UnitSummary
from models.vocabulary.i18n import _
from models.writes import units as registry

# Summaries are a few pages; a file far larger than that is the wrong file, not a summary.
MAX_SUMMARY_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md")
DOCX_SUFFIX = ".docx"


@dataclass
class SummaryRow:
    unit: str
    plan: str | None  # plan key; None: the unit's summary of its whole year
    plan_title: str
    year: int
    text: str
    source: str
    submitted_by: str
    submitted_at: dt.datetime


def submit_summary(
    session: Session,
    *,
    unit: str,
    year: int,
    text: str,
    plan: str | None = None,
    source: str = "",
    actor: str,
) -> UnitSummary:
    """Record a unit's summary (a new row, never an overwrite). The unit must exist (by name or
    alias): a summary filed under a misspelt name would silently miss the look-back."""
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise BadInput(code="summary.empty", field="text", source=source or None)
    if not 1900 <= year <= 2200:
        raise BadInput(_("year {year} is not a plausible plan year").format(year=year))
    unit_record = registry.get(session, unit)
    plan_id: int | None = None
    if plan:
        plan_record = session.exec(select(Plan).where(Plan.key == plan)).first()
        if plan_record is None:
            raise NotFound(code="plan.not_found", plan=plan)
        if plan_record.year is not None and plan_record.year != year:
            raise BadInput(
                _("plan {plan!r} is the plan of {plan_year}, not of {year}").format(
                    plan=plan, plan_year=plan_record.year, year=year
                )
            )
        plan_id = plan_record.id
    summary = UnitSummary(
        unit_id=unit_record.id,  # type: ignore[arg-type]
        plan_id=plan_id,
        year=year,
        text=cleaned,
        source=source[:500],
        submitted_by=actor,
    )
    session.add(summary)
    session.flush()
    return summary


def list_summaries(
    session: Session,
    *,
    year: int | None = None,
    plan_ids: list[int] | None = None,
    include_whole_year: bool = True,
    latest: bool = True,
) -> list[SummaryRow]:
    """Summaries, by year, unit and plan. latest=True keeps the newest per (unit, plan, year);
    plan_ids narrows to those plans (plus the units' whole-year summaries when include_whole_year).

    Newest is the highest id: rows are only ever appended, and ids, unlike timestamps, never tie.
    """
    query = (
        select(UnitSummary, Unit.name, Plan.key, Plan.title)
        .join(Unit, col(Unit.id) == UnitSummary.unit_id)
        .join(Plan, col(Plan.id) == UnitSummary.plan_id, isouter=True)
    )
    if year is not None:
        query = query.where(UnitSummary.year == year)
    if plan_ids is not None:
        chosen = col(UnitSummary.plan_id).in_(plan_ids)
        query = query.where(chosen | col(UnitSummary.plan_id).is_(None) if include_whole_year else chosen)
    if latest:
        newest = select(func.max(UnitSummary.id)).group_by(
            UnitSummary.unit_id, UnitSummary.plan_id, UnitSummary.year
        )
        query = query.where(col(UnitSummary.id).in_(newest))
    query = query.order_by(col(UnitSummary.year), Unit.name, col(Plan.key).is_not(None), Plan.key)
    return [
        SummaryRow(
            unit=unit_name,
            plan=plan_key,
            plan_title=plan_title or "",
            year=summary.year,
            text=summary.text,
            source=summary.source,
            submitted_by=summary.submitted_by,
            submitted_at=summary.submitted_at,
        )
        for summary, unit_name, plan_key, plan_title in session.exec(query)
    ]


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
