"""Plain-text renderings of parsed plans for the terminal (tabulate)."""

from __future__ import annotations

from tabulate import tabulate

from models.plan import ParsedPlan, SectionKind
from models.vocabulary import DEADLINE_TYPES, PLAN_KINDS, RECURRENCES, SECTIONS, word
from models.vocabulary.i18n import _

_TITLE_WIDTH = 28


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plan_table(plan: ParsedPlan) -> str:
    """The ledger of one parsed plan: a header, one row per task, warnings underneath."""
    facts = [
        plan.title or _("(untitled)"),
        _("kind: {kind}  issuer: {issuer}  number: {number}  year: {year}  tasks: {tasks}").format(
            kind=word(PLAN_KINDS, plan.kind),
            issuer=plan.issuer or "-",
            number=plan.doc_number or "-",
            year=plan.year or "-",
            tasks=len(plan.tasks),
        ),
    ]
    rows = []
    for task in plan.tasks:
        deadline = task.deadline
        when = (
            deadline.date.isoformat()
            if deadline.date
            else word(RECURRENCES, deadline.recurrence) or word(DEADLINE_TYPES, deadline.type)
        )
        units = "、".join(task.lead_units) or "-"
        if task.support_units:
            units += " / " + "、".join(task.support_units)
        if task.units_open_ended:
            units += " …"
        rows.append(
            [
                " > ".join(task.path),
                _short(task.title, _TITLE_WIDTH),
                _short(units, _TITLE_WIDTH),
                when,
                _short(deadline.text, 12),
                "" if task.section is SectionKind.TASKS else word(SECTIONS, task.section),
            ]
        )
    headers = [_("path"), _("title"), _("lead / support"), _("due"), _("phrase"), _("section")]
    table = tabulate(rows, headers=headers)
    parts = ["\n".join(facts), table if rows else _("(no tasks)")]
    if plan.warnings:
        parts.append(_("warnings:") + "\n" + "\n".join(f"  - {warning}" for warning in plan.warnings))
    return "\n\n".join(parts) + "\n"
