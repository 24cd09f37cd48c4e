"""The office's documents that record something in the ledger: the 督办通报 (its issue number)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from models.rules.permissions import Action
from models.settings import Settings
from workflows.documents.service import Written, write_bulletin
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require
from workflows.use_cases.jobs import plans_folder


def issue_bulletin(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    *,
    as_of: dt.date,
    output: Path,
    plan: str | None = None,
    year: int | None = None,
    number: int | None = None,
    issuer: str | None = None,
) -> Written:
    """The bulletin of a plan or a year, written as a document and its number recorded (the next
    one of the year unless given); section titles read from the plans folder, as the look-back."""
    require(actor, Action.ISSUE_BULLETIN)
    return write_bulletin(
        engine,
        as_of=as_of,
        output=output,
        plan=plan,
        year=year,
        number=number,
        issuer=issuer,
        plans_dir=plans_folder(settings),
        actor=actor.name,
    )
