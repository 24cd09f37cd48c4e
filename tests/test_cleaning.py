"""Cleaning copied web text: noise out, metadata kept, pinyin and mojibake repaired, line numbers kept."""

import re
from pathlib import Path

import pytest

from parsing.cleaning import Cleaned, Line, clean_text
from parsing.reading import read_document

PLANS = Path(__file__).resolve().parent.parent / "plans"
SEED_FILES = {  # the seed documents, also kept in plans/ under readable names
    "000": ("000_d0c994c4f91f38ae.txt", "2024-jilin-mpa-gongkai-yaodian.txt"),
    "001": ("001_80054f568803ae2d.txt", "2020-mianchi-amr-shishi-fangan.txt"),
    "002": ("002_ac7494275b948024.txt", "2015-panjin-fda-annual-report.txt"),
    "003": ("003_a4f15fc9b9f8b824.txt", "2021-linyi-health-gongkai-fangan.txt"),
    "004": ("004_c0abe37e05595255.txt", "2021-jilin-amr-gongkai-yaodian.txt"),
}
PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


def seed_path(key: str) -> Path:
    seed_name, plan_name = SEED_FILES[key]
    del seed_name  # the seed as published; plans/ keeps it byte for byte under a readable name
    return PLANS / plan_name


def cleaned_seed(key: str) -> Cleaned:
    return clean_text(read_document(seed_path(key)))


def texts(cleaned: Cleaned) -> list[str]:
    return [line.text for line in cleaned.lines]


def line_starting(cleaned: Cleaned, prefix: str) -> Line:
    found = [line for line in cleaned.lines if line.text.startswith(prefix)]
    assert len(found) == 1, (prefix, found)
    return found[0]


# --- the five seed documents --------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(SEED_FILES))
def test_no_web_noise_survives_in_any_seed(key):
    for text in texts(cleaned_seed(key)):
        assert not text.startswith(
            ("打印", "关闭窗口", "上一条", "下一条", "当前位置", "當前位置", "放大字体", "时间:")
        )
        for marker in (
            "ICP备",
            "免责声明",
            "版权所有",
            "公网编号",
            "网站标识码",
            "分隔线",
            "原文链接",
            "MORE>>",
        ):
            assert marker not in text, (marker, text)
        assert text == text.strip() and text


def test_seed_000_keeps_one_title_the_body_and_the_signature():
    cleaned = cleaned_seed("000")
    lines = texts(cleaned)
    title = "吉林省药品监督管理局2024年政务公开工作要点"
    assert lines.count(title) == 1 and lines[0] == title
    assert line_starting(cleaned, "一、深化关键领域信息公开的透明度").no == 13
    assert line_starting(cleaned, "(十一)持续推进政府信息公开工作。").no == 39
    assert lines[-2:] == ["吉林省药品监督管理局", "2024年12月3日"]  # the footer after them is gone
    assert not any(
        word in text for text in lines for word in ("本站部分信息", "联系电话", "客服QQ", "主办", "办公区")
    )
    assert cleaned.meta == {"date": "2024-12-17"}


def test_seed_001_pinyin_is_removed_and_the_mojibake_repaired():
    cleaned = cleaned_seed("001")
    lines = texts(cleaned)
    assert not any(PINYIN.search(text) for text in lines)
    assert lines[0].startswith(
        "澠池縣市場監督管理局關于印發《食品藥品監管領域政務公開標準化規范化工作實施方案》"
    )
    assert line_starting(cleaned, "（二）2020年年底,根據國務院").no == 10
    assert [line.text for line in cleaned.lines if line.text.startswith("（")] == [
        "（二）2020年年底,根據國務院及省、市基層政務公開指引和縣試點領域政務公開事項標準目錄,在澠池縣人民政府網建成"
        "統一規范食品藥品監管攻務信息公開渠道,及時規范更新政務公開信息,持續推進,抓好澠池縣食品藥品監管領域政務公開"
        "標準體系的落實。",
        "（三）推進食品藥品監管領域政務公開平臺規范化",
        "（四）完善食品藥品監管領域行政決策公眾參與機制",
        "（五）推進食品藥品監管領域辦事服務公開標準化",
        "（一）加強組織領導",
        "（三）協調聯動機制",  # 絝 decoded, then put right by the document's own `協(xié)`
    ]
    assert not any(text.startswith("?") for text in lines)
    assert lines[-1].startswith("堅持把推進基層政務公開") and "打印" not in lines
    assert "第10行：已修复乱码“?。ǘ?020年”为“（二）2020年”" in cleaned.repairs
    assert any(note.startswith("去掉了字后插入的258处拼音注音") for note in cleaned.repairs)
    assert all(text == text.strip() for text in lines)


