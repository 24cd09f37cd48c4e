"""Building the tree of numbered points from cleaned lines, and repairing damaged numbering.

Levels are identified by scheme in order of first appearance (a document may nest 一、 > （一） > 1.
or start straight at 1.). Numbering damaged in copying — a lost `（二`, a `（十）` that should be
`（十一）` — is repaired from the sequence and reported, never silently.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from parsing.numbering import Marker, Scheme, label, match_marker


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

    def leaves(self) -> list[Node]:
        return [leaf for root in self.roots for leaf in root.leaves()]


def build_outline(lines: list[tuple[int, str, str]]) -> Outline:
    """Tree of numbered points from (line number, text, simplified text) triples of the body.

    Text before the first marker is not part of any point and is ignored here.
    """
    roots: list[Node] = []
    stack: list[Node] = []
    nodes: list[Node] = []
    for number, text, norm in lines:
        marker = match_marker(norm)
        if marker is None:
            if stack:
                stack[-1].lines.append((text, norm))
            continue
        # The marker was matched on the Simplified text; both texts have the same length, so the
        # offset of the point's own text carries over to the original.
        offset = len(norm) - len(marker.rest) if len(norm) == len(text) else 0
        head = text[offset:].strip() if offset else marker.rest
        node = Node(marker.scheme, marker.value, marker, number, head, marker.rest)
        schemes = [open_node.scheme for open_node in stack]
        if node.scheme in schemes:
            del stack[schemes.index(node.scheme) :]
        node.parent = stack[-1] if stack else None
        node.depth = len(stack)
        (node.parent.children if node.parent else roots).append(node)
        stack.append(node)
        nodes.append(node)
    warnings = _repair_numbering(nodes)
    return Outline(roots, warnings)


def _repair_numbering(nodes: list[Node]) -> list[str]:
    """Give every point a value that continues its sequence; report each repair.

    Points of one scheme at one depth are numbered either afresh under each parent or straight
    through the document (seed plans do both). The mode is the one that explains more of the
    values as written; then a missing or backwards value takes the next one in sequence, and a
    gap is kept as written but reported.
    """
    warnings: list[str] = []
    groups: dict[tuple[Scheme, int], list[Node]] = defaultdict(list)
    for node in nodes:
        groups[(node.scheme, node.depth)].append(node)
    for group in groups.values():
        continuous = _score(group, continuous=True) > _score(group, continuous=False)
        previous: dict[int, int] = defaultdict(int)  # parent id -> last value
        for node in group:
            key = 0 if continuous else id(node.parent)
            expected = previous[key] + 1
            written = node.value
            if written is None or node.marker.damaged or written < expected:
                node.value = expected
                if written != expected or node.marker.damaged:
                    warnings.append(
                        f"line {node.line}: numbering repaired: '{node.marker.raw}' read as {node.label}"
                    )
            elif written > expected:
                warnings.append(
                    f"line {node.line}: numbering skips from {label(node.scheme, expected - 1)} "
                    f"to {node.label}"
                )
            previous[key] = node.value or expected
    return warnings


def _score(group: list[Node], *, continuous: bool) -> int:
    """How many values as written match their position under one numbering mode."""
    score = 0
    position: dict[int, int] = defaultdict(int)
    for node in group:
        key = 0 if continuous else id(node.parent)
        position[key] += 1
        if not node.marker.damaged and node.value == position[key]:
            score += 1
    return score
