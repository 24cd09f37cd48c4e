"""The form unit names and plan titles are matched in: Simplified Chinese, without spaces.

Apart from models.reads.units (which re-exports `normal`) so that naming a plan does not import the
registry's SQLModel reads: `duban tasks` names plans without them (models.reads.quick).
"""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normal(name: str) -> str:
    """The form names are matched in: Simplified, without spaces."""
    return _t2s().convert("".join(name.split()))