def test_seed_002_metadata_table_becomes_meta():
    cleaned = cleaned_seed("002")
    lines = texts(cleaned)
    assert cleaned.meta == {
        "issuer": "盤錦市政府",
        "title": "2015年度盤錦市食品藥品監督管理局政府信息公開工作報告",
        "date": "2016-04-07",
    }
    assert lines[0] == "2015年度盤錦市食品藥品監督管理局政府信息公開工作報告"
    assert line_starting(cleaned, "2015年度盤錦市").no == 7
    assert not any("索 引 號" in text or "發文機關" in text or "主 題 詞" in text for text in lines)
    assert lines[-2:] == ["盤錦市食品藥品監督管理局", "2016年3月7日"]
    # Damage that cannot be undone is kept, and said.
    assert any(note.startswith("第20行：疑似乱码“??刃问礁檲谭z”") for note in cleaned.repairs)


def test_seed_003_issuer_comes_from_the_metadata_and_damaged_points_stay():
    cleaned = cleaned_seed("003")
    lines = texts(cleaned)
    assert cleaned.meta["issuer"] == "临沂市卫生健康委员会"
    assert cleaned.meta["title"] == "临沂市卫生健康委员会《2021年度政务公开工作方案》"
    assert cleaned.meta["date"] == "2021-05-12"
    assert lines[0] == "临沂市卫生健康委员会《2021年度政务公开工作方案》"
    assert (
        line_starting(cleaned, ")聚焦优化营商环境推进政务公开。").no == 16
    )  # lost its `（二`: body all the same
    assert lines[-1].startswith("(十)进一步改进工作作风。")
    assert not any(word in text for text in lines for word in ("点击数", "主办", "邮编", "地址:", "上一条"))


def test_seed_004_first_point_and_metadata():
    cleaned = cleaned_seed("004")
    lines = texts(cleaned)
    first = line_starting(cleaned, "1.保障法定公开内容的日常维护。")
    assert first.no == 22
    assert lines[0].startswith(
        "吉林省市场监督管理厅关于印发《2021年吉林省市场监督管理厅政务公开工作要点》的通知"
    )
    assert lines[-1].startswith("17.持续强化任务落实工作。") and lines[-1].endswith("(责任处室:办公室)")
    assert cleaned.meta == {"date": "2021-07-06", "issuer": "吉林省市场监督管理厅"}
    assert not any(text.startswith(("核心提示", "推荐产品")) for text in lines)


# --- noise, and the body sentences that look like it -------------------------------------------------


NOISE = [
    "当前位置：首页 > 政务公开 > 通知公告",
    "您现在的位置：首页 >> 新闻中心",
    "首页 > 政务公开",
    "政务公开 > 工作要点 > 正文",
    "打印",
    "【打印本页】【关闭窗口】",
    "打印本页 | 关闭窗口",
    "分享到：",
    "扫一扫在手机打开当前页",
    "【字体：大 中 小】",
    "收藏",
    "上一条：市卫生健康委组织开展活动",
    "下一篇：没有了",
    "发布时间：2021-05-12  浏览次数：123",
    "作者：佚名",
    "时间:2024-12-17 20:55:03 作者:佚名",
    "索引号：11220000/2021-00012 | 主题分类：政务公开",
    "版权所有：某某市人民政府办公室",
    "京ICP备12345678号-1",
    "鲁公网编号37130202371830  鲁ICP备05026973号      网站标识码:3713000018",
    "主办：某某市人民政府办公室  承办：某某市大数据中心",
    "某某市卫生健康委员会主办   地址:某某市兰山区北京路3号",
    "电话：(0539)8314140   邮编：276001",
    "联系电话：0431-88888888",
    "邮箱:abc@163.com 客服QQ:2894426415",
    "[免责声明] 本文来源于网络转载，仅供学习交流使用。",
    "本站部分信息由相应民事主体自行提供，该信息内容的真实性由该民事主体负责。",
    "------分隔线----------------------------",
    "原文链接:http://example.gov.cn/a.html",
    "http://example.gov.cn/a.html",
    "推荐产品&服务MORE>>",
]

