"""The look-back's long lists as spooled and replayed (models.reads.long_lists.Items), and the
shortcuts taken on the way (issue 14): equal texts and dates shared within a chunk, a chunk's texts
checked at once for characters a report cannot hold, a count kept once counted, repeated cells made once.
The files these feed are checked byte for byte in test_lookback_report and test_lookback_identity."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import threading
from dataclasses import dataclass

import pytest

from models.reads import long_lists, lookback
from models.reads.names import path_label, path_parts
from models.reads.units_column import split_units
from models.rules import bounds
from workflows.text_tables import github, write_github


@dataclass
class Entry:
    code: str
    path: list[str]
    lead: list[str]
    day: dt.date | None
    number: object


def fields(*items: Entry) -> list[tuple[object, ...]]:
    return [tuple(vars(item).values()) for item in items]


def test_spooled_fields_share_equal_texts_and_dates_and_keep_types_apart() -> None:
    day = dt.date(2025, 3, 1)
    items = [
        Entry("T" + "1", ["一", "1"], ["办公室"], dt.date(2025, 3, 1), 1),
        Entry("T" + "1", ["一", "2"], ["办" + "公室"], day, True),
        Entry("T2", ["二"], [], None, 1.0),
    ]
    made = fields(*items)
    rows = long_lists._spoolable(made)
    assert rows == made
    assert rows[0][0] is rows[1][0]  # equal codes: one object, pickled once
    assert rows[0][3] is rows[1][3]
    # 1, True and 1.0 are equal as keys: never shared, each keeps its type.
    assert [type(row[4]) for row in rows] == [int, bool, float]
    back = pickle.loads(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    assert [Entry(*row) for row in back] == items


def test_the_names_and_places_of_the_lists_come_shared() -> None:
    """The lists of names a row holds (its units, its path's parts) are shared where they are made,
    so pickle writes each name once per chunk: equal names from different rows are one object."""
    names = {7: "办公室", 12: "法规处"}
    first, second = split_units("L7,S12", names), split_units("L" + "7", names)
    assert first == (["办公室"], ["法规处"]) and second == (["办公室"], [])
    assert first[0][0] is second[0][0]
    one, two = list(path_parts("一/（二）/" + "3")), list(path_parts("一" + "/（二）/4"))
    assert one == ["一", "（二）", "3"] and two == ["一", "（二）", "4"]
    assert one[0] is two[0] and one[1] is two[1] and one is not two
    assert split_units(None, names) == ([], [])


def test_a_chunk_is_checked_at_once_and_cleaned_only_when_it_holds_a_forbidden_character() -> None:
    clean = fields(Entry("T1", ["一"], ["办公室"], None, 0), Entry("T2", ["二"], [], dt.date(2025, 1, 2), 3))
    assert long_lists._spoolable(clean) == clean
    odd = fields(Entry("T\x071", ["一\x01"], ["办\x1b公室"], None, 0), Entry("T2", ["二"], [], None, 3))
    assert long_lists._spoolable(odd) == fields(
        Entry("T1", ["一"], ["办公室"], None, 0), Entry("T2", ["二"], [], None, 3)
    )
    # A forbidden character in a unit's name alone is found too.
    named = fields(Entry("T1", ["一"], ["办\x1b公室"], None, 0))
    assert long_lists._spoolable(named)[0][2] == ["办公室"]


def test_holds_forbidden_looks_into_every_text_of_a_view() -> None:
    unit = lookback.UnitCompletion("办公室")
    assert not bounds.holds_forbidden([unit, {"k": ("a", 1, None, dt.date(2025, 1, 1))}])
    assert bounds.holds_forbidden([lookback.UnitCompletion("办\x1b公室")])
    assert bounds.holds_forbidden({"k": ("a", ["b\x00"])})
    section = lookback.SectionCompletion("P", "一", "标题\ufffe", "tasks")
    assert bounds.holds_forbidden(section)
    assert bounds.scrubbed(section).title == "标题"


class Counted:
    """Items' counted() on a list that tells how often it was gone through."""

    counted = long_lists.LongList.counted

    def __init__(self, values: list[int]) -> None:
        self.values, self.passes, self._counted = values, 0, {}

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.passes += 1
        return iter(self.values)


def test_a_count_is_counted_once() -> None:
    items = Counted([1, 0, 2, 0])
    assert items.counted("odd", bool) == 2
    assert items.counted("odd", bool) == 2
    assert items.passes == 1


def test_path_label_is_the_same_memoized() -> None:
    assert path_label(["五", "12"]) == "五、12"
    assert path_label(("二", "（三）", "2")) == "二（三）2"
    assert path_label(["源计划", "T29"]) == "源计划 T29"
    assert path_label([]) == ""
    assert path_label(["五", "12"]) == "五、12"


def test_write_github_with_repeated_cells_is_github() -> None:
    headers = ["序号", "单位", "状态"]
    rows = [
        [n, ["办公室", "法规处 ", "政务公开科"][n % 3], "逾期" if n % 2 else "推进中 60%"] for n in range(50)
    ]
    rows += [[99, "é\u0301 组合", " 两端 "]]
    out = io.StringIO()
    write_github(headers, rows, out)
    assert out.getvalue() == github(headers, rows)


def test_fetched_ahead_hands_over_every_chunk_in_order_and_what_went_wrong() -> None:
    assert list(long_lists.fetched_ahead(iter_chunks(5))) == [[0], [1], [2], [3], [4]]

    def failing():  # type: ignore[no-untyped-def]
        yield [1]
        raise ValueError("the database went away")

    ahead = long_lists.fetched_ahead(failing())
    assert next(ahead) == [1]
    with pytest.raises(ValueError, match="went away"):
        next(ahead)


def test_fetched_ahead_closed_early_stops_its_thread_and_closes_the_chunks() -> None:
    closed = threading.Event()

    def endless():  # type: ignore[no-untyped-def]
        try:
            n = 0
            while True:
                yield [n]
                n += 1
        finally:
            closed.set()

    before = threading.active_count()
    ahead = long_lists.fetched_ahead(endless())
    assert next(ahead) == [0] and next(ahead) == [1]
    ahead.close()
    # The fetching thread has ended and closed what it went through: the connection is free.
    assert closed.is_set()
    assert threading.active_count() == before


def iter_chunks(count: int):  # type: ignore[no-untyped-def]
    for n in range(count):
        yield [n]
