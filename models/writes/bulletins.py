"""The numbered 督办通报 the office has issued: 第N期 of a year, one journal row each.

Issuing a 通报 is a step of the 督办 lifecycle, so it is journalled like the others (action
"bulletin", no task: it covers many): `field` is the year, `new` the number, `note` the title.
The next number of a year is one more than the highest recorded; writing the same number again
(a corrected issue) records nothing new.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.errors import BadInput
from models.reads.bulletins import ACTION, issued_numbers
from models.storage.tables import Journal
from models.vocabulary.i18n import _


def record_bulletin(
    session: Session, *, year: int, number: int, title: str, actor: str, day: dt.date
) -> bool:
    """Journal 第`number`期 of `year`; False (nothing written) when it was recorded before."""
    if number < 1:
        raise BadInput(_("a bulletin number is 1 or more, not {number}").format(number=number))
    if number in issued_numbers(session, year):
        return False
    session.add(Journal(day=day, actor=actor, action=ACTION, field=str(year), new=str(number), note=title))
    return True