BODY = [
    "开通12345政务服务便民热线电话，及时回应群众诉求。",
    "各单位要打印并张贴政务公开目录，方便群众查阅。",
    "（三）规范打印和复印管理",
    "严厉打击侵犯版权所有者合法权益的行为。",
    "加强ICP备案管理，规范网站主办者信息。",
    "下一步，我们将继续深化政务公开工作。",
    "时间安排：2021年5月至12月。",
    "请各处室单位于11月30日前报送本要点工作任务落实情况总结，联系电话：0431-12345678。",
    "由市政府办公室主办，各县区承办。",
    "5.公开监督电话和投诉地址。",
]


@pytest.mark.parametrize("line", NOISE)
def test_web_noise_lines_are_dropped(line):
    cleaned = clean_text(f"一、总体要求\n{line}\n（一）加强领导。各单位要高度重视。")
    assert texts(cleaned) == ["一、总体要求", "（一）加强领导。各单位要高度重视。"]


@pytest.mark.parametrize("line", BODY)
def test_body_sentences_that_mention_noise_words_survive(line):
    cleaned = clean_text(f"一、总体要求\n{line}\n（一）加强领导。各单位要高度重视。")
    assert texts(cleaned) == ["一、总体要求", line, "（一）加强领导。各单位要高度重视。"]


def test_the_footer_block_after_the_signature_goes_whole():
    text = "\n".join(
        [
            "一、加强领导",
            "（一）健全机制。各单位要落实责任。",
            "某市人民政府办公室",
            "2024年1月1日",
            "版权所有：某市人民政府",
            "某市政府网站群",  # no rule names it, but it follows the footer
            "政务服务热线",
        ]
    )
    assert texts(clean_text(text)) == [
        "一、加强领导",
        "（一）健全机制。各单位要落实责任。",
        "某市人民政府办公室",
        "2024年1月1日",
    ]


def test_a_title_repeated_by_the_page_template_is_kept_once():
    text = "某局2024年工作要点\n\n时间:2024-12-17 20:55:03 作者:佚名\n\n  某局2024年工作要点\n\n某局2024年工作要点\n一、总体要求"
    assert texts(clean_text(text)) == ["某局2024年工作要点", "一、总体要求"]


def test_metadata_is_mined_in_each_layout():
    text = "\n".join(
        [
            "索 引 号  1431582170/wsj/2021-0000268  发布机构  某市卫生健康委员会",
            "标 题: | 某市2021年政务公开工作方案 | ||",
            "发文字号: | 某卫发〔2021〕3号 | 成文日期: | 2021-05-10 |",
            "放大字体  缩小字体 发布日期:2021-07-06  来源:本站",
            "一、总体要求",
        ]
    )
    cleaned = clean_text(text)
    assert cleaned.meta == {
        "issuer": "某市卫生健康委员会",
        "title": "某市2021年政务公开工作方案",
        "doc_number": "某卫发〔2021〕3号",
        "date": "2021-05-10",  # 成文日期 wins over 发布日期
    }
    assert texts(cleaned) == ["一、总体要求"]


def test_a_source_that_is_a_website_is_not_an_issuer():
    assert clean_text("来源：中国政府网\n一、总体要求").meta == {}
    assert clean_text("来源：某市财政局\n一、总体要求").meta == {"issuer": "某市财政局"}


# --- characters, entities, line numbers ----------------------------------------------------------------


