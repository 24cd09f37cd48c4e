"""The year-end look-back (回头看): the figures on a page, and the report files to download.

The figures come from workflows.lookback_report (preview_lookback), the files from the look-back
use case (workflows.use_cases.jobs.look_back_document, the bytes the CLI and the jobs write): nothing
is computed here, and nothing is written to disk — a download is rendered in memory and streamed.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from dashboard.context import Ctx, CtxDep, signed_in
from dashboard.params import AsOf
from models.errors import BadInput, NotFound
from models.reads.lookback import Lookback
from models.reads.queries import list_plans
from models.vocabulary import CATEGORIES, SECTIONS, STATUSES, _
from workflows.lookback_outline import COUNT_HEADERS, count_cells, rate_text
from workflows.lookback_report import preview_lookback
from workflows.use_cases.actor import Actor
from workflows.use_cases.jobs import look_back_document, plans_folder
from workflows.use_cases.ledger import read_session

router = APIRouter(include_in_schema=False)

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
SHOWN_UNFINISHED = 200  # the page lists this many unfinished items; the downloads list them all


class Scope:
    """A plan (by key) or a year, and the as-of date, from the query string."""

    def __init__(self, *, year: str, plan: str, as_of: dt.date) -> None:
        self.as_of = as_of
        self.plan = plan.strip() or None
        self.year: int | None = None
        if self.plan is None:
            text = year.strip() or str(self.as_of.year)
            if not text.isdigit():
                raise BadInput(
                    _("the year “{year}” is not right: write a year such as 2021").format(year=year)
                )
            self.year = int(text)

    @property
    def query(self) -> str:
        chosen = {"plan": self.plan} if self.plan else {"year": self.year}
        return urlencode({**chosen, "as_of": self.as_of.isoformat()})

    @property
    def name(self) -> str:
        return self.plan or _("year {year}").format(year=self.year)

    def missing(self) -> NotFound:
        return NotFound(
            _("no plan “{plan}” in the ledger").format(plan=self.plan)
            if self.plan
            else _("no plans for {year} in the ledger").format(year=self.year)
        )

    def lookback(self, ctx: Ctx) -> Lookback:
        try:
            result = preview_lookback(
                ctx.engine,
                as_of=self.as_of,
                plan=self.plan,
                year=self.year,
                plans_dir=plans_folder(ctx.settings),
            )
        except NotFound:
            raise self.missing() from None
        return result.lookback

    def document(self, ctx: Ctx, fmt: str) -> bytes:
        """The report file: the same bytes `duban lookback` and the scheduled job write."""
        try:
            return look_back_document(
                ctx.engine,
                ctx.settings,
                Actor.of_user(signed_in(ctx)),
                as_of=self.as_of,
                fmt=fmt,
                plan=self.plan,
                year=self.year,
            )
        except NotFound:
            raise self.missing() from None


@router.get("/lookback")
def lookback_page(ctx: CtxDep, as_of: AsOf, year: str = "", plan: str = "") -> Response:
    scope = Scope(year=year, plan=plan, as_of=as_of)
    with read_session(ctx.engine) as session:
        plans = [p for p in list_plans(session, as_of=scope.as_of) if p.kind != "report"]
    error, lookback = "", None
    try:
        lookback = scope.lookback(ctx)
    except NotFound as missing:
        error = str(missing)
    return ctx.render(
        "lookback.html",
        status_code=404 if error else 200,
        scope=scope,
        plans=plans,
        lookback=lookback,
        error=error,
        count_cells=count_cells,  # the report's own figures and wording
        count_header_words=COUNT_HEADERS,
        rate=rate_text,
        categories=CATEGORIES,
        statuses=STATUSES,
        section_kinds=SECTIONS,
        shown=SHOWN_UNFINISHED,
    )


@router.get("/lookback.{fmt}")
def download(ctx: CtxDep, fmt: str, as_of: AsOf, year: str = "", plan: str = "") -> Response:
    """The report file, rendered in memory and sent as an attachment named in Chinese."""
    if fmt not in MEDIA_TYPES:
        raise NotFound(_("no look-back report in .{fmt} (xlsx, docx or md)").format(fmt=fmt))
    scope = Scope(year=year, plan=plan, as_of=as_of)
    data = scope.document(ctx, fmt)
    filename = _("look-back-{name}-{day}.{fmt}").format(name=scope.name, day=scope.as_of.isoformat(), fmt=fmt)
    # RFC 6266: an ASCII name for old clients, the UTF-8 name for every current browser.
    fallback = re.sub(r"[^A-Za-z0-9.-]+", "_", f"lookback-{scope.plan or scope.year}-{scope.as_of}.{fmt}")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})
