"""Ingest: documents and reviewed plan files -> the ledger.

Everything is read and parsed before anything is written, and all files go in one transaction, so
a bad file among several leaves the ledger exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from models.errors import BadInput
from models.files.archive_limits import ArchiveLimits
from models.files.files import atomic_path
from models.files.plan_file import dump_plan, read_plan_file
from models.plan import ParsedPlan
from models.reads.units import UnitSpec, read_registry
from models.settings import Settings
from models.storage.db import write_session
from models.vocabulary.i18n import _
from models.writes.decisions import NOTHING_CONFIRMED, Confirmed
from models.writes.ledger import ImportReport, import_plan
from models.writes.units import load_registry
from parsing.sources import SOURCE_SUFFIXES, parse_source

PLAN_SUFFIX = ".plan.toml"
REGISTRY_NAME = "units.toml"  # the unit registry kept beside the plans


def plan_key(path: Path) -> str:
    """`plans/2021-x.plan.toml` and `plans/2021-x.txt` are the same plan: `2021-x`."""
    name = path.name
    return name[: -len(PLAN_SUFFIX)] if name.endswith(PLAN_SUFFIX) else path.stem


def load(path: Path, *, max_bytes: int, archive_limits: ArchiveLimits | None = None) -> ParsedPlan:
    """A reviewed plan file as written, or a document parsed afresh."""
    if path.name.endswith(PLAN_SUFFIX):
        return read_plan_file(path)
    if path.suffix.lower() in SOURCE_SUFFIXES or path.suffix == "":
        return parse_source(path, max_bytes=max_bytes, archive_limits=archive_limits)
    raise BadInput(
        _("not a plan file or a document ({suffixes})").format(
            suffixes=", ".join((PLAN_SUFFIX, *SOURCE_SUFFIXES))
        ),
        source=path,
    )


def registry_beside(paths: list[Path]) -> list[UnitSpec]:
    """Units from every units.toml in the folders of the imported files (plans/units.toml)."""
    specs: list[UnitSpec] = []
    for folder in sorted({path.resolve().parent for path in paths}):
        if (folder / REGISTRY_NAME).is_file():
            specs += read_registry(folder / REGISTRY_NAME)
    return specs


def import_paths(
    engine: Engine,
    paths: list[Path],
    *,
    actor: str,
    max_bytes: int,
    units: list[UnitSpec] | None = None,
    day: dt.date | None = None,
    archive_limits: ArchiveLimits | None = None,
    confirmed: Confirmed = NOTHING_CONFIRMED,
    dry_run: bool = False,
) -> list[ImportReport]:
    """Import documents or plan files; the registry (config units plus units.toml beside the files)
    is loaded first, in the same transaction, so names resolve before tasks are assigned."""
    keys: dict[str, Path] = {}
    plans = []
    for path in paths:
        key = plan_key(path)
        if key in keys:
            raise BadInput(
                _("the same plan as {other} (a document and its plan file?): import one").format(
                    other=keys[key]
                ),
                source=path,
            )
        keys[key] = path
        plans.append((key, load(path, max_bytes=max_bytes, archive_limits=archive_limits)))
    specs = [*(units or []), *registry_beside(paths)]
    return import_loaded(
        engine, plans, actor=actor, units=specs, day=day, confirmed=confirmed, dry_run=dry_run
    )


def import_loaded(
    engine: Engine,
    plans: list[tuple[str, ParsedPlan]],
    *,
    actor: str,
    units: list[UnitSpec],
    day: dt.date | None = None,
    confirmed: Confirmed = NOTHING_CONFIRMED,
    dry_run: bool = False,
) -> list[ImportReport]:
    """Plans already read, keyed, into the ledger in one transaction. A dry run does all of it and
    rolls it back: the preview is what the import itself would do, by the same code."""
    with write_session(engine) as session:
        if units:
            load_registry(session, units)
        reports = [
            import_plan(session, plan, key=key, actor=actor, day=day, confirmed=confirmed, dry_run=dry_run)
            for key, plan in plans
        ]
        if dry_run:
            session.rollback()
        return reports


@dataclass
class IngestResult:
    plan_files: list[Path] = field(default_factory=list)
    reports: list[ImportReport] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def ingest_documents(
    engine: Engine,
    settings: Settings,
    paths: list[str | Path],
    *,
    run_import: Callable[[list[Path]], list[ImportReport]],
) -> IngestResult:
    """Each document parsed into a plan file in plans/ (a reviewed file already there is kept: it
    holds the office's corrections), then every plan file imported in one transaction by
    `run_import` (workflows.use_cases.imports, which calls this)."""
    result = IngestResult()
    folder = settings.resolve(settings.plans.dir)
    for raw in paths:
        path = Path(raw)
        if path.name.endswith(PLAN_SUFFIX):
            result.plan_files.append(path)
            continue
        target = folder / f"{plan_key(path)}{PLAN_SUFFIX}"
        if target.exists():
            result.lines.append(f"{path.name}: kept the reviewed {target.name}")
        else:
            plan = load(path, max_bytes=settings.plans.max_document_bytes, archive_limits=settings.archives)
            with atomic_path(target) as temporary:
                temporary.write_text(dump_plan(plan), encoding="utf-8")
            result.lines.append(f"{path.name}: wrote {target} ({len(plan.tasks)} points) for review")
        result.plan_files.append(target)
    result.reports = run_import(result.plan_files)
    result.lines += [
        f"{r.plan_key}: {r.created} new, {r.updated} updated, {r.withdrawn} withdrawn"
        + (f", {r.kept} changes to fields decided in the ledger kept" if r.kept else "")
        for r in result.reports
    ]
    return result
