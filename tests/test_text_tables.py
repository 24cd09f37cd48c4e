"""workflows.text_tables against tabulate itself: the same bytes for every table we can think of."""

import datetime as dt
import io

import pytest
import tabulate as tabulate_module
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from workflows import text_tables

# Pieces of the text Duban's tables hold, and the ones that trip width measurement up.
PIECES = [
    "办公室",
    "市发展改革委",
    "关于推进重点项目建设的实施意见（试行）",
    "逾期",
    "—",
    "T12",
    "五、12",
    "2.1",
    "abc",
    "A-1 b",
    " ",
    "\u3000",  # ideographic space: whitespace to strip()
    "，",
    "（",
    "：",
    "１２",  # fullwidth digits: int() reads them
    "١٢",  # Arabic-Indic digits
    "😀",
    "👨\u200d👩\u200d👧",  # a ZWJ sequence
    "\u200d",  # a zero-width joiner, alone or at a cell's end
    "\u200b",  # zero-width space
    "\u0301",  # a combining accent
    "क्",  # a virama at the end joins the next character
    "❤\ufe0f",  # VS16
    "🇨🇳",
    "\t",
    "\x07",
    "12",
    "-3",
    " 7 ",
    "+5",
    "1_000",
    "007",
    "1.5",
    "1e3",
    "inf",
    "NaN",
    "True",
    "x\x1b[31m",
    "\x01",
    "a\nb",
]

cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.lists(st.sampled_from(PIECES), max_size=4).map("".join),
    st.text(max_size=6),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
)
headers = st.lists(st.sampled_from(PIECES), max_size=3).map("".join)


@st.composite
def tables(draw, cell=cells):
    width = draw(st.integers(min_value=1, max_value=5))
    head = draw(st.lists(headers, min_size=width, max_size=width))
    # Whole columns of one sort too (ints, int-like strings, None), not only mixed ones.
    sorts = draw(
        st.lists(
            st.sampled_from(["any", "int", "intlike", "none", "chinese"]), min_size=width, max_size=width
        )
    )
    column_cell = {
        "any": cell,
        "int": st.one_of(st.none(), st.integers(min_value=-999, max_value=10**6)),
        "intlike": st.one_of(st.none(), st.from_regex(r"\A[ ]?[-+]?[0-9１２]{1,5}[ ]?\Z")),
        "none": st.none(),
        "chinese": st.lists(st.sampled_from([*PIECES[:7], "，", "：", "😀"]), max_size=3).map("".join),
    }
    count = draw(st.integers(min_value=1, max_value=6))
    rows = [[draw(column_cell[sort]) for sort in sorts] for _ in range(count)]
    return head, rows


@settings(max_examples=800, deadline=None)
@given(tables())
def test_simple_is_tabulates_simple(table):
    head, rows = table
    assert text_tables.simple(head, rows) == tabulate(rows, head, tablefmt="simple")


@settings(max_examples=800, deadline=None)
@given(tables())
def test_github_is_tabulates_github_without_number_parsing(table):
    head, rows = table
    rows = [[None if c is None else str(c) for c in row] for row in rows]
    assert text_tables.github(head, rows) == tabulate(rows, head, tablefmt="github", disable_numparse=True)


def test_the_fast_layout_is_taken_for_duban_tables(monkeypatch):
    """Chinese text, ints, int-like strings, dates and None never reach tabulate."""

    def refuse(*args, **kwargs):
        raise AssertionError("tabulate was called")

    head = ["序号", "单位", "逾期", "期限"]
    rows = [[1, "办公室 ", "12", dt.date(2021, 3, 31)], [2, "市发展改革委", None, "—"]]
    expected = tabulate(rows, head, tablefmt="simple")
    expected_md = tabulate(
        [[str(c) for c in r] for r in rows], head, tablefmt="github", disable_numparse=True
    )
    monkeypatch.setattr(text_tables, "tabulate", refuse)
    assert text_tables.simple(head, rows) == expected
    assert text_tables.github(head, [[str(c) for c in r] for r in rows]) == expected_md


@pytest.mark.parametrize("wide", [True, False])
def test_both_width_modes(monkeypatch, wide):
    monkeypatch.setattr(tabulate_module, "WIDE_CHARS_MODE", wide)
    head = ["单位", "n"]
    rows = [["办公室", 3], ["市发展改革委（试行）", None], ["abc", "  4"]]
    assert text_tables.simple(head, rows) == tabulate(rows, head, tablefmt="simple")
    assert text_tables.github(head, [["办公室", "x"]]) == tabulate(
        [["办公室", "x"]], head, tablefmt="github", disable_numparse=True
    )


def test_preserved_whitespace_goes_to_tabulate(monkeypatch):
    monkeypatch.setattr(tabulate_module, "PRESERVE_WHITESPACE", True)
    rows = [[" 办公室 ", " 1"]]
    assert text_tables.simple(["a", "b"], rows) == tabulate(rows, ["a", "b"], tablefmt="simple")


class Replayed:
    """Rows given again on each pass, never as a list (as a look-back's long list is read)."""

    def __init__(self, rows):
        self.rows, self.passes = rows, 0

    def __iter__(self):
        self.passes += 1
        return (row for row in self.rows)


def streamed(head, rows):
    out = io.StringIO()
    text_tables.write_github(head, Replayed(rows), out)
    return out.getvalue()


@settings(max_examples=800, deadline=None)
@given(tables())
def test_streamed_github_is_the_whole_table_and_tabulates(table):
    head, rows = table
    rows = [[None if c is None else str(c) for c in row] for row in rows]
    whole = text_tables.github(head, rows)
    assert streamed(head, rows) == whole
    assert whole == tabulate(rows, head, tablefmt="github", disable_numparse=True)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_streamed_github_with_few_cells_kept(monkeypatch_table):
    """Past _CACHED distinct cells the streamed layout forgets widths and measures the other cells
    in a pass of their own: the same bytes (here _CACHED is 1)."""
    head, rows = monkeypatch_table
    rows = [[None if c is None else str(c) for c in row] for row in rows]
    kept = text_tables._CACHED
    text_tables._CACHED = 1
    try:
        assert streamed(head, rows) == tabulate(rows, head, tablefmt="github", disable_numparse=True)
    finally:
        text_tables._CACHED = kept


def test_streamed_github_goes_through_the_rows_twice_and_never_calls_tabulate(monkeypatch):
    head = ["序号", "任务", "期限", "备注"]
    rows = [
        [1, "关于推进重点项目建设的实施意见（试行）", dt.date(2021, 3, 31), None],
        [2, " 办公室 ", "—", "क्😀"],
        [3, "abc", "12", "👨\u200d👩\u200d👧 x"],
    ]
    expected = tabulate(
        [["" if c is None else str(c) for c in r] for r in rows],
        head,
        tablefmt="github",
        disable_numparse=True,
    )

    def refuse(*args, **kwargs):
        raise AssertionError("tabulate was called")

    monkeypatch.setattr(text_tables, "tabulate", refuse)
    replayed = Replayed(rows)
    out = io.StringIO()
    text_tables.write_github(head, replayed, out)
    assert out.getvalue() == expected
    assert replayed.passes == 2


def test_streamed_github_leaves_odd_tables_to_tabulate():
    head = ["a", "b"]
    for rows in ([["x\x1b[31m", "1"]], [["\x01", "y"]], [["a\nb", "c"]], [[1.5, "c"]], [["only one"]], []):
        out = io.StringIO()
        text_tables.write_github(head, Replayed(rows), out)
        assert out.getvalue() == tabulate(rows, head, tablefmt="github", disable_numparse=True)
