"""The one place "today" comes from: every operation takes an explicit as-of date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from zoneinfo import ZoneInfo

from models import bounds
from models.errors import BadInput
from models.vocabulary.i18n import _


def today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()


class BadDate(BadInput):
    """A date typed as an option or a form field. `what` names that option in the problem itself,
    so the message has no file to point at and leaves out BadInput's `<input>:` placeholder."""

    @property
    def message(self) -> str:
        return self.problem


def parse_date(text: str, *, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date; `what` names where it came from (`--as-of date`) in the error."""
    value = text.strip()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return bounds.check_date(day, what)
    shaped = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if shaped is None:
        raise BadDate(
            _("bad {what} {text}: expected YYYY-MM-DD, e.g. 2021-03-31").format(what=what, text=repr(text))
        ) from None
    # Written right, but no such day: say so, rather than ask for the format it already has.
    year, month, day = (int(part) for part in shaped.groups())
    if year == 0:
        reason = _("there is no year 0")
    elif not 1 <= month <= 12:
        reason = _("there is no month {month}").format(month=month)
    elif day == 0:
        reason = _("there is no day 0")
    else:
        reason = _("month {month} of {year} has {days} days").format(
            month=month,
            year=year,
            days=calendar.monthrange(year, month)[1],
        )
    raise BadDate(
        _("bad {what} {text}: {value} does not exist ({reason})").format(
            what=what, text=repr(text), value=value, reason=reason
        )
    ) from None
