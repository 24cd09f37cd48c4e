"""The outline: nesting by scheme, and repair of damaged numbering from the sequence."""

from parsing.structure import build_outline


def outline_of(text: str):
    lines = [(number, line, line) for number, line in enumerate(text.strip().splitlines(), start=1)]
    return build_outline(lines)


def test_schemes_nest_in_order_of_first_appearance():
    outline = outline_of(
        """
一、重点任务
（一）信息公开
1.财政公开
2.项目公开
（二）政策解读
二、保障措施
（一）组织领导
"""
    )
    assert [leaf.path for leaf in outline.leaves()] == [
        ["一", "（一）", "1"],
        ["一", "（一）", "2"],
        ["一", "（二）"],
        ["二", "（一）"],
    ]
    assert outline.warnings == []


def test_text_lines_belong_to_the_open_point():
    outline = outline_of("（一）全面落实标准指引\n按照职责分工，严格落实。\n（二）规范流程\n优化流程。")
    first, second = outline.leaves()
    assert [text for text, _ in first.lines] == ["按照职责分工，严格落实。"]
    assert [text for text, _ in second.lines] == ["优化流程。"]


def test_lost_opening_bracket_is_repaired_from_the_sequence():
    outline = outline_of("一、甲\n（一）立足战略。\n)聚焦营商环境。\n)聚力保民生。\n二、乙\n)持续解读。")
    paths = [leaf.path for leaf in outline.leaves()]
    # With one value written, numbering afresh per section explains as much as numbering straight
    # through, and afresh is the default.
    assert paths == [["一", "（一）"], ["一", "（二）"], ["一", "（三）"], ["二", "（一）"]]
    assert len(outline.warnings) == 3
    assert outline.warnings[0] == "第3行：编号已修复：原文“)”读作（二）"


def test_repeated_value_in_continuous_numbering_is_repaired():
    # As in a real plan whose （十一）…（十六） each lost a character and all read （十）.
    points = ["（七）", "（八）", "（九）", "（十）", "（十）", "（十）"]
    text = "\n".join(
        ["一、甲", "（一）a", "（二）b", "（三）c", "二、乙", "（四）d", "（五）e", "（六）f", "三、丙"]
    )
    outline = outline_of(text + "\n" + "\n".join(f"{point}x" for point in points))
    assert [leaf.path[-1] for leaf in outline.leaves()][-3:] == ["（十）", "（十一）", "（十二）"]
    assert [leaf.path[0] for leaf in outline.leaves()][-1] == "三"
    assert sum("读作（十一）" in warning for warning in outline.warnings) == 1


def test_a_gap_is_kept_but_reported():
    outline = outline_of("1.甲\n2.乙\n4.丁")
    assert [leaf.path for leaf in outline.leaves()] == [["1"], ["2"], ["4"]]
    assert outline.warnings == ["第3行：编号不连续：从2跳到4"]
