"""Sub-points printed inside one paragraph: `1.深化改革。(1)全面落实…。(A牵头负责)(2)完善…。(A牵头负责)`.

Numbered sub-points that run on in one paragraph are separate points when each of them carries its
own responsibility clause: the office assigns them one by one. Without that, an inline `（1）…（2）…`
is an enumeration inside the point's body, like `一是…二是…`, and the paragraph stays whole.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from parsing.numbering import Scheme, match_marker
from parsing.units import find_units

# Where an inline marker may start: right after a sentence or a clause has closed.
_BEFORE = "。；;）)】〕"
_START = re.compile(rf"(?<=[{_BEFORE}])[（(0-9①②③④⑤⑥⑦⑧⑨⑩]")
_SCHEMES = (Scheme.CN_PAREN, Scheme.AR_PAREN, Scheme.AR_DOT, Scheme.CIRCLED)
_MIN_ITEMS = 2


def split_inline_points(norm: str, known: Collection[str] = ()) -> list[tuple[int, int]]:
    """Spans of the pieces of a line: the whole line, or the text before the first inline sub-point
    and one span per sub-point."""
    candidates: dict[Scheme, list[tuple[int, int]]] = {}
    for found in _START.finditer(norm):
        at = found.start()
        marker = match_marker(norm[at:])
        if marker is None or marker.damaged or marker.scheme not in _SCHEMES or marker.value is None:
            continue
        candidates.setdefault(marker.scheme, []).append((at, marker.value))
    for found in candidates.values():
        run = _run(found)
        if len(run) < _MIN_ITEMS:
            continue
        starts = [at for at, _ in run]
        ends = [*starts[1:], len(norm)]
        if all(find_units(norm[s:e], known=known).spans for s, e in zip(starts, ends, strict=True)):
            pieces = [(0, starts[0])] if norm[: starts[0]].strip() else []
            return pieces + list(zip(starts, ends, strict=True))
    return [(0, len(norm))]


def _run(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The candidates numbered 1, 2, 3… in order (the longest such run)."""
    best: list[tuple[int, int]] = []
    for index, (_, value) in enumerate(found):
        if value != 1:
            continue
        run = [found[index]]
        for item in found[index + 1 :]:
            if item[1] == run[-1][1] + 1:
                run.append(item)
        best = max(best, run, key=len)
    return best