def test_newlines_entities_and_spaces_are_normalised_and_line_numbers_kept():
    text = "一、总体&nbsp;要求\r\n\r\n&ldquo;双随机&rdquo;&#12289;公开\r（一）工作\u200b要点\u2028\u3000\u3000二、保障措施\xa0\n&amp;nbsp;"
    cleaned = clean_text(text)
    assert cleaned.lines == [
        Line(1, "一、总体 要求"),
        Line(3, "“双随机”、公开"),
        Line(4, "（一）工作要点"),
        Line(5, "二、保障措施"),
    ]


def test_control_characters_go_but_tabs_stay_inside_a_line():
    cleaned = clean_text("序号\t工作任务\x07\t责任单位\n\x00\x01\n1\t公开\t办公室")
    assert texts(cleaned) == ["序号\t工作任务\t责任单位", "1\t公开\t办公室"]
    assert [line.no for line in cleaned.lines] == [1, 3]


def test_empty_text():
    assert clean_text("") == Cleaned()
    assert clean_text(" \n\u3000\n&nbsp;\n").lines == []


# --- pinyin ----------------------------------------------------------------------------------------------


def test_pinyin_after_characters_is_removed():
    cleaned = clean_text("澠池縣市場監(jiān)督管理局關(guān)於印發(fā)\n（一）規（guī）範")
    assert texts(cleaned) == ["澠池縣市場監督管理局關於印發", "（一）規範"]
    assert cleaned.repairs == ["去掉了字后插入的4处拼音注音，例如“(jiān)”"]


def test_parentheses_that_are_not_pinyin_stay():
    text = "某网站(ICP)备案\n吉政办发(2020)1号\n措施(一)落实\n北京办事处(Beijing Office)\n系统(app)上线\n内容(a)如下"
    assert texts(clean_text(text)) == text.split("\n")
    # ... also in a document that does have inserted pinyin.
    pinyin_doc = "監(jiān)督\n關(guān)於\n" + text
    assert texts(clean_text(pinyin_doc)) == ["監督", "關於", *text.split("\n")]


def test_toneless_pinyin_goes_only_where_the_document_shows_the_pattern():
    assert texts(clean_text("監(jiān)督\n關(guān)於\n我們(men)的")) == ["監督", "關於", "我們的"]
    assert texts(clean_text("我們(men)的")) == ["我們(men)的"]


# --- mojibake ----------------------------------------------------------------------------------------------


def misread(text: str) -> str:
    """What the seed's scraper did: GBK bytes read one byte out of step (a stray byte first), pairs
    that decode to private-use characters dropped, invalid pairs turned into `?`."""
    data = b"\xa1" + text.encode("gb18030")
    out, at = "?", 0
    while at < len(data):
        if data[at] < 0x80:
            out, at = out + chr(data[at]), at + 1
            continue
        try:
            char = data[at : at + 2].decode("gb18030")
        except UnicodeDecodeError:
            char = "?"
        out, at = out + ("" if "\ue000" <= char <= "\uf8ff" else char), at + 2
    return out


def test_the_misreading_model_reproduces_the_seed():
    assert misread("（二）2020年年底") == "?。ǘ?020年年底"
    assert misread("（三）推進食品") == "?。ㄈ┩七M食品"
    assert misread("（一）加強組織") == "?。ㄒ唬┘訌娊M織"


@pytest.mark.parametrize(
    "heading",
    [
        "（一）加強組織領導",
        "（二）2020年年底前完成",
        "（三）推進標準化",
        "（四）完善機制",
        "（六）推進落實",
        "（八）做好宣傳",
        "（十）加大力度",
        "（十一）持續推進",
        "（十四）加強監督",
        "（二）1998年以來",
    ],
)
def test_misread_bracket_headings_are_repaired(heading):
    damaged = misread(heading)
    cleaned = clean_text(f"一、總體要求\n{damaged}")
    repaired = texts(cleaned)[1]
    if damaged.endswith("?"):
        # The line ended out of step: its last byte, half of the last character, is lost.
        assert repaired == heading[:-1] + "?", damaged
    else:
        assert repaired == heading, damaged
    assert cleaned.repairs[0].startswith("第2行：已修复乱码")


