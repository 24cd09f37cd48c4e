"""Texts made once while they repeat: a long table's column (plans, units, states, dates) holds a
few texts over thousands of rows, and its cells are laid out, escaped or marked up per text."""

from __future__ import annotations

from collections.abc import Callable


class Repeats(dict[str, str]):
    """text -> what `make` makes of it, made on first use. Bounded: past `most` distinct texts it
    starts again, so a column of titles (which repeats none) keeps no more than that."""

    def __init__(self, make: Callable[[str], str], most: int) -> None:
        super().__init__()
        self.make = make
        self.most = most

    def __missing__(self, text: str) -> str:
        if len(self) >= self.most:
            self.clear()
        made = self[text] = self.make(text)
        return made
