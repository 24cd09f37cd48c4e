"""A unit's summary of its year (落实情况总结) as read back (models.reads.summaries): plain data, so
the look-back that carries them can be unpickled without the database's modules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class SummaryRow:
    unit: str
    plan: str | None  # plan key; None: the unit's summary of its whole year
    plan_title: str
    year: int
    text: str
    source: str
    submitted_by: str
    submitted_at: dt.datetime
