"""The tree of numbered points, chosen over the whole sequence of marker candidates.

Every line that starts like a marker is a candidate (parsing.numbering): clean ones (`（三）`, `2.`)
and damaged ones (`)聚焦…` that lost its `（二`, a `《…》` or `【…】` line that merely looks like
debris). Which candidates are points, and what their values are, is decided for the document as a
whole by a dynamic programme over the candidates in order: its state is the open path of points
(scheme and value at each level) and the last value each scheme reached, and every choice has a
cost. A clean marker that fits its sequence costs nothing; leaving it out costs a lot; a damaged
candidate costs a repair, so it is accepted only where the sequence needs it (a gap that it fills);
a value that jumps ahead costs per missing point; a value that repeats or goes back is repaired to
the one expected, at a cost; a scheme nested under a lower-ranked one (一、 under 1.) costs a little.
Numbering may restart under each parent or run straight through the document (both happen).
Each repair and each gap is reported as a warning that quotes the marker as printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsing.numbering import Marker, Scheme, label, match_marker

# Conventional rank of each scheme (GB/T 9704 orders 一、 （一） 1. （1）); a document may skip levels.
_RANK = {
    Scheme.PART: 0,
    Scheme.CN_DUN: 1,
    Scheme.CN_PAREN: 2,
    Scheme.AR_DOT: 3,
    Scheme.AR_PAREN: 4,
    Scheme.CIRCLED: 5,
}
_SCHEMES = list(_RANK)

# Costs of the choices, in "points lost": leaving out a clean marker is the worst thing to do.
SKIP_CLEAN = 3.0  # a clean marker at a line start that is not taken as a point
# Damaged candidates are left out more cheaply, the more doubtful they are: a numeral with a bracket
# lost (`?二）`) is nearly certain; a line opening with a lone closing bracket (`)聚焦…`, its `（二`
# lost) is unusual in prose; other debris (`《`, `【`, `?。`) starts ordinary lines too, so it costs
# nothing to leave out and is taken only where the sequence needs it.
SKIP_NUMERAL = 2.0
SKIP_BRACKET = 1.5
REPAIR_LOST = 1.0  # a damaged marker whose numeral was lost: its value comes from the sequence
DAMAGED = 0.5  # a damaged marker whose numeral survived
REPEAT = 1.5  # a value that repeats or goes back, repaired to the expected one
GAP_PER_POINT = 2.0  # a value that jumps ahead, per point missing
GAP_MAX_POINTS = 3
# A new level whose first point is not 1 (a stray `2.` of an attachment list, a cited item) is
# suspicious on its own: it is taken only when points after it follow on from it.
FRESH_GAP = 1.5
# A copy that starts inside a document (a PDF's later pages, a page cut at the top) opens on a
# section past 一: the first point of all, at the 一、 level, is taken at a flat cost however many
# sections were cut (a stray `2.` or `（三）` is no such section).
CUT_START = 1.0
INVERTED = 1.0  # a scheme nested under one of lower rank (一、 under 1.)
POP_PER_LEVEL = 0.5  # a new scheme attached above the innermost open point
CONTINUE_TIE = 0.01  # a lost numeral: numbering afresh under a new parent is the default
# After a document boundary (a notice's signature and date, then the title of the plan it issues),
# numbering that starts again at 1 begins the plan: the notice's own points are left behind.
RESTART = 0.5
_BEAM = 4.5  # states costing more than the best by this much are dropped
_MAX_STATES = 12


@dataclass
class Node:
    scheme: Scheme
    value: int | None
    marker: Marker
    line: int  # source line of the marker
    head: str  # the marker line after the marker
    head_norm: str  # the same in Simplified Chinese, for matching
    depth: int = 0
    lines: list[tuple[str, str]] = field(default_factory=list)  # following (text, simplified) lines
    line_numbers: list[int] = field(default_factory=list)  # source line of each of `lines`
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    @property
    def label(self) -> str:
        return label(self.scheme, self.value or 0)

    @property
    def path(self) -> list[str]:
        labels: list[str] = []
        node: Node | None = self
        while node is not None:
            labels.append(node.label)
            node = node.parent
        return labels[::-1]

    def leaves(self) -> list[Node]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


@dataclass
class Outline:
    roots: list[Node]
    warnings: list[str]
    first_line: int | None = None  # index (in the lines given) of the first point's line

    def leaves(self) -> list[Node]:
        return [leaf for root in self.roots for leaf in root.leaves()]

    def nodes(self) -> list[Node]:
        out: list[Node] = []
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


# --- the dynamic programme -----------------------------------------------------------------------

Stack = tuple[tuple[Scheme, int], ...]
Last = tuple[int, ...]  # last value reached by each scheme, in _SCHEMES order (0: never)


@dataclass(frozen=True)
class _Step:
    """One accepted candidate on a path of choices (a persistent linked list, newest first)."""

    previous: _Step | None
    index: int  # position of the candidate in the list given to choose_points
    value: int
    stack: Stack  # the open path after this point
    note: str  # "" | "repaired" | "gap:<the value before the gap>"


@dataclass(frozen=True)
class Choice:
    index: int
    value: int
    depth: int
    note: str


def choose_points(markers: list[Marker | None], boundaries: set[int] | None = None) -> list[Choice]:
    """Which of the candidates are points, with their values and depths (document order).
    `boundaries`: indexes of candidates that follow a document boundary, where numbering may
    start again (the points before are then not part of the plan)."""
    boundaries = boundaries or set()
    states: dict[tuple[Stack, Last], tuple[float, _Step | None]] = {((), (0,) * len(_SCHEMES)): (0.0, None)}
    for index, marker in enumerate(markers):
        if marker is None:
            continue
        skip = _skip_cost(marker)
        following: dict[tuple[Stack, Last], tuple[float, _Step | None]] = {}

        def offer(
            key: tuple[Stack, Last],
            cost: float,
            step: _Step | None,
            into: dict[tuple[Stack, Last], tuple[float, _Step | None]] = following,
        ) -> None:
            held = into.get(key)
            if held is None or cost < held[0]:
                into[key] = (cost, step)

        for (stack, last), (cost, step) in states.items():
            offer((stack, last), cost + skip, step)
            for new_stack, extra, value, note in _placements(stack, last, marker):
                new_last = _with_last(last, marker.scheme, value)
                offer((new_stack, new_last), cost + extra, _Step(step, index, value, new_stack, note))
            if index in boundaries and marker.value == 1 and not marker.damaged and step is not None:
                fresh = ((marker.scheme, 1),)
                restart_last = _with_last((0,) * len(_SCHEMES), marker.scheme, 1)
                offer((fresh, restart_last), cost + RESTART, _Step(None, index, 1, fresh, ""))
        best = min(cost for cost, _ in following.values())
        kept = sorted(
            (item for item in following.items() if item[1][0] <= best + _BEAM), key=lambda item: item[1][0]
        )
        states = dict(kept[:_MAX_STATES])
    _, step = min(states.values(), key=lambda held: held[0])
    chosen: list[Choice] = []
    while step is not None:
        chosen.append(Choice(step.index, step.value, len(step.stack) - 1, step.note))
        step = step.previous
    return chosen[::-1]


def _skip_cost(marker: Marker) -> float:
    if not marker.damaged:
        return SKIP_CLEAN
    if marker.value is not None:
        return SKIP_NUMERAL
    if marker.raw[:1] in ")）〕":
        return SKIP_BRACKET
    return 0.0


def _with_last(last: Last, scheme: Scheme, value: int) -> Last:
    at = _SCHEMES.index(scheme)
    return (*last[:at], value, *last[at + 1 :])


def _placements(stack: Stack, last: Last, marker: Marker) -> list[tuple[Stack, float, int, str]]:
    """(new open path, cost, value, note) for each way the candidate can be taken as a point."""
    scheme = marker.scheme
    base = (REPAIR_LOST if marker.value is None else DAMAGED) if marker.damaged else 0.0
    schemes = [s for s, _ in stack]
    out: list[tuple[Stack, float, int, str]] = []
    if scheme in schemes:
        at = schemes.index(scheme)
        for cost, value, note in _values(marker, [stack[at][1] + 1], fresh=False):
            out.append(((*stack[:at], (scheme, value)), base + cost, value, note))
        return out
    # A new level: under the innermost open point, or under an outer one of lower rank.
    rank = _RANK[scheme]
    parents = [(len(stack), 0.0 if not stack or _RANK[stack[-1][0]] < rank else INVERTED)]
    outer = next((d for d in range(len(stack) - 1, -1, -1) if _RANK[stack[d][0]] < rank), -1) + 1
    if outer < len(stack):
        parents.append((outer, POP_PER_LEVEL * (len(stack) - outer)))
    previous = last[_SCHEMES.index(scheme)]
    expected = [1, previous + 1] if previous else [1]
    first_of_all = not stack and not any(last)
    for depth, nesting in parents:
        for cost, value, note in _values(marker, expected, fresh=True):
            stray = FRESH_GAP if not previous and note.startswith("gap") else 0.0
            if first_of_all and scheme is Scheme.CN_DUN and not marker.damaged and note.startswith("gap"):
                cost, stray = CUT_START, 0.0
            out.append(((*stack[:depth], (scheme, value)), base + nesting + cost + stray, value, note))
    return out


def _values(marker: Marker, expected: list[int], *, fresh: bool) -> list[tuple[float, int, str]]:
    """(cost, value, note) of reading the marker as each expected value."""
    out = []
    for rank, wanted in enumerate(expected):
        tie = CONTINUE_TIE * rank if fresh else 0.0
        written = marker.value
        if written is None:
            out.append((tie, wanted, "repaired"))
        elif written == wanted:
            out.append((tie, wanted, "repaired" if marker.damaged else ""))
        elif written > wanted:
            missing = min(written - wanted, GAP_MAX_POINTS)
            out.append((tie + GAP_PER_POINT * missing, written, f"gap:{wanted - 1}"))
        else:
            out.append((tie + REPEAT, wanted, "repaired"))
    return out


# --- the tree ------------------------------------------------------------------------------------


def build_outline(lines: list[tuple[int, str, str]]) -> Outline:
    """Tree of numbered points from (line number, text, simplified text) triples.

    Text before the first point is not part of any point and is left out here.
    """
    markers = [match_marker(norm) for _, _, norm in lines]
    return outline_from(lines, markers)


def outline_from(
    lines: list[tuple[int, str, str]], markers: list[Marker | None], boundaries: set[int] | None = None
) -> Outline:
    """The tree for lines whose marker candidates are already known (None: no candidate)."""
    chosen = choose_points(markers, boundaries)
    roots: list[Node] = []
    open_nodes: list[Node] = []
    warnings: list[str] = []
    taken = {choice.index: choice for choice in chosen}
    current: Node | None = None
    for index, (number, text, norm) in enumerate(lines):
        choice = taken.get(index)
        if choice is None:
            if current is not None:
                current.lines.append((text, norm))
                current.line_numbers.append(number)
            continue
        marker = markers[index]
        assert marker is not None
        # The marker was matched on the Simplified text; both texts have the same length, so the
        # offset of the point's own text carries over to the original.
        offset = len(norm) - len(marker.rest) if len(norm) == len(text) else 0
        head = text[offset:].strip() if offset else marker.rest
        node = Node(marker.scheme, choice.value, marker, number, head, marker.rest, depth=choice.depth)
        del open_nodes[choice.depth :]
        node.parent = open_nodes[-1] if open_nodes else None
        (node.parent.children if node.parent else roots).append(node)
        open_nodes.append(node)
        current = node
        if choice.note == "repaired":
            warnings.append(f"第{number}行：编号已修复：原文“{marker.raw}”读作{node.label}")
        elif choice.note.startswith("gap:"):
            before = int(choice.note[4:])
            previous = label(node.scheme, before) if before else "开头"
            warnings.append(f"第{number}行：编号不连续：从{previous}跳到{node.label}")
    first = chosen[0].index if chosen else None
    return Outline(roots, warnings, first)
