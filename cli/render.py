"""Plain-text renderings of parsed plans for the terminal (tabulate)."""

from __future__ import annotations

from tabulate import tabulate

from models.plan import ParsedPlan, SectionKind

_TITLE_WIDTH = 28


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plan_table(plan: ParsedPlan) -> str:
    """The ledger of one parsed plan: a header, one row per task, warnings underneath."""
    facts = [
        f"{plan.title or '(untitled)'}",
        f"kind: {plan.kind.value}  issuer: {plan.issuer or '-'}  number: {plan.doc_number or '-'}"
        f"  year: {plan.year or '-'}  tasks: {len(plan.tasks)}",
    ]
    rows = []
    for task in plan.tasks:
        deadline = task.deadline
        when = deadline.date.isoformat() if deadline.date else (deadline.recurrence or deadline.type.value)
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
                "" if task.section is SectionKind.TASKS else task.section.value,
            ]
        )
    table = tabulate(rows, headers=["path", "title", "lead / support", "due", "phrase", "section"])
    parts = ["\n".join(facts), table if rows else "(no tasks)"]
    if plan.warnings:
        parts.append("warnings:\n" + "\n".join(f"  - {warning}" for warning in plan.warnings))
    return "\n\n".join(parts) + "\n"
