"""What the look-back report says, shared by its three formats: labels, wording, table rows and
the outline of chapters.

Markdown and DOCX lay out the same outline (`chapters`) and the XLSX sheets use the same labels, so
a leader reading the DOCX and a clerk filtering the XLSX never see different numbers or words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from models.reads.lookback_views import NO_LEAD, Counts, Lookback, carried_count
from models.reads.names import path_label
from models.vocabulary import CATEGORIES, SECTIONS, STATUSES
from models.vocabulary.i18n import _
from models.writes.carry_over_report import CarryOverReport

DEFAULT_ISSUER = _("office")

CATEGORY_LABELS = CATEGORIES  # the words of models.vocabulary
SECTION_KINDS = SECTIONS
COUNT_HEADERS = [
    _("total tasks"),
    *(CATEGORIES[c] for c in ("done", "overdue", "ongoing", "in_progress", "not_started")),
    _("completion rate"),
    _("cancelled (not counted)"),
]
DEFINITIONS = _(
    "How tasks are counted: withdrawn tasks are left out; cancelled tasks are listed apart, outside the total"
    " and the completion rate. Every other task falls in one category, judged in this order: done; overdue,"
    " unfinished (not closed and due before the as-of date; a deferred task by its new date); ongoing (tasks"
    " to keep up, carry on or repeat, with no deadline); in progress (deferred tasks not yet at their new"
    " deadline included); not started. The categories add up to the total. Completion rate = done ÷ (total −"
    " ongoing), i.e. counted over the tasks with a deadline; ongoing tasks have no deadline, are counted"
    " apart and are not in the completion rate."
)
RATE_NOTE = _(
    "The completion rate is counted over the tasks with a deadline; ongoing tasks are counted apart and are"
    " not in the completion rate."
)
UNIT_NOTE = _(
    "By lead unit: a task with several lead units counts for each of them; a task with no lead unit named"
    " counts under “{no_lead}”."
).format(no_lead=NO_LEAD)


# --- Wording ---------------------------------------------------------------------------------


def report_title(lookback: Lookback) -> str:
    return _("Look-back on how {title} was carried out").format(title=lookback.title)


def cn_date(day: dt.date) -> str:
    return _("{year}-{month}-{day}").format(year=day.year, month=day.month, day=day.day)


def rate_text(counts: Counts) -> str:
    return "—" if counts.rate is None else f"{counts.rate:.1f}%"


def count_cells(counts: Counts) -> list[Any]:
    return [
        counts.total,
        counts.done,
        counts.overdue,
        counts.ongoing,
        counts.in_progress,
        counts.not_started,
        rate_text(counts),
        counts.cancelled,
    ]


def overview(lookback: Lookback) -> str:
    t = lookback.totals
    plans = _("{count} plans").format(count=len(lookback.plans)) if lookback.plan is None else _("the plan")
    text = _(
        "As of {day}, {plans} had {total} tasks, {dated} of them with a deadline: {done} done, a completion"
        " rate of {rate}; {overdue} overdue and unfinished, {in_progress} in progress, {not_started} not"
        " started. {ongoing} ongoing tasks are counted apart, outside the completion rate."
    ).format(
        day=cn_date(lookback.as_of),
        plans=plans,
        total=t.total,
        dated=t.dated,
        done=t.done,
        rate=rate_text(t),
        overdue=t.overdue,
        in_progress=t.in_progress,
        not_started=t.not_started,
        ongoing=t.ongoing,
    )
    if t.cancelled:
        text += _(" Besides, {count} were cancelled and are not counted.").format(count=t.cancelled)
    carried = carried_count(lookback)
    if carried:
        text += _(
            " {count} of the unfinished tasks have been carried over to the rectification list."
        ).format(count=carried)
    return text


def issuer_of(lookback: Lookback, issuer: str | None) -> str:
    if issuer:
        return issuer
    found = {p.issuer for p in lookback.plans if p.issuer}
    return found.pop() if len(found) == 1 else DEFAULT_ISSUER


def path_text(path: list[str]) -> str:
    return path_label(path)


def due_text(due: dt.date | None, text: str) -> str:
    if due and text:
        return _("{text} ({due})").format(text=text, due=due.isoformat())
    return text or (due.isoformat() if due else "—")


def status_text(status: str) -> str:
    return STATUSES.get(status, status)


def reason_text(reason: str, kind: str) -> str:
    if not reason:
        return _("(not reported)")
    return _("Reason for deferral: {reason}").format(reason=reason) if kind == "defer" else reason


def section_name(label: str, title: str) -> str:
    return f"{label} {title}" if title and title != label else label


def plan_rows(lookback: Lookback) -> list[list[Any]]:
    return [[p.title or p.key, p.key, p.year or "", *count_cells(p.counts)] for p in lookback.plans]


def section_rows(lookback: Lookback) -> list[list[Any]]:
    labels = plan_labels(lookback)  # not plan_label per row: a year may have thousands of plans
    return [
        [
            labels.get(s.plan, s.plan),
            s.label,
            s.title,
            SECTION_KINDS.get(s.kind, s.kind),
            *count_cells(s.counts),
        ]
        for s in lookback.sections
    ]


def unit_rows(lookback: Lookback) -> list[list[Any]]:
    return [[u.unit, *count_cells(u.counts)] for u in lookback.units]


def plan_label(lookback: Lookback, key: str) -> str:
    """The short name of a plan of the look-back, for its tables (never the key)."""
    return next((p.name or p.title or p.key for p in lookback.plans if p.key == key), key)


class Rows:
    """A long list's table rows, made as they are read each time the table goes through them (the
    list may come from the database: models.reads.long_lists.Items); true when there are any."""

    def __init__(self, items: Any, make: Callable[[], Iterator[list[Any]]]) -> None:
        self.items, self.make = items, make

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[list[Any]]:
        return self.make()


def unfinished_rows(lookback: Lookback) -> Rows:
    return Rows(lookback.unfinished, lambda: _unfinished_rows(lookback))


def plan_labels(lookback: Lookback) -> dict[str, str]:
    """plan key -> plan_label, for the long tables (a ledger may have thousands of plans)."""
    labels: dict[str, str] = {}
    for p in lookback.plans:
        labels.setdefault(p.key, p.name or p.title or p.key)
    return labels


def _unfinished_rows(lookback: Lookback) -> Iterator[list[Any]]:
    labels = plan_labels(lookback)
    comma = _(", ")
    return (
        [
            number,
            item.code,
            labels.get(item.plan, item.plan),
            path_text(item.path),
            item.title,
            comma.join(item.lead) or "—",
            due_text(item.due_date, item.deadline_text),
            CATEGORY_LABELS.get(item.category, item.category),
            f"{status_text(item.status)} {item.progress}%",
            item.last_update.isoformat() if item.last_update else "—",
            reason_text(item.reason, item.reason_kind),
            item.carried_to or "",
        ]
        for number, item in enumerate(lookback.unfinished, start=1)
    )


# The columns naming a task, first in both lists of items.
TASK_HEADERS = [_("Rank"), _("Task code"), _("Plan"), _("Numbering path"), _("Task"), _("lead unit")]
UNFINISHED_HEADERS = [
    *TASK_HEADERS,
    _("Deadline"),
    _("Category"),
    _("Status"),
    _("Last update"),
    _("Reason or progress"),
    _("Carried over to"),
]


def ongoing_rows(lookback: Lookback) -> Rows:
    return Rows(lookback.ongoing, lambda: _ongoing_rows(lookback))


def _ongoing_rows(lookback: Lookback) -> Iterator[list[Any]]:
    labels = plan_labels(lookback)
    comma = _(", ")
    return (
        [
            number,
            item.code,
            labels.get(item.plan, item.plan),
            path_text(item.path),
            item.title,
            comma.join(item.lead) or "—",
            item.deadline_text or "—",
            f"{status_text(item.status)} {item.progress}%",
            item.last_update.isoformat() if item.last_update else "—",
            item.note or _("(no progress reported)"),
        ]
        for number, item in enumerate(lookback.ongoing, start=1)
    )


ONGOING_HEADERS = [
    *TASK_HEADERS,
    _("Deadline as written"),
    _("Status"),
    _("Last update"),
    _("Latest progress"),
]


def summary_heading(row: Any) -> str:
    scope = _("({plan})").format(plan=row.plan_title or row.plan) if row.plan else _("(all year)")
    return f"{row.unit}{scope}"


def summary_meta(row: Any) -> str:
    by = _(", submitted by: {who}").format(who=row.submitted_by) if row.submitted_by else ""
    source = _(", source: {source}").format(source=row.source) if row.source else ""
    return _("Submitted on: {day}").format(day=row.submitted_at.date().isoformat()) + by + source


def cn_number(number: int) -> str:
    """一, 二 … for chapter and summary numbers."""
    from parsing.numbering import int_to_cn

    return int_to_cn(number)


Block = str | tuple


def chapters(lookback: Lookback, carried: CarryOverReport | None) -> list[tuple[str, list[Block]]]:
    """The report's chapters as (heading, blocks): paragraphs, ("table", headers, rows) and
    ("sub", heading). One outline for Markdown and DOCX, so they never drift apart."""
    totals = [_("Total"), "", "", *count_cells(lookback.totals)]
    plan_heads = [_("Plan"), _("Plan number"), _("Year"), *COUNT_HEADERS]
    section_heads = [_("Plan number"), _("Part"), _("Title"), _("Category"), *COUNT_HEADERS]
    outline: list[tuple[str, list[Block]]] = [
        (_("Overall"), [overview(lookback), DEFINITIONS]),
        (_("Completion by plan"), [("table", plan_heads, [*plan_rows(lookback), totals])]),
        (_("Completion by part"), [("table", section_heads, section_rows(lookback))]),
        (
            _("Completion by unit"),
            [UNIT_NOTE, ("table", [_("lead unit"), *COUNT_HEADERS], unit_rows(lookback))],
        ),
        (
            _("Unfinished"),
            [
                _(
                    "{count} in all (every task not closed, ongoing ones included); the reason is the latest"
                    " reason for deferral or progress report."
                ).format(count=len(lookback.unfinished)),
                ("table", UNFINISHED_HEADERS, unfinished_rows(lookback)),
            ],
        ),
        (
            _("Ongoing tasks"),
            [
                _(
                    "{count} in all (tasks to keep up, carry on or repeat), each with its latest progress report."
                ).format(count=len(lookback.ongoing)),
                ("table", ONGOING_HEADERS, ongoing_rows(lookback)),
            ],
        ),
    ]
    summaries: list[Block] = []
    if not lookback.summaries:
        summaries.append(_("No unit has sent its summary yet."))
    for number, row in enumerate(lookback.summaries, start=1):
        summaries.append(("sub", _("({number})").format(number=cn_number(number)) + summary_heading(row)))
        summaries += [line.strip() for line in row.text.splitlines() if line.strip()]
        summaries.append(summary_meta(row))
    outline.append((_("The units' summaries"), summaries))
    if carried is not None and not carried.dry_run and carried.plans:
        blocks: list[Block] = []
        for target in carried.plans:
            blocks.append(
                _("{count} unfinished tasks carried over to “{title}” ({key})").format(
                    count=len(target.created), title=target.title, key=target.key
                )
                + (
                    _(", {count} more carried over before").format(count=target.skipped)
                    if target.skipped
                    else ""
                )
                + _(".")
            )
            if target.created:
                heads = [_("Original task"), _("Rectification task")]
                blocks.append(("table", heads, [list(pair) for pair in target.created]))
        outline.append((_("Carried over to rectification"), blocks))
    return outline
