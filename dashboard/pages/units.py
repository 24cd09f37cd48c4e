"""The unit registry and the names from documents that match no unit, with the office's merge."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from dashboard.context import Ctx, CtxDep, MergeCtx
from dashboard.params import AsOf
from models.errors import BadInput, NotFound
from models.reads import units as registry
from models.reads.queries import registry_rows
from models.vocabulary.i18n import _
from workflows.use_cases.actor import Actor
from workflows.use_cases.ledger import read_session
from workflows.use_cases.units import merge_units

router = APIRouter(include_in_schema=False)


@router.get("/units")
def units_page(ctx: CtxDep, as_of: AsOf, merged: str = "") -> Response:
    return _page(ctx, as_of=as_of, merged=merged)


def _page(
    ctx: Ctx, *, as_of: dt.date | None = None, merged: str = "", error: str = "", status: int = 200
) -> Response:
    with read_session(ctx.engine) as session:
        rows = registry_rows(session, as_of=as_of or ctx.today)
        message = ""
        if merged:
            # Said only when the ledger bears it out: a crafted link cannot make the page claim a merge.
            target = registry.find(session, merged)
            if target is not None and not target.provisional and target.name != registry.normal(merged):
                message = _(
                    "“{merged}” is now an alias of “{unit}”; the tasks under that name moved to the unit."
                ).format(merged=merged, unit=target.name)
    return ctx.render(
        "units.html",
        status_code=status,
        registered=[row for row in rows if not row.provisional],
        unresolved=[row for row in rows if row.provisional],
        message=message,
        error=error,
    )


@router.post("/units/merge")
def merge(ctx: MergeCtx, alias: Annotated[str, Form()], canonical: Annotated[str, Form()]) -> Response:
    assert ctx.user is not None
    try:
        merge_units(ctx.engine, Actor.of_user(ctx.user), alias, canonical)
    except (BadInput, NotFound) as error:
        message = error.message if isinstance(error, BadInput) else str(error)
        status = 404 if isinstance(error, NotFound) else 400
        return _page(ctx, error=_("Not merged: {problem}").format(problem=message), status=status)
    return RedirectResponse(f"/units?merged={_quote(alias.strip())}", status_code=303)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
