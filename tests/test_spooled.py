"""workflows.spooled.Spooled: rows made once, read back from disk on later passes."""

from __future__ import annotations

from workflows import spooled
from workflows.spooled import Spooled


def test_later_passes_read_back_what_the_first_made(monkeypatch):
    monkeypatch.setattr(spooled, "CHUNK", 3)  # several chunks, the last one short
    made = []

    def rows():
        for number in range(10):
            made.append(number)
            yield [number, f"第{number}项", None]

    table = Spooled(rows())
    first = list(table)
    assert first == [[n, f"第{n}项", None] for n in range(10)]
    assert list(table) == first and list(table) == first
    assert made == list(range(10))  # made once, however many passes


def test_a_pass_left_half_way_is_not_kept():
    calls = []

    class Again:
        def __iter__(self):
            calls.append(1)
            return iter(range(5))

    table = Spooled(Again())
    for value in table:
        if value == 2:
            break
    assert list(table) == [0, 1, 2, 3, 4]  # from the rows again, not a half spool
    assert list(table) == [0, 1, 2, 3, 4]
    assert len(calls) == 2


def test_no_rows():
    table = Spooled([])
    assert list(table) == [] and list(table) == []
