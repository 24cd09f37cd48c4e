"""The look-back's long lists as spooled and replayed (models.reads.long_lists.Items), and the
shortcuts taken on the way (issue 14): equal texts and dates shared within a chunk, each row's texts
checked once for characters a report cannot hold, a count kept once counted, repeated cells made once.
The files these feed are checked byte for byte in test_lookback_report and test_lookback_identity."""

from __future__ import annotations

import datetime as dt
import io
import pickle
from dataclasses import dataclass

from models.reads import long_lists, lookback
from models.reads.names import path_label
from workflows.text_tables import github, write_github


@dataclass
class Entry:
    code: str
    path: list[str]
    lead: list[str]
    day: dt.date | None
    number: object


def test_shared_fields_share_equal_texts_and_dates_and_keep_types_apart() -> None:
    day = dt.date(2025, 3, 1)
    items = [
        Entry("T" + "1", ["一", "1"], ["办公室"], dt.date(2025, 3, 1), 1),
        Entry("T" + "1", ["一", "2"], ["办" + "公室"], day, True),
        Entry("T2", ["二"], [], None, 1.0),
    ]
    rows = long_lists._shared_fields(items)
    assert rows == [tuple(vars(item).values()) for item in items]
    assert rows[0][0] is rows[1][0]  # equal codes: one object, pickled once
    assert rows[0][1][0] is rows[1][1][0] and rows[0][2][0] is rows[1][2][0]
    assert rows[0][3] is rows[1][3]
    assert rows[0][1] is not items[0].path  # lists are new: the items are left as they were
    # 1, True and 1.0 are equal as keys: never shared, each keeps its type.
    assert [type(row[4]) for row in rows] == [int, bool, float]
    back = pickle.loads(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    assert [Entry(*row) for row in back] == items


def test_printable_checks_the_row_once_and_cleans_only_the_odd_item() -> None:
    clean = Entry("T1", ["一"], ["办公室"], None, 0)
    row = ("T1", "一", 3, None)
    assert lookback._printable(clean, row, clean.lead) is clean
    odd = Entry("T\x071", ["一\x01"], ["办\x1b公室"], None, 0)
    cleaned = lookback._printable(odd, ("T\x071", "一\x01"), odd.lead)
    assert cleaned == Entry("T1", ["一"], ["办公室"], None, 0)
    # A forbidden character in a unit's name alone is found too.
    named = Entry("T1", ["一"], ["办\x1b公室"], None, 0)
    assert lookback._printable(named, ("T1", "一"), named.lead).lead == ["办公室"]


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
