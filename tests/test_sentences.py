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
