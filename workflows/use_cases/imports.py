"""Plans into the ledger: one use case for the CLI's `duban import`, the dashboard's upload, the
ingest flow and the demo. Every path imports with the same settings (size and archive limits, the
configured units and the units.toml beside the files), in one transaction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from models.rules.permissions import Action
from models.settings import Settings

# Re-exported for the faces, which name them but import no writes: what a confirmation and a
# report of an import are.
from models.writes.decisions import EVERYTHING_CONFIRMED as EVERYTHING_CONFIRMED
from models.writes.decisions import NOTHING_CONFIRMED, Confirmed
from models.writes.decisions import FieldChange as FieldChange
from models.writes.decisions import TaskChange as TaskChange
from models.writes.ledger import ImportReport
from workflows import ingest, plan_upload
from workflows.ingest import IngestResult
from workflows.plan_upload import ImportOutcome, TaskEdit
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require


def import_plans(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    paths: list[Path],
    *,
    day: dt.date | None = None,
    confirmed: Confirmed = NOTHING_CONFIRMED,
    dry_run: bool = False,
) -> list[ImportReport]:
    """Documents or reviewed plan files, all in one transaction (a bad one leaves the ledger as it
    was); `day` is the business day the journal records. Fields decided in the ledger keep their
    value unless `confirmed`; a dry run reports what would change and writes nothing."""
    require(actor, Action.IMPORT_PLAN)
    return _import(engine, settings, actor, paths, day=day, confirmed=confirmed, dry_run=dry_run)


def ingest_documents(
    engine: Engine, settings: Settings, actor: Actor, paths: list[str | Path], *, day: dt.date | None = None
) -> IngestResult:
    """Each document parsed into a plan file in plans/ for review (a reviewed one there is kept),
    then every plan file imported."""
    require(actor, Action.IMPORT_PLAN)
    return ingest.ingest_documents(
        engine, settings, paths, run_import=lambda files: _import(engine, settings, actor, files, day=day)
    )


def confirm_upload(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    upload_id: str,
    *,
    key: str,
    edits: dict[int, TaskEdit],
    title: str | None = None,
    year: str | None = None,
    replace: bool = False,
    confirmed: Confirmed = NOTHING_CONFIRMED,
) -> ImportOutcome:
    """The dashboard's reviewed upload: its plan file written beside the plans and imported; all or
    nothing. The upload belongs to the account that made it. Changes to decided fields are applied
    only where `confirmed` names them."""
    require(actor, Action.IMPORT_PLAN)
    assert actor.user_id is not None  # uploads are made by signed-in accounts
    return plan_upload.confirm(
        settings,
        upload_id,
        owner=actor.user_id,
        key=key,
        edits=edits,
        title=title,
        year=year,
        replace=replace,
        run_import=lambda target: _import(engine, settings, actor, [target], confirmed=confirmed)[0],
    )


def preview_upload(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    upload_id: str,
    *,
    key: str,
    edits: dict[int, TaskEdit],
    title: str | None = None,
    year: str | None = None,
) -> ImportReport:
    """What confirming the upload as reviewed would do to the ledger, task by task (decided fields
    marked); the import itself run and rolled back, so nothing is written."""
    require(actor, Action.IMPORT_PLAN)
    assert actor.user_id is not None
    _, key, plan, target = plan_upload.reviewed(
        settings, upload_id, owner=actor.user_id, key=key, edits=edits, title=title, year=year
    )
    units = [*settings.units, *ingest.registry_beside([target])]
    return ingest.import_loaded(engine, [(key, plan)], actor=actor.name, units=units, dry_run=True)[0]


def _import(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    paths: list[Path],
    *,
    day: dt.date | None = None,
    confirmed: Confirmed = NOTHING_CONFIRMED,
    dry_run: bool = False,
) -> list[ImportReport]:
    return ingest.import_paths(
        engine,
        paths,
        actor=actor.name,
        max_bytes=settings.plans.max_document_bytes,
        units=settings.units,
        day=day,
        archive_limits=settings.archives,
        confirmed=confirmed,
        dry_run=dry_run,
    )
