"""Titles: the first sentence, or a short heading before a colon."""

import pytest

from parsing.sentences import split_title


@pytest.mark.parametrize(
    ("text", "title", "rest"),
    [
        (
            "聚焦重点领域，强化信息公开力度。以构建…为重点。",
            "聚焦重点领域，强化信息公开力度",
            "以构建…为重点。",
        ),
        ("加强组织领导：成立工作专班。", "加强组织领导", "成立工作专班。"),
        ("全面落实食品药品监管领域标准指引", "全面落实食品药品监管领域标准指引", ""),
        # The first full stop ends the title; a ； inside the sentence does not.
        ("推进财政公开；推进项目公开。其余", "推进财政公开；推进项目公开", "其余"),
        ("落实《条例。要求》的规定。其余", "落实《条例。要求》的规定", "其余"),
        # A label is not a heading: 责任单位：… stays in the sentence.
        ("责任单位：办公室。", "责任单位：办公室", ""),
        # A colon far into the sentence is part of it.
        (
            "按照省政府统一部署和要求全面推进政务公开标准化规范化建设工作：一是…",
            "按照省政府统一部署和要求全面推进政务公开标准化规范化建设工作：一是…",
            "",
        ),
    ],
)
def test_split_title(text, title, rest):
    assert split_title(text) == (title, rest)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("做好政策解读 Policy Interpretation。其余", "做好政策解读"),
        ("深化政务公开 Zhengwu Gongkai Shenhua", "深化政务公开"),
        # Short Latin names a title may end with stay; so do Latin words inside it.
        ("推广使用 WPS Office", "推广使用 WPS Office"),
        ("推进 5G 网络建设", "推进 5G 网络建设"),
        ("开展ISO 9001认证", "开展ISO 9001认证"),
    ],
)
def test_a_latin_translation_after_a_title_is_left_out(text, title):
    assert split_title(text)[0] == title
