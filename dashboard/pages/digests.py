"""Weekly digests: those queued and sent, one notice read in full, and next week's preview.

Digest bodies carry task titles copied from documents, so they are shown only as escaped text (a
<pre> of the plain-text body); the HTML body is served on its own URL under a CSP sandbox, never
inserted into a page of the dashboard.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from dashboard.context import Ctx, CtxDep
from dashboard.params import AsOf
from models.errors import NotFound
from models.reads import notices
from models.reads.digest import collect_digests, week_of
from models.reads.units import by_id
from models.vocabulary.i18n import _
from workflows.digest import office_draft, unit_draft
from workflows.notice_bodies import body
from workflows.use_cases.ledger import read_session

if TYPE_CHECKING:  # a type only: faces import no storage at run time
    from models.storage.tables import Notice

router = APIRouter(include_in_schema=False)

LISTED = 300  # the newest notices listed; older weeks are one ?week= away
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


def recipient_label(recipient: str) -> str:
    kind, _colon, name = recipient.partition(":")
    if kind == "unit":
        return name
    if kind == "leader":
        return _("{name} (leader in charge)").format(name=name)
    return _("office") if recipient == "office" else recipient


def local_time(ctx: Ctx, value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back the stored UTC time without its zone
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(ctx.settings.timezone)).strftime("%Y-%m-%d %H:%M")


def next_monday(day: dt.date) -> dt.date:
    """The Monday after `day` (a week later when `day` is a Monday): when the next digest goes out."""
    return day + dt.timedelta(days=7 - day.weekday())


@router.get("/digests")
def digests_page(ctx: CtxDep, as_of: AsOf, week: str = "", unit: str = "") -> Response:
    with read_session(ctx.engine) as session:
        listed = notices.list_notices(session, kind=notices.DIGEST, period=week or None, limit=LISTED)
        own = by_id(session, ctx.user.unit_id) if ctx.user and ctx.user.unit_id else None
        upcoming = next_monday(as_of)
        found_all = collect_digests(
            session,
            as_of=upcoming,
            due_within=ctx.settings.digest.due_within_days,
            stale_days=ctx.settings.digest.stale_days,
        )
    digests = found_all.units
    sent = [
        {
            "id": n.id,
            "week": n.period,
            "recipient": recipient_label(n.recipient),
            "subject": n.subject,
            "created": local_time(ctx, n.created_at),
            "sent": local_time(ctx, n.sent_at),
            "attempts": n.attempts,
            "error": n.last_error,
        }
        for n in listed
    ]
    # The drafts compose_digests(dry_run=True) would make, from the same functions, but only the
    # two anyone reads here: rendering every unit's digest of a 100,000-task ledger takes ~25 s and
    # ~16 MB; the office's digest plus one unit's takes a fraction of that.
    preview_week = week_of(upcoming)
    office = office_draft(digests, preview_week, upcoming, ctx.settings, no_lead=found_all.no_lead)
    chosen = unit.strip() or (own.name if own else "")
    found = next((d for d in digests if d.unit == chosen), None)
    unit_preview = (
        unit_draft(found, preview_week, upcoming, ctx.settings) if found and not found.empty() else None
    )
    return ctx.render(
        "digests.html",
        sent=sent,
        listed=LISTED,
        week=week,
        as_of=as_of.isoformat(),
        preview_day=upcoming.isoformat(),
        preview_week=preview_week,
        office=office,
        office_text=body(office, "text"),
        chosen=chosen,
        unit_preview=unit_preview,
        unit_preview_text=body(unit_preview, "text") if unit_preview else "",
        units=[d for d in digests if not d.empty()],
    )


def _notice(ctx: Ctx, notice_id: int) -> Notice:
    with read_session(ctx.engine) as session:
        found = notices.notice(session, notice_id)
    if found is None:
        raise NotFound(_("no notice numbered {id}").format(id=notice_id))
    return found


@router.get("/digests/{notice_id}")
def notice_page(ctx: CtxDep, notice_id: int) -> Response:
    notice = _notice(ctx, notice_id)
    with read_session(ctx.engine) as session:
        deliveries = [
            {"at": local_time(ctx, d.at), "channel": d.channel, "ok": d.ok, "error": d.error}
            for d in notices.deliveries(session, notice_id)
        ]
    return ctx.render(
        "digest.html",
        notice=notice,
        body_text=body(notice, "text"),
        recipient=recipient_label(notice.recipient),
        created=local_time(ctx, notice.created_at),
        sent=local_time(ctx, notice.sent_at),
        deliveries=deliveries,
    )


@router.get("/digests/{notice_id}/body.html")
def notice_html(ctx: CtxDep, notice_id: int) -> Response:
    """The formatted body on its own, sandboxed: no script runs, nothing is loaded, and the page
    gets an opaque origin, so markup in it can neither act as the dashboard nor read its data."""
    notice = _notice(ctx, notice_id)
    return Response(
        body(notice, "html") or "<p>" + _("(no web-page body)") + "</p>",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": SANDBOX, "Cache-Control": "no-store"},
    )
