"""Wording the documents share: points, units, dates, counts and the rows of count tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from models.reads.lookback_views import NO_LEAD, Counts, Lookback
from models.reads.names import CN_NUMERALS, path_label
from models.vocabulary import CATEGORIES
from models.vocabulary.i18n import _
from workflows.documents.gongwen import Column, cn_date
from workflows.lookback_outline import CATEGORY_LABELS, issuer_of, rate_text


def point_label(path: Sequence[str]) -> str:
    """A point's place as a document writes it: 五、12 / 二（三）2 / （一）1 / 3."""
    return path_label(path)


def section_label(label: str, title: str) -> str:
    """一、加强政府信息公开条例的贯彻落实 (or the bare label when the heading is not known)."""
    if set(label) <= CN_NUMERALS:
        return f"{label}、{title}" if title and title != label else label
    return f"{label} {title}" if title and title != label else label


def units_text(names: Iterable[str], *, none: str = NO_LEAD) -> str:
    return "、".join(names) or none


def units_few(names: Sequence[str], *, most: int = 3, none: str = NO_LEAD) -> str:
    """At most `most` names and the count (办公室、法规处、执法稽查局等18个单位), for a cell where
    the full list is given elsewhere in the document."""
    if len(names) <= most:
        return units_text(names, none=none)
    return "、".join(names[:most]) + f"等{len(names)}个单位"


def short_date(day: dt.date | None, year: int) -> str:
    """10月10日 within the year of the document, 2020年10月10日 outside it, — for none."""
    if day is None:
        return "—"
    return f"{day.month}月{day.day}日" if day.year == year else cn_date(day)


def due_phrase(text: str, due: dt.date | None, year: int) -> str:
    """The document's own phrase and the date it comes to: 上半年（11月15日）."""
    if due is None:
        return text or "—"
    date = short_date(due, year)
    if not text or text == date:
        return date
    return f"{text}（{date}）"


def agency(lookback: Lookback, issuer: str | None) -> str:
    """The agency the document speaks for: the one named, or the plans' common issuer, or ""."""
    if issuer:
        return issuer
    found = {p.issuer for p in lookback.plans if p.issuer}
    return found.pop() if len(found) == 1 else ""


def signer(lookback: Lookback, issuer: str | None) -> str:
    return issuer_of(lookback, issuer)


def period_text(lookback: Lookback) -> str:
    start = dt.date(lookback.year, 1, 1)
    if lookback.as_of < start:
        return f"（截至{cn_date(lookback.as_of)}）"
    return f"（{cn_date(start)}至{cn_date(lookback.as_of)}）"


def plan_names(lookback: Lookback) -> str:
    return "".join(f"《{p.title or p.key}》" for p in lookback.plans)


def category_text(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


def state_text(category: str, status: str, progress: int) -> str:
    """逾期未完成 / 推进中 60% / 持续推进 80%, and 已延期 on a line of its own."""
    label = category_text(category) + (f" {progress}%" if progress else "")
    return label + ("\n已延期" if status == "deferred" else "")


COUNT_COLUMNS = [  # the look-back's words (models.vocabulary)
    Column(_("total tasks"), fit=True),
    Column(_("tasks with a deadline"), fit=True),
    Column(CATEGORIES["done"], fit=True),
    Column(_("completion rate"), fit=True),
    Column(CATEGORIES["overdue"], fit=True),
    Column(CATEGORIES["in_progress"], fit=True),
    Column(CATEGORIES["not_started"], fit=True),
    Column(CATEGORIES["ongoing"], fit=True),
    Column(CATEGORIES["cancelled"], fit=True),
]
SHORT_COUNT_COLUMNS = [COUNT_COLUMNS[i] for i in (0, 1, 2, 3, 4, 7)]


def count_values(counts: Counts, *, short: bool = False) -> list[Any]:
    full = [
        counts.total,
        counts.dated,
        counts.done,
        rate_text(counts),
        counts.overdue,
        counts.in_progress,
        counts.not_started,
        counts.ongoing,
        counts.cancelled,
    ]
    return [full[i] for i in (0, 1, 2, 3, 4, 7)] if short else full