def test_a_heading_alone_on_its_line_is_repaired():
    cleaned = clean_text(f"一、總體要求\n{misread('（五）')}\n{misread('（二）')}")
    assert texts(cleaned)[1:] == ["（五）", "（二）"]


@pytest.mark.parametrize("heading", ["（十二）加強監督", "（十三）嚴格考核", "（十六）推進落實"])
def test_numerals_that_lost_bytes_are_repaired_and_the_doubt_is_said(heading):
    # 十二, 十三 and 十六 lose two private-use pairs and read like 十 with one: all are named.
    cleaned = clean_text(f"一、總體要求\n{misread(heading)}")
    numeral = heading[: heading.index("）") + 1]
    assert texts(cleaned)[1].startswith("（十）") and numeral in cleaned.repairs[0]


def test_unrepairable_damage_is_kept_and_noted():
    damaged = "?。ǘ?个单位"  # `（二）` + a lost byte that no year context restores
    cleaned = clean_text(f"一、總體要求\n{damaged}")
    assert texts(cleaned)[1] == damaged
    assert cleaned.repairs == ["第2行：乱码“?。ǘ?个单位”无法修复，保留原样"]


def test_ordinary_question_marks_are_left_alone():
    text = "是否需要公开?请示领导\n网址 a.gov.cn/?id=3&x=1 已更新\n效果如何??。"
    cleaned = clean_text(text)
    assert texts(cleaned) == text.split("\n") and cleaned.repairs == []


def test_whole_lines_of_utf8_read_as_gbk_or_latin1_are_repaired():
    line = "吉林省药品监督管理局工作要点"
    for misdecoded in (line.encode("utf-8").decode("gb18030"), line.encode("utf-8").decode("latin-1")):
        cleaned = clean_text(f"一、总体要求\n{misdecoded}")
        assert texts(cleaned) == ["一、总体要求", line]
        assert cleaned.repairs[0].startswith("第2行：已修复乱码（UTF-8 被当作")


@pytest.mark.parametrize("line", ["— 3 —", "-12-", "第2页 共5页", "第 3 页", "2/7"])
def test_page_numbers_of_a_pdf_copy_are_noise(line):
    cleaned = clean_text(f"一、总体要求\n{line}\n（一）加强组织领导。")
    assert texts(cleaned) == ["一、总体要求", "（一）加强组织领导。"]
    assert [kind for _, kind in cleaned.dropped] == ["page"]


def test_a_bare_number_is_kept_it_may_be_a_tables_serial_number():
    assert texts(clean_text("序号\n工作任务\n责任单位\n3\n公开预算\n市财政局"))[3] == "3"


def test_a_word_spaced_out_in_a_one_line_body_stays_one_word():
    line = (
        "某区2023年政务公开工作要点 一、深化重点领域公开 （一）推进财政公开。按规定公开预决算。"
        "（牵 头 单 位 ：区财政局；配 合 单 位 ：区审计局） （二）推进项目公开。按规定及时公开项目审批和建设信息。"
    )
    assert texts(clean_text(line)) == [
        "某区2023年政务公开工作要点",
        "一、深化重点领域公开",
        "（一）推进财政公开。按规定公开预决算。（牵头单位：区财政局；配合单位：区审计局）",
        "（二）推进项目公开。按规定及时公开项目审批和建设信息。",
    ]


def test_a_body_copied_as_one_line_is_split_at_its_lost_paragraph_breaks():
    line = (
        "当前位置： 首页 通知公告 时间：2023-03-30 15:53 各单位： 现将方案印发给你们。 一、总体要求 坚持公开为常态。"
        " 二、重点任务 1. 推进决策公开。（区司法局牵头负责） 2.推进执行公开。（区政府办公室负责） 来源：某区政府办公室 附件下载"
        " 某区工作方案.pdf"
    )
    cleaned = clean_text(line)
    assert texts(cleaned) == [
        "首页",
        "通知公告",
        "各单位：",
        "现将方案印发给你们。",
        "一、总体要求",
        "坚持公开为常态。",
        "二、重点任务",
        "1.推进决策公开。（区司法局牵头负责）",
        "2.推进执行公开。（区政府办公室负责）",
    ]
