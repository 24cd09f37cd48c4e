"""The look-back (回头看) report: Markdown, an XLSX workbook and a DOCX document, and carry-over.

The figures come from models.reads.lookback (grouped queries); the formats only lay them out, each in its
own module: workflows.lookback_outline (the wording, table rows and chapters they share),
lookback_markdown, lookback_xlsx and lookback_docx. This module is the entry point: it computes the
look-back, runs carry-over and writes the files. Every file is rendered in memory first and then
written atomically, so a failure leaves no half-written report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from models.errors import BadInput, DubanError
from models.reads.lookback import (
    NO_LEAD,
    Lookback,
    SectionCompletion,
    carried_count,
    compute_lookback,
    scope_keys,
    scope_size,
    stream_lookback,
)
from models.storage.db import read_session, write_session
from models.vocabulary.i18n import _
from models.writes.carry_over import CarryOverReport, carry_over
from workflows.lookback_formats import FORMATS, write_format
from workflows.lookback_outline import Block, rate_text
from workflows.lookback_package import write_stamped
from workflows.lookback_processes import PARALLEL_FROM, side_by_side, write_formats


@dataclass
class LookbackResult:
    lookback: Lookback
    files: dict[str, Path] = field(default_factory=dict)  # format -> file written
    carried: CarryOverReport | None = None
    # summary_lines of the look-back written: its long lists were read while it was written and
    # are not kept (`lookback` then holds the aggregates only).
    summary: str = ""
    # The peak memory of the processes that wrote formats beside the job's, added up (KiB).
    helper_peak_kib: int = 0

    @property
    def paths(self) -> list[Path]:
        return list(self.files.values())


# --- Computing -------------------------------------------------------------------------------


def build_lookback(
    engine: Engine,
    *,
    as_of: dt.date,
    plan: str | None = None,
    year: int | None = None,
    plans_dir: Path | None = None,
) -> Lookback:
    """The look-back, with section headings looked up in the source documents where the ledger
    does not know them (they are headings, not tasks, so the ledger never stored them). Its
    figures and lists are read from one snapshot of the ledger: they agree."""
    with read_session(engine, one_snapshot=True) as session:
        lookback = compute_lookback(session, as_of=as_of, plan=plan, year=year)
    if plans_dir is not None:
        fill_section_titles(lookback, plans_dir)
    return lookback


def fill_section_titles(lookback: Lookback, plans_dir: Path) -> None:
    """Best effort: the top-level headings of each plan's source document in `plans_dir`, matched
    by label (一, 二 …). A document that is missing or cannot be read just leaves the label alone."""
    # The untitled sections per plan first: going through every section for every plan took
    # minutes on a ledger of 20,000 plans.
    untitled: dict[str, list[SectionCompletion]] = {}
    for section in lookback.sections:
        if not section.title:
            untitled.setdefault(section.plan, []).append(section)
    for plan in lookback.plans:
        sections = untitled.get(plan.key)
        if not sections or not plan.source:
            continue
        headings = document_headings(Path(plans_dir) / plan.source)
        for section in sections:
            section.title = headings.get(section.label, "")


def document_headings(path: Path) -> dict[str, str]:
    """Top-level label -> heading title of a work-plan document ({} when it cannot be read)."""
    if not path.is_file():  # before the parser's imports: a ledger's plans may have no documents
        return {}
    from parsing.cleaning import clean_text
    from parsing.reading import read_document
    from parsing.script import to_simplified
    from parsing.sentences import split_title
    from parsing.structure import build_outline

    try:
        cleaned = clean_text(read_document(path))
        lines = [(line.no, line.text, to_simplified(line.text)) for line in cleaned.lines]
        outline = build_outline(lines)
    except (DubanError, OSError, ValueError):
        return {}
    headings: dict[str, str] = {}
    for root in outline.roots:
        if root.children:  # a heading over points, not a point of its own
            headings.setdefault(root.label, split_title(root.head)[0].rstrip("：:。"))
    return headings


def preview_lookback(
    engine: Engine,
    *,
    as_of: dt.date,
    plan: str | None = None,
    year: int | None = None,
    carry: bool = False,
    plans_dir: Path | None = None,
) -> LookbackResult:
    """A dry run: the look-back and, with carry, what carry-over would copy. Writes nothing."""
    lookback = build_lookback(engine, as_of=as_of, plan=plan, year=year, plans_dir=plans_dir)
    carried = None
    if carry:
        with read_session(engine) as session:
            carried = carry_over(session, lookback, actor="", as_of=as_of, dry_run=True)
    return LookbackResult(lookback, carried=carried)


def write_lookback(
    engine: Engine,
    *,
    as_of: dt.date,
    plan: str | None = None,
    year: int | None = None,
    formats: Sequence[str] = FORMATS,
    output: Path,
    carry: bool = False,
    actor: str = "lookback",
    plans_dir: Path | None = None,
    issuer: str | None = None,
    processes: int = 0,
) -> LookbackResult:
    """Compute the look-back and write it in each format; with carry, first copy the unfinished
    items into next year's rectification list (so the report shows where each one went).

    `output` is a folder (files `lookback-<plan or year>-<as-of>.<ext>`), or — when one format is
    asked for and `output` ends in its suffix — the file itself. Bad formats or paths are refused
    before anything is written or carried over. The files appear together once every format is
    written: one that fails leaves none of them (and the old files, if any, as they were).

    `processes` (config lookback.processes): how many processes write the formats side by side
    (workflows.lookback_processes): 1 the job's alone, 0 as many as help.
    """
    chosen = _formats(formats)
    if (plan is None) == (year is None):
        raise BadInput(code="lookback.scope", field=("plan", "year"))
    scope = plan if plan is not None else str(year)
    targets = output_paths(Path(output), chosen, scope=scope, as_of=as_of)
    carried = None
    if carry:
        # By the scope's plan keys, not a computed look-back: carry-over reads the open tasks of
        # those plans itself (the look-back's unfinished items), so its long lists are never held.
        with write_session(engine) as session:
            keys = scope_keys(session, plan=plan, year=year)
            carried = carry_over(session, keys, actor=actor, as_of=as_of)
    # The long lists are read from the database as each file is written, in one read transaction
    # (the same ledger for every format): memory stays flat whatever the ledger's size.
    with read_session(engine, one_snapshot=True) as session:
        # The helpers (if the scope is worth them) start first: they import while the figures are
        # counted here; on PostgreSQL the long lists are read beside the counting, in a thread on
        # a second connection that sees the same snapshot.
        tasks = scope_size(session, plan=plan, year=year, up_to=PARALLEL_FROM)
        with side_by_side(session, len(chosen), tasks, processes) as sharing:
            lookback = stream_lookback(
                session, as_of=as_of, plan=plan, year=year, lists_made=sharing.lists_made
            )
            if plans_dir is not None:
                fill_section_titles(lookback, plans_dir)

            def write(fmt: str, path: Path) -> None:
                write_format(lookback, fmt, path, issuer=issuer, carried=carried)

            peak = write_formats(lookback, targets, sharing, issuer=issuer, carried=carried, write=write)
        result = LookbackResult(lookback, files=dict(targets), carried=carried, helper_peak_kib=peak)
        summary = summary_lines(lookback, carried)
    # What the caller reads after the session is closed: the aggregates and the lines above, not
    # the long lists (they were read while writing).
    result.lookback = _closed(lookback)
    result.summary = summary
    return result


def _closed(lookback: Lookback) -> Lookback:
    return dataclasses.replace(lookback, unfinished=[], ongoing=[], done=[])


def _formats(formats: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(f).lower().lstrip(".") for f in formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise BadInput(
            _("unknown look-back format {value!r}: one of {choices}").format(
                value=unknown[0], choices=", ".join(FORMATS)
            )
        )
    if not chosen:
        raise BadInput(
            _("no look-back format chosen: one or more of {choices}").format(choices=", ".join(FORMATS))
        )
    return chosen


def output_paths(output: Path, formats: Sequence[str], *, scope: str, as_of: dt.date) -> dict[str, Path]:
    """Where each format goes: a file named by `output` itself, or files in the folder `output`."""
    suffix = output.suffix.lower().lstrip(".")
    if suffix in FORMATS and not output.is_dir():
        if list(formats) == [suffix]:
            return {suffix: output}
        raise BadInput(
            _(
                "names one .{suffix} file, but the formats asked for are {formats}: give a folder, or ask for that one format"
            ).format(suffix=suffix, formats=", ".join(formats)),
            source=output,
        )
    if output.exists() and not output.is_dir():
        raise BadInput(_("is a file: give a folder, or a .md/.xlsx/.docx file for one format"), source=output)
    safe = re.sub(r"[^\w.-]+", "_", scope)  # a plan key is a file stem already; be sure of it
    stem = f"lookback-{safe}-{as_of.isoformat()}"
    return {fmt: output / f"{stem}.{fmt}" for fmt in formats}


def render(
    lookback: Lookback,
    fmt: str,
    *,
    issuer: str | None = None,
    carried: CarryOverReport | None = None,
    outline: list[tuple[str, list[Block]]] | None = None,
) -> bytes:
    """One format of the report, as the bytes of its file. `outline` (`chapters(lookback, carried)`)
    can be passed in to build the table rows once for Markdown and DOCX.

    The same look-back gives the same bytes, whoever renders it and whenever: the Office files'
    own time stamps (the archive's entries, the document's created and modified dates) are set to
    the as-of day, not to the moment of writing."""
    if fmt == "md":
        from workflows.lookback_markdown import render_markdown

        return render_markdown(lookback, issuer=issuer, carried=carried, outline=outline).encode("utf-8")
    if fmt == "xlsx":
        from workflows.lookback_xlsx import render_workbook

        return stamped(render_workbook(lookback, carried=carried), lookback.as_of)
    if fmt == "docx":
        from workflows.lookback_docx import render_document

        document = render_document(lookback, issuer=issuer, carried=carried, outline=outline)
        return stamped(document, lookback.as_of)
    raise BadInput(
        _("unknown look-back format {fmt!r}: one of {choices}").format(fmt=fmt, choices=", ".join(FORMATS))
    )


def stamped(data: bytes, day: dt.date) -> bytes:
    """An Office file (a ZIP archive) with every time stamp set to `day`: each entry's modification
    time and the created/modified dates of docProps/core.xml. openpyxl and python-docx stamp the
    moment of writing, which made two writes of one look-back differ."""
    out = io.BytesIO()
    write_stamped(data, {}, out, day=day)
    return out.getvalue()


# --- Plain text for the CLI ------------------------------------------------------------------


def summary_lines(lookback: Lookback, carried: CarryOverReport | None = None) -> str:
    """A few lines for the terminal: the totals, each plan, what carry-over did or would do."""
    t = lookback.totals
    rate = "-" if t.rate is None else f"{t.rate:.1f}%"
    plans = _("1 plan") if len(lookback.plans) == 1 else _("{count} plans").format(count=len(lookback.plans))
    lines = [
        _("look-back {scope} as of {day}: {plans}, {total} tasks").format(
            scope=lookback.scope, day=lookback.as_of.isoformat(), plans=plans, total=t.total
        )
        + (_(" ({count} cancelled, not counted)").format(count=t.cancelled) if t.cancelled else ""),
        "  "
        + _(
            "done {done} ({rate}), overdue {overdue}, ongoing {ongoing}, in progress {in_progress},"
            " not started {not_started}"
        ).format(
            done=t.done,
            rate=rate,
            overdue=t.overdue,
            ongoing=t.ongoing,
            in_progress=t.in_progress,
            not_started=t.not_started,
        ),
    ]
    if len(lookback.plans) > 1:
        for p in lookback.plans:
            c = p.counts
            lines.append(
                "  "
                + _("{key}: {total} tasks, done {done} ({rate}), overdue {overdue}").format(
                    key=p.key, total=c.total, done=c.done, rate=rate_text(c), overdue=c.overdue
                )
            )
    behind = [u for u in lookback.units if u.counts.overdue and u.unit != NO_LEAD][:5]
    if behind:
        lines.append(
            "  "
            + _("most overdue (lead units): ")
            + _(", ").join(f"{u.unit} {u.counts.overdue}" for u in behind)
        )
    already = carried_count(lookback)
    lines.append(
        "  "
        + _("unfinished items: {count}").format(count=len(lookback.unfinished))
        + (_(" ({count} carried over)").format(count=already) if already else "")
        + _("; ongoing items: {ongoing}; unit summaries: {summaries}").format(
            ongoing=len(lookback.ongoing), summaries=len(lookback.summaries)
        )
    )
    if carried is not None:
        if carried.plans:
            for target in carried.plans:
                moved = (
                    _("would carry {count} items into {key}")
                    if carried.dry_run
                    else _("carried {count} items into {key}")
                )
                lines.append(
                    "  "
                    + moved.format(count=len(target.created), key=target.key)
                    + (_(" ({count} carried before)").format(count=target.skipped) if target.skipped else "")
                )
        else:
            nothing = (
                _("would carry nothing: no unfinished items")
                if carried.dry_run
                else _("carried nothing: no unfinished items")
            )
            lines.append("  " + nothing)
    return "\n".join(lines)
