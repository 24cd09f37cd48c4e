"""The look-back's views as plain data: completion by plan, section and unit, and the long lists'
items (models.reads.lookback computes them). Nothing here reads the database, so a process that only
writes a report from them (workflows.lookback_worker) does not import SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from models.reads.saved_lists import LongList
from models.rules.lookback import Category
from models.vocabulary import _

if TYPE_CHECKING:
    from models.reads.summary_row import SummaryRow

NAMED_DONE = 10  # done items of each section a report names (Lookback.done_named)

NO_LEAD = _("(no lead unit named)")
_FIELDS = {category.value: category.value for category in Category}  # Counts' field of each


@dataclass
class Counts:
    done: int = 0
    overdue: int = 0
    ongoing: int = 0
    in_progress: int = 0
    not_started: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.done + self.overdue + self.ongoing + self.in_progress + self.not_started

    @property
    def unfinished(self) -> int:
        return self.total - self.done

    @property
    def dated(self) -> int:
        """The tasks the rate is taken over: all but the open ongoing ones (cancelled excluded)."""
        return self.total - self.ongoing

    @property
    def rate(self) -> float | None:
        """Done as a percentage of `dated`, one decimal; None when that is 0."""
        return round(100 * self.done / self.dated, 1) if self.dated else None

    def add(self, category: str, count: int) -> None:
        # A known category by a dict's lookup (Category() per call was a tenth of the counting at
        # 100,000 tasks); anything else is refused by Category as before.
        name = _FIELDS.get(category) or Category(category).value
        setattr(self, name, getattr(self, name) + int(count))

    def merge(self, other: Counts) -> None:
        for name in Category:
            self.add(name.value, getattr(other, name.value))


@dataclass
class PlanCompletion:
    key: str
    title: str
    year: int | None
    kind: str
    issuer: str
    source: str
    counts: Counts = field(default_factory=Counts)
    name: str = ""  # the short name people read (models.reads.names)


@dataclass
class SectionCompletion:
    plan: str  # plan key
    label: str  # the top-level path label: "一", "（一）", "1", or a source plan's key
    title: str  # the section heading where the ledger (or, later, the report) can tell it; else ""
    kind: str  # tasks / requirements / safeguards
    counts: Counts = field(default_factory=Counts)
    position: int = 0  # first position of the section in its plan, for ordering


@dataclass
class UnitCompletion:
    unit: str  # a lead unit, or NO_LEAD
    counts: Counts = field(default_factory=Counts)


@dataclass
class UnfinishedItem:
    task_id: int
    code: str
    plan: str
    plan_title: str
    path: list[str]
    title: str
    lead: list[str]
    support: list[str]
    due_date: dt.date | None
    deadline_text: str
    deadline_type: str
    status: str
    progress: int
    category: str  # overdue / ongoing / in_progress / not_started
    last_update: dt.date | None
    reason: str  # the latest deferral reason or progress note
    reason_kind: str  # "defer", "progress" or "" (none given)
    carried_to: str | None = None  # the code of the task continuing it in a rectification plan


@dataclass
class OngoingItem:
    task_id: int
    code: str
    plan: str
    path: list[str]
    title: str
    lead: list[str]
    deadline_text: str
    deadline_type: str
    status: str
    progress: int
    note: str  # the latest progress note
    last_update: dt.date | None


@dataclass
class DoneItem:
    task_id: int
    code: str
    plan: str
    path: list[str]
    title: str
    lead: list[str]
    deadline_text: str
    note: str  # the latest progress note
    done_on: dt.date | None  # the day of its latest journal row (when it was marked done)


@dataclass
class Lookback:
    as_of: dt.date
    year: int  # the year of the plan (or the year asked for); summaries are filed under it
    plan: str | None  # the plan key when one plan was asked for
    plans: list[PlanCompletion]
    sections: list[SectionCompletion]
    units: list[UnitCompletion]
    # The long lists: lists, or LongLists read as they are gone through (stream_lookback; in a
    # helper process, SavedItems).
    unfinished: Sequence[UnfinishedItem] | LongList[UnfinishedItem]
    ongoing: Sequence[OngoingItem] | LongList[OngoingItem]
    summaries: list[SummaryRow]
    totals: Counts
    done: Sequence[DoneItem] | LongList[DoneItem] = field(
        default_factory=list
    )  # what was achieved, for the documents
    # The first NAMED_DONE done items of each section (plan key, top-level label), in plan order
    # like `done`: what a report names of them (it counts the rest from the sections' counts).
    # A long list too (ten per section of a ledger's tens of thousands at a million tasks, held in
    # memory that doubled the look-back's peak). None when not read: go through `done`.
    done_named: Sequence[DoneItem] | LongList[DoneItem] | None = None

    @property
    def scope(self) -> str:
        """What the look-back covers, for file names: the plan key or the year."""
        return self.plan if self.plan else str(self.year)

    @property
    def title(self) -> str:
        """The report's subject in Chinese: the plan's title, or the year."""
        if self.plan:
            return self.plans[0].title or self.plan
        return _("Work tasks of {year}").format(year=self.year)


def carried_count(lookback: Lookback) -> int:
    """How many of the unfinished items were carried over to a rectification plan. A streamed
    list counts them once (the Markdown's and the XLSX's overviews and the summary lines each asked,
    each a pass over the list read back from disk)."""
    if isinstance(lookback.unfinished, LongList):
        return lookback.unfinished.counted("carried", _is_carried)
    return sum(1 for item in lookback.unfinished if _is_carried(item))


def _is_carried(item: UnfinishedItem) -> bool:
    return bool(item.carried_to)


def unfinished_ids(lookback: Lookback) -> list[int]:
    """The task ids of a look-back's unfinished items (what carry-over copies)."""
    return [item.task_id for item in lookback.unfinished]
