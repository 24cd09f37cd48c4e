"""The one place "today" comes from: every operation takes an explicit as-of date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from models.errors import BadInput
from models.rules import bounds
from models.vocabulary.i18n import _


def today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()


class BadDate(BadInput):
    """A date typed as an option or a form field. `what` names that option in the problem itself,
    so the message has no file to point at and leaves out BadInput's `<input>:` placeholder."""

    @property
    def message(self) -> str:
        return self.problem


# The ways people write a day: 2021-06-30, 2021-6-30, 2021/6/30, 2021.12.20, 2021年6月30日,
# and without the year 6月30日 / 6-30 (the plan's year, else this year). Digits may be full-width.
_WITH_YEAR = re.compile(r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*|年\s*(\d{1,2})\s*月\s*)(\d{1,2})\s*日?")
_WITHOUT_YEAR = re.compile(r"(\d{1,2})\s*(?:月\s*(\d{1,2})\s*日?|[-/.]\s*(\d{1,2}))")
_FORMS = "2021-06-30、2021/6/30、2021.6.30、2021年6月30日、6月30日"


def parse_date(text: str, *, what: str = "date", year: int | None = None) -> dt.date:
    """A day as people type it (the forms above); `what` names where it came from (`--as-of date`)
    in the error, `year` is the year of a day written without one (default: this year).

    The one parser for every date typed into Duban: command options, page forms, workbooks.
    Eight bare digits (20211220) are refused: 2021-12-20 or a number that only looks like one."""
    value = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d{8}", value):
        raise BadDate(
            _(
                "bad {what} {text}: eight digits in a row are ambiguous; write {day} if that is the day"
            ).format(what=what, text=repr(text), day=f"{value[:4]}-{value[4:6]}-{value[6:]}")
        )
    found = _WITH_YEAR.fullmatch(value)
    if found:
        parts = (int(found.group(1)), int(found.group(2) or found.group(3)), int(found.group(4)))
    else:
        short = _WITHOUT_YEAR.fullmatch(value)
        if short is None:
            raise BadDate(
                _("bad {what} {text}: expected a date such as {forms}").format(
                    what=what, text=repr(text), forms=_FORMS
                )
            ) from None
        parts = (year or dt.date.today().year, int(short.group(1)), int(short.group(2) or short.group(3)))
    try:
        return bounds.check_date(dt.date(*parts), what)
    except ValueError:
        pass
    # Written right, but no such day: say so, rather than ask for the format it already has.
    y, month, day = parts
    if y == 0:
        reason = _("there is no year 0")
    elif not 1 <= month <= 12:
        reason = _("there is no month {month}").format(month=month)
    elif day == 0:
        reason = _("there is no day 0")
    else:
        reason = _("month {month} of {year} has {days} days").format(
            month=month,
            year=y,
            days=calendar.monthrange(y, month)[1],
        )
    shown = f"{y:04d}-{month:02d}-{day:02d}"
    raise BadDate(
        _("bad {what} {text}: {value} does not exist ({reason})").format(
            what=what, text=repr(text), value=shown, reason=reason
        )
    ) from None
