"""Numbering markers: every scheme, damaged forms, and the look-alikes that are not markers."""

import pytest

from parsing.numbering import Scheme, cn_to_int, int_to_cn, label, match_marker


@pytest.mark.parametrize(
    ("line", "scheme", "value", "rest"),
    [
        ("一、深化关键领域", Scheme.CN_DUN, 1, "深化关键领域"),
        ("十二、加强保障", Scheme.CN_DUN, 12, "加强保障"),
        ("第三部分 重点任务", Scheme.PART, 3, "重点任务"),
        ("（一）聚焦重点领域", Scheme.CN_PAREN, 1, "聚焦重点领域"),
        ("(十一)持续推进", Scheme.CN_PAREN, 11, "持续推进"),
        ("（ 二 ）规范", Scheme.CN_PAREN, 2, "规范"),
        ("1.保障法定公开内容", Scheme.AR_DOT, 1, "保障法定公开内容"),
        ("17．持续强化", Scheme.AR_DOT, 17, "持续强化"),
        ("3、做好", Scheme.AR_DOT, 3, "做好"),
        ("（1）丰富解读形式", Scheme.AR_PAREN, 1, "丰富解读形式"),
        ("(12)开展", Scheme.AR_PAREN, 12, "开展"),
        ("①评估覆盖面", Scheme.CIRCLED, 1, "评估覆盖面"),
    ],
)
def test_each_scheme_is_recognised(line, scheme, value, rest):
    marker = match_marker(line)
    assert marker is not None
    assert (marker.scheme, marker.value, marker.rest, marker.damaged) == (scheme, value, rest, False)


@pytest.mark.parametrize(
    ("line", "value"),
    [
        (")聚焦优化营商环境推进政务公开。", None),  # the `（二` was lost
        ("?二）加强队伍建设", 2),  # a `?` where the bracket was
        ("（三?推进平台规范化", 3),
        ("?。ǘ?020年年底，根据", None),  # unrepaired mojibake debris
    ],
)
def test_damaged_markers_are_flagged(line, value):
    marker = match_marker(line)
    assert marker is not None and marker.damaged
    assert marker.scheme is Scheme.CN_PAREN
    assert marker.value == value


@pytest.mark.parametrize(
    "line",
    [
        "一是加强组织领导，二是强化督查",  # inline enumeration
        "2020年8月底前，对照标准指引",
        "2021.6.30前完成",
        "1、2月份完成摸底",
        "一、二季度各开展一次",
        "12345热线为企业群众服务",
        "——加强组织领导",
        "1.5倍",
        "（2016年以后制定的）",
        "(一)",  # a marker with no text is not a point
    ],
)
def test_look_alikes_are_not_markers(line):
    assert match_marker(line) is None


def test_chinese_numerals_round_trip():
    for value in range(1, 1000):
        assert cn_to_int(int_to_cn(value)) == value
    assert (int_to_cn(110), int_to_cn(105), int_to_cn(200)) == ("一百一十", "一百零五", "二百")
    assert cn_to_int("一百零二") == 102
    assert cn_to_int("十x") is None
    assert cn_to_int("") is None


def test_labels_are_normalised_to_full_width_brackets():
    assert label(Scheme.CN_PAREN, 3) == "（三）"
    assert label(Scheme.AR_PAREN, 1) == "（1）"
    assert label(Scheme.CN_DUN, 11) == "十一"
    assert label(Scheme.AR_DOT, 2) == "2"
    assert label(Scheme.CIRCLED, 3) == "③"


def test_the_half_bracket_form_is_the_bracketed_arabic_level():
    marker = match_marker("1）制定工作台账")
    assert marker is not None and (marker.scheme, marker.value, marker.rest) == (
        Scheme.AR_PAREN,
        1,
        "制定工作台账",
    )
    assert match_marker("3)做好") is not None
