"""`duban inbox --as NAME`: what waits for a unit, the office or a leader (models.reads.inbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from cli import context
from cli.errors import reported
from cli.options import Actor, AsOf, Fmt
from cli.tables import Format, render
from models.vocabulary.i18n import N_, _

if TYPE_CHECKING:
    from models.reads.inbox import Inbox
    from models.settings import Settings


def register(app: typer.Typer) -> None:
    app.command(name="inbox")(reported(inbox))


def inbox(actor: Actor = "office", as_of: AsOf = None, fmt: Fmt = Format.table) -> None:
    """What waits for you: a unit's tasks to acknowledge and report on, returned completions and
    extension decisions; the office's requests to decide and who has not acknowledged or reported;
    a leader's tasks at the 督办 and 通报 levels and replies to their instructions."""
    from workflows.use_cases.inbox import inbox_of

    settings = context.settings()
    found = inbox_of(context.ledger(), settings, context.actor(actor), as_of=context.as_of(as_of))
    print(_inbox_text(found, settings, fmt))


def _inbox_text(found: Inbox, settings: Settings, fmt: Format) -> str:
    from models.vocabulary import ROLES, word
    from models.vocabulary.lifecycle_reports import (
        DECISIONS,
        INBOX_EMPTY,
        INBOX_OWNERS,
        INBOX_SECTIONS,
        PAGE_WORDS,
    )
    from workflows.escalate import level_names

    levels = level_names(settings)
    headers = [
        N_("section"),
        N_("task"),
        N_("plan"),
        N_("title"),
        N_("unit"),
        N_("day"),
        N_("state"),
        N_("detail"),
    ]
    rows = []
    for key, items in found.sections.items():
        for item in items:
            state = levels.get(item.state) or DECISIONS.get(item.state) or word(ROLES, item.state)
            if item.late:
                state = f"{state} " + _("past due") if state else _("past due")
            detail = f"{item.about} → {item.detail}" if item.about else item.detail
            rows.append(
                [INBOX_SECTIONS[key], item.code, item.plan, item.title, item.unit, item.day, state, detail]
            )
    if fmt is not Format.table:
        return render(headers, rows, fmt)
    title = INBOX_OWNERS[found.owner].format(name=found.name)
    lines = [title]
    for key, items in found.sections.items():
        lines.append(f"\n{INBOX_SECTIONS[key]}（{found.totals[key]}）")
        if found.totals[key] > len(items):
            lines.append("  " + PAGE_WORDS["first_rows"].format(count=len(items)))
        if not items:
            lines.append("  " + INBOX_EMPTY)
            continue
        section = [row[1:] for row in rows if row[0] == INBOX_SECTIONS[key]]
        lines.append(
            render(headers[1:], [[*r[:2], r[2][:30], *r[3:6], r[6][:40]] for r in section], Format.table)
        )
    return "\n".join(lines)
