"""Working days on the Chinese calendar: public holidays and the weekend days made working days (调休).

chinesecalendar knows the State Council's schedule only for the years it was released with (2004–2026
in 1.11) and raises for any other year. Escalation must not crash on a 2027 deadline, so beyond its
range a day is a working day unless it is a weekend or listed in `calendar.extra_holidays`, and the
calendar records a warning naming the year once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from models.errors import BadInput
from models.vocabulary.i18n import _

DAY = dt.timedelta(days=1)


class WorkCalendar:
    def __init__(self, extra_holidays: Iterable[str | dt.date] = ()) -> None:
        self.extra: set[dt.date] = set()
        for value in extra_holidays:
            try:
                self.extra.add(value if isinstance(value, dt.date) else dt.date.fromisoformat(value))
            except ValueError:
                raise BadInput(
                    _("calendar.extra_holidays: {value!r} is not a date (YYYY-MM-DD)").format(value=value)
                ) from None
        self.unknown_years: set[int] = set()  # years answered by the fallback: reported as a warning
        self._cache: dict[dt.date, bool] = {}

    def is_workday(self, day: dt.date) -> bool:
        known = self._cache.get(day)
        if known is None:
            known = self._cache[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> bool:
        if day in self.extra:
            return False
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.unknown_years.add(day.year)
            return day.weekday() < 5

    def shift(self, day: dt.date, offset: int, *, working_days: bool) -> dt.date:
        """`offset` days (or working days) after `day`; negative counts back. A working-day offset of
        0 is the day itself, even on a holiday: the due date is what the document says."""
        if not working_days or offset == 0:
            return day + dt.timedelta(days=offset)
        step = DAY if offset > 0 else -DAY
        remaining = abs(offset)
        while remaining:
            day += step
            if self.is_workday(day):
                remaining -= 1
        return day

    def warnings(self) -> list[str]:
        return [
            f"no holiday calendar for {year}: working days there count only weekends and "
            "calendar.extra_holidays as days off"
            for year in sorted(self.unknown_years)
        ]
