"""The limits every input meets at the edge of the core: dates, numbers, text. One rule for all faces.

The CLI, the pages, the API, plan files and Excel workbooks all reach the ledger through these
checks, so a value one face refuses is refused by every other, with the same Chinese message:

- dates lie within 2000-01-01..2100-12-31: a deferral to 0001-01-01 would make every escalation run
  overflow, one to 9999-12-31 would take the task off the ladder for good;
- whole numbers (days ahead, a year) lie within a stated range;
- text holds only the characters XML 1.0 allows (tab, line feed and carriage return among the
  control characters): NUL cannot be stored by PostgreSQL, and \\x0b or \\uffff cannot be written to
  a DOCX or an XLSX, so one note holding them would break every report. Such text is refused, not
  silently changed: the person who typed it is told which field;
- text has a maximum length per field (a title, a note, a plan path).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from models.errors import BadInput
from models.vocabulary.i18n import _

T = TypeVar("T")

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MIN_YEAR, MAX_YEAR = MIN_DATE.year, MAX_DATE.year
MAX_DAYS_AHEAD = 3660  # `due_within`: ten years ahead is more than any plan looks

# Lengths in characters. Titles and paths are what the ledger's columns hold (models.storage.tables); a
# note or a body is free text, bounded so one cell cannot swell a report or the database.
MAX_TITLE = 2000
MAX_LABEL = 50  # one element of a task's path: 一 / （三） / 2
MAX_PATH = 12  # elements of a path: no plan nests deeper than a handful of levels
MAX_PATH_KEY = 200  # the joined path, as stored in task.path_key
MAX_NOTE = 5000  # a progress note, a deferral reason, evidence
MAX_BODY = 50_000  # a task's body text from a plan file
MAX_NAME = 200  # a unit, a user name, a plan key, a filter value
MAX_TASKS = 20_000  # tasks in one plan file

# Characters outside XML 1.0's Char production: C0 controls but tab, LF and CR; surrogates; U+FFFE
# and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class OutOfBounds(BadInput):
    """A value past one of the limits. The problem names the field, so there is no `<input>:`."""

    @property
    def message(self) -> str:
        if self.source is None:
            return self.problem
        return super().message


def check_date(day: dt.date, field: str, *, source: str | None = None, line: int | None = None) -> dt.date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise OutOfBounds(
            _("{field} {day} is out of range ({low} to {high})").format(
                field=field, day=day.isoformat(), low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat()
            ),
            source=source,
            line=line,
        )
    return day


def check_int(value: int, field: str, *, low: int, high: int) -> int:
    if not low <= value <= high:
        raise OutOfBounds(
            _("{field} must be between {low} and {high}, not {value}").format(
                field=field, low=low, high=high, value=_short(str(value))
            )
        )
    return value


def forbidden_character(text: str) -> str | None:
    """The first character the rule refuses, as a readable escape (`\\x00`), or None."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` without the characters the rule refuses: for reports written from a ledger that holds
    some from before the rule (a DOCX or an XLSX cannot hold them at all)."""
    return _FORBIDDEN.sub("", text) if _FORBIDDEN.search(text) else text


def holds_forbidden(value: object) -> bool:
    """Whether any string within `value` (strings, lists, tuples, dict values, dataclasses' fields)
    holds a character the rule refuses: one search over them all, nothing copied (what scrubbed
    would clean, asked first where it rarely has anything to do)."""
    texts: list[str] = []
    _gather_texts(value, texts)
    return _FORBIDDEN.search("".join(texts)) is not None


def _gather_texts(value: object, texts: list[str]) -> None:
    if isinstance(value, str):
        texts.append(value)
        return
    if isinstance(value, dict):
        items: Iterable[object] = value.values()
    elif isinstance(value, (list, tuple)):
        items = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = vars(value).values()
    else:
        return
    for item in items:
        # Texts and plain values here, only containers gone into (a call per field was most of it).
        if type(item) is str:
            texts.append(item)
        elif type(item) not in _PLAIN:
            _gather_texts(item, texts)


_PLAIN = frozenset({int, float, bool, type(None), dt.date, dt.datetime})


def scrubbed(value: T) -> T:
    """`value` with every string in it made printable: strings, lists, tuples, dicts and dataclasses
    (copied, not changed in place)."""
    if isinstance(value, str):
        return printable(value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [scrubbed(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(scrubbed(item) for item in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: scrubbed(item) for key, item in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: scrubbed(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    return value


def shown_name(name: str) -> str:
    """A field name fit for a message: forbidden characters escaped, cut short."""
    text = _FORBIDDEN.sub(lambda found: f"\\x{ord(found.group()):02x}", name)
    return _short(text)


def check_text(
    text: str, field: str, *, limit: int, source: str | None = None, line: int | None = None
) -> str:
    """`text` unchanged, or OutOfBounds naming `field` when it is too long or holds a control character."""
    bad = forbidden_character(text)
    if bad is not None:
        raise OutOfBounds(
            _("{field} holds a control character that is not allowed: {bad}").format(field=field, bad=bad),
            source=source,
            line=line,
        )
    if len(text) > limit:
        raise OutOfBounds(
            _("{field} is too long: {count:,} characters, the limit is {limit:,}").format(
                field=field, count=len(text), limit=limit
            ),
            source=source,
            line=line,
        )
    return text


def check_texts(values: Iterable[tuple[str, str]], *, limit: int) -> None:
    for field, text in values:
        check_text(text, field, limit=limit)


def check_plan(
    plan: object, *, source: str | None = None, line_of: Callable[[int], int | None] | None = None
) -> None:
    """A parsed plan's structure and text within the limits (a plan file edited by hand, or one
    written by something else): paths non-empty and short, titles and bodies bounded, dates sane."""
    from models.plan import ParsedPlan

    assert isinstance(plan, ParsedPlan)
    check_text(plan.title, _("plan title"), limit=MAX_TITLE, source=source)
    named = (
        (_("issuing office"), plan.issuer),
        (_("document number"), plan.doc_number),
        (_("source file"), plan.source),
    )
    for field, text in named:
        check_text(text, field, limit=MAX_NAME, source=source)
    if plan.year is not None and not MIN_YEAR <= plan.year <= MAX_YEAR:
        raise OutOfBounds(
            _("year {year} is out of range ({low} to {high})").format(
                year=_short(str(plan.year)), low=MIN_YEAR, high=MAX_YEAR
            ),
            source=source,
        )
    if len(plan.tasks) > MAX_TASKS:
        raise OutOfBounds(
            _("too many tasks: {count:,}, the limit is {limit:,}").format(
                count=len(plan.tasks), limit=MAX_TASKS
            ),
            source=source,
        )
    for number, task in enumerate(plan.tasks, start=1):
        where = _("task {number}: ").format(number=number)
        line = line_of(number - 1) if line_of else None
        if not task.path or any(not label.strip() for label in task.path):
            raise OutOfBounds(
                where + _("its numbering path (path) is empty or has an empty part"), source=source, line=line
            )
        if len(task.path) > MAX_PATH:
            raise OutOfBounds(
                where
                + _("its numbering path (path) has {count:,} levels, the limit is {limit}").format(
                    count=len(task.path), limit=MAX_PATH
                ),
                source=source,
                line=line,
            )
        for label in task.path:
            check_text(
                label,
                where + _("a part of its numbering path (path)"),
                limit=MAX_LABEL,
                source=source,
                line=line,
            )
        if len("/".join(task.path)) > MAX_PATH_KEY:
            raise OutOfBounds(where + _("its numbering path (path) is too long"), source=source, line=line)
        check_text(task.title, where + _("title"), limit=MAX_TITLE, source=source, line=line)
        check_text(task.body, where + _("body text"), limit=MAX_BODY, source=source, line=line)
        check_text(
            task.deadline.text, where + _("deadline as written"), limit=MAX_NAME, source=source, line=line
        )
        for unit in (*task.lead_units, *task.support_units):
            check_text(unit, where + _("unit"), limit=MAX_NAME, source=source, line=line)
        if task.deadline.date is not None:
            check_date(task.deadline.date, where + _("deadline"), source=source, line=line)


def _short(text: str) -> str:
    return (
        text
        if len(text) <= 40
        else _("{start}… ({count:,} characters in all)").format(start=text[:20], count=len(text))
    )
