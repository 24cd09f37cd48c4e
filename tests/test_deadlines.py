"""Deadline extraction: every phrase shape, what is not a deadline, precedence, and real seed points."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.plan import Deadline, DeadlineType, Recurrence
from parsing.chinese_numbers import chinese_to_int
from parsing.deadlines import find_deadline, parse_phrase

DATE, PERIOD_END = DeadlineType.DATE, DeadlineType.PERIOD_END
RECURRING, ONGOING, NONE = DeadlineType.RECURRING, DeadlineType.ONGOING, DeadlineType.NONE


def dated(kind: DeadlineType, date: str, text: str) -> Deadline:
    return Deadline(type=kind, date=dt.date.fromisoformat(date), text=text)


# --- one phrase at a time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "date"),
    [
        ("11月30日前", "2021-11-30"),
        ("11月30日之前", "2021-11-30"),
        ("11月30日", "2021-11-30"),
        ("2022年6月15日前", "2022-06-15"),
        ("2021.6.30", "2021-06-30"),
        ("2021-06-30", "2021-06-30"),
        ("2021/6/30", "2021-06-30"),
        ("十一月三十日前", "2021-11-30"),
        ("二〇二一年十二月三十一日", "2021-12-31"),
        ("二○二一年十二月三十一日", "2021-12-31"),  # ○, the white circle typed for 〇
        ("１１月３０日", "2021-11-30"),
        ("２０２１．６．３０", "2021-06-30"),
        ("6月30日至7月15日", "2021-07-15"),  # a range is due at its end
    ],
)
def test_a_day_is_a_date(phrase, date):
    assert find_deadline(phrase, 2021) == dated(DATE, date, phrase)


@pytest.mark.parametrize(
    ("phrase", "date"),
    [
        ("8月底前", "2021-08-31"),
        ("8月底", "2021-08-31"),
        ("8月份", "2021-08-31"),
        ("8月末", "2021-08-31"),
        ("2月底", "2021-02-28"),
        ("2024年2月底", "2024-02-29"),
        ("6月上旬", "2021-06-10"),
        ("6月中旬", "2021-06-20"),
        ("6月下旬", "2021-06-30"),
        ("十二月底前", "2021-12-31"),
    ],
)
def test_a_month_ends_on_its_last_day(phrase, date):
    assert find_deadline(phrase, 2021) == dated(PERIOD_END, date, phrase)


@pytest.mark.parametrize(
    ("phrase", "date"),
    [
        ("第三季度", "2021-09-30"),
        ("三季度", "2021-09-30"),
        ("三季度末", "2021-09-30"),
        ("第三季度前", "2021-09-30"),
        ("一季度", "2021-03-31"),
        ("第4季度", "2021-12-31"),
        ("上半年", "2021-06-30"),
        ("下半年", "2021-12-31"),
        ("2022年上半年", "2022-06-30"),
    ],
)
def test_quarters_and_halves_end_on_their_last_day(phrase, date):
    assert find_deadline(phrase, 2021) == dated(PERIOD_END, date, phrase)


@pytest.mark.parametrize(
    ("text", "date", "phrase"),
    [
        ("年底前", "2021-12-31", "年底前"),
        ("年底", "2021-12-31", "年底"),
        ("年末", "2021-12-31", "年末"),
        ("年内", "2021-12-31", "年内"),
        ("年底前完成", "2021-12-31", "年底前"),
        ("2020年年底", "2020-12-31", "2020年年底"),
        ("2020年底前", "2020-12-31", "2020年底前"),
        ("本年度内完成", "2021-12-31", "本年度内"),
        ("2022年前完成", "2022-12-31", "2022年前"),
        ("2022年完成", "2022-12-31", "2022年"),
        ("到2025年基本建成", "2025-12-31", "2025年"),
    ],
)
def test_the_year_ends_on_december_31(text, date, phrase):
    assert find_deadline(text, 2021) == dated(PERIOD_END, date, phrase)


@pytest.mark.parametrize(
    ("text", "date", "phrase"),
    [
        ("明年3月底前", "2022-03-31", "明年3月底前"),
        ("次年6月底前完成", "2022-06-30", "次年6月底前"),
        ("明年年底", "2022-12-31", "明年年底"),
        ("今年底前", "2021-12-31", "今年底前"),
    ],
)
def test_next_year_counts_from_the_plan_year(text, date, phrase):
    assert find_deadline(text, 2021) == dated(PERIOD_END, date, phrase)


@pytest.mark.parametrize(
    ("text", "date", "phrase"),
    [
        ("2021年6月至12月", "2021-12-31", "2021年6月至12月"),
        ("6月—9月", "2021-09-30", "6月—9月"),
        ("6月-9月开展专项检查", "2021-09-30", "6月-9月"),
        ("2021年至2022年", "2022-12-31", "2021年至2022年"),
        ("2022年11月至次年2月", "2023-02-28", "2022年11月至次年2月"),
        ("11月至2月", "2022-02-28", "11月至2月"),  # the end month comes before the start: the next year
        ("自2021年起至2022年6月", "2022-06-30", "2022年6月"),  # 2021年起 is a start, not a deadline
    ],
)
def test_a_range_is_due_at_its_end(text, date, phrase):
    assert find_deadline(text, 2021) == dated(PERIOD_END, date, phrase)


def test_an_explicit_year_overrides_the_plan_year():
    assert find_deadline("2020年8月底前", 2021) == dated(PERIOD_END, "2020-08-31", "2020年8月底前")


@pytest.mark.parametrize(
    ("phrase", "recurrence"),
    [
        ("每月", Recurrence.MONTHLY),
        ("按月", Recurrence.MONTHLY),
        ("每月底前", Recurrence.MONTHLY),
        ("每季度", Recurrence.QUARTERLY),
        ("按季度", Recurrence.QUARTERLY),
        ("每季", Recurrence.QUARTERLY),
        ("每季度末", Recurrence.QUARTERLY),
        ("每半年", Recurrence.HALF_YEARLY),
        ("每年", Recurrence.YEARLY),
        ("每年度", Recurrence.YEARLY),
        ("每年年底前", Recurrence.YEARLY),  # not the year end of the plan year
        ("每周", Recurrence.WEEKLY),
    ],
)
def test_recurring_phrases(phrase, recurrence):
    assert find_deadline(f"{phrase}报送工作进展", 2021) == Deadline(
        type=RECURRING, text=phrase, recurrence=recurrence
    )


def test_year_words_are_yearly_only_when_they_mean_each_year():
    assert find_deadline("将政务公开工作经费纳入本单位年度预算", 2021).type is NONE
    assert find_deadline("编制年度重大决策事项目录", 2021).type is NONE
    assert find_deadline("上一年度工作要点落实情况", 2021).type is NONE
    assert parse_phrase("年度", 2021) == Deadline(type=RECURRING, text="年度", recurrence=Recurrence.YEARLY)
    assert find_deadline("按年度更新", 2021).recurrence is Recurrence.YEARLY


@pytest.mark.parametrize("phrase", ["持续推进", "长期坚持", "长期推进", "常态化", "长期", "持续", "动态更新"])
def test_ongoing_phrases_in_a_time_cell_or_label(phrase):
    assert parse_phrase(phrase, 2021) == Deadline(type=ONGOING, text=phrase)
    assert find_deadline(f"做好信息公开。完成时限：{phrase}", 2021) == Deadline(type=ONGOING, text=phrase)


@pytest.mark.parametrize("phrase", ["及时", "定期", "持续提升", "常态化", "动态更新", "第一时间", "持续推进"])
def test_words_of_manner_in_a_body_are_no_deadline(phrase):
    # 及时公开, 定期更新, 持续推进"一网通办": how the work is done, not when it is due.
    assert find_deadline(f"做好信息公开，{phrase}更新相关信息。", 2021) == Deadline()


@pytest.mark.parametrize(
    "text", ["加强解读评估。长期坚持。", "做好信息发布，持续推进。", "（牵头单位：办公室，长期坚持）"]
)
def test_an_ongoing_phrase_standing_as_the_points_time_counts(text):
    assert (
        find_deadline(text, 2021, clauses=((text.find("（"), len(text)),) if "（" in text else ()).type
        is ONGOING
    )


@pytest.mark.parametrize(
    ("phrase", "date"), [("8月前", "2021-07-31"), ("2021年8月前", "2021-07-31"), ("1月前", "2020-12-31")]
)
def test_before_a_month_is_the_end_of_the_month_before(phrase, date):
    assert find_deadline(phrase, 2021) == dated(PERIOD_END, date, phrase)
    assert parse_phrase(phrase, 2021) == dated(PERIOD_END, date, phrase)


def test_a_whole_year_is_a_scope_not_a_deadline():
    assert find_deadline("全年公开信息不少于100条", 2021) == Deadline()


@pytest.mark.parametrize("text", ["更新不及时的问题", "促进可持续发展", "长期以来形成的做法"])
def test_ongoing_look_alikes_are_not_ongoing(text):
    assert find_deadline(text, 2021).type is NONE


def test_text_without_a_time_has_no_deadline():
    assert find_deadline("加强组织领导，完善工作机制。", 2021) == Deadline()
    assert find_deadline("", 2021) == Deadline()


# --- what is not a deadline ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "对照《2021年吉林省政务公开工作要点》开展工作",
        "按照要求（吉政公组〔2021〕2号）",
        "认真落实《重大行政决策程序暂行条例》(国务院令第713号)《山东省规定》(省政府令第336号)等要求",
        "国务院令第713号",
        "按照吉政办函〔2020〕21号文件",
        "鲁政办发[2021]3号",
        "清理本机关规范性文件（2016年以后制定的）",
        "2021年以来，信息公开取得成效",
        "自2021年7月1日起施行",
        '主动公开"十四五"规划纲要',
        "主动公开“十四五”规划纲要",
        "218篇党政发文均定义了公开属性",
        "依托12345热线",
        "借助5G、云直播开展活动",
        "第一时间发布权威信息",
        "开展“三年初见成效”重大成果的宣传活动",
        "三年内完成",
        "一是加强领导，二是完善机制",
        "2021年是实施“十四五”规划的第一年",
        "现制定2021年政务公开工作要点如下",
        "对照2021年度省政府工作部门绩效管理共性指标",
        "统一月报格式",
        "结合“5.15政务公开日”开展宣传",
    ],
)
def test_references_years_and_numbers_are_not_deadlines(text):
    assert find_deadline(text, 2021).type is NONE


@pytest.mark.parametrize("text", ["2月30日前", "13月底前", "2021年13月", "2021年2月29日", "4月31日", "0月"])
def test_impossible_dates_are_not_deadlines(text):
    assert find_deadline(text, 2021).type is NONE
    assert parse_phrase(text, 2021) is None


def test_a_leap_day_is_a_date_in_a_leap_year():
    assert find_deadline("2月29日前", 2024) == dated(DATE, "2024-02-29", "2月29日前")


# --- the plan year -------------------------------------------------------------------------------


def test_without_a_plan_year_a_date_stays_unresolved():
    assert find_deadline("请于11月30日前报送", None) == Deadline(type=DATE, text="11月30日前")
    assert find_deadline("年内完成", None) == Deadline(type=PERIOD_END, text="年内")
    assert find_deadline("明年3月底前", None) == Deadline(type=PERIOD_END, text="明年3月底前")


def test_without_a_plan_year_an_explicit_year_still_resolves():
    assert find_deadline("2020年8月底前完成", None) == dated(PERIOD_END, "2020-08-31", "2020年8月底前")
    # a known date is preferred to one whose year is unknown
    assert find_deadline("11月30日前报送；2022年6月底前建成", None).text == "2022年6月底前"


# --- precedence ----------------------------------------------------------------------------------


def test_the_labelled_argument_wins_over_the_text():
    text = "推进网站集约化，2021年3月底前完成（完成时限：2021年6月底前）"
    assert find_deadline(text, 2021, labelled="2021年12月31日") == dated(DATE, "2021-12-31", "2021年12月31日")
    assert find_deadline(text, 2021, labelled="长期坚持") == Deadline(type=ONGOING, text="长期坚持")


def test_a_labelled_argument_that_is_no_time_falls_back_to_the_text():
    assert find_deadline("年底前完成", 2021, labelled="见附件").text == "年底前"
    assert find_deadline("年底前完成", 2021, labelled="").text == "年底前"


def test_a_labelled_phrase_in_the_text_wins_over_the_body():
    text = (
        "推进网站集约化，2022年3月底前启动，2022年9月底前完成迁移。"
        "（牵头单位：市政务服务和大数据管理局；配合单位：各县区；完成时限：2022年6月底前）"
    )
    assert find_deadline(text, 2022) == dated(PERIOD_END, "2022-06-30", "2022年6月底前")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "开展评估。(责任单位:市政府办公室;完成时间:2021年11月30日)",
            dated(DATE, "2021-11-30", "2021年11月30日"),
        ),
        ("开展评估，12月底前完成。时间要求：\n9月底前", dated(PERIOD_END, "2021-09-30", "9月底前")),
        (
            "开展评估。进度安排：3月底前启动，6月底前完成；9月底前评估",
            dated(PERIOD_END, "2021-06-30", "6月底前"),
        ),
        ("（时限：2022年）", dated(PERIOD_END, "2022-12-31", "2022年")),  # a bare year counts when labelled
        ("6月底前完成（完成时限：长期坚持）", Deadline(type=ONGOING, text="长期坚持")),
        (
            "6月底前完成（完成时限：每季度）",
            Deadline(type=RECURRING, text="每季度", recurrence=Recurrence.QUARTERLY),
        ),
    ],
)
def test_labelled_phrases_inside_the_text(text, expected):
    assert find_deadline(text, 2021) == expected


def test_a_label_without_a_time_is_passed_over():
    assert find_deadline("办理时限：5个工作日。年底前完成清理", 2021).text == "年底前"


def test_several_dates_in_a_body_the_last_one_counts():
    text = "到2022年底全面建成一体化平台。请各单位于11月30日前报送进展情况。（责任处室：办公室）"
    assert find_deadline(text, 2021) == dated(PERIOD_END, "2022-12-31", "2022年底")


def test_a_time_in_the_closing_responsibility_clause_wins_over_the_body():
    text = "2022年底前建成平台。（责任单位：市委网信办，9月30日前）"
    clause = (text.index("（"), len(text))
    assert find_deadline(text, 2021, clauses=(clause,)) == dated(DATE, "2021-09-30", "9月30日前")


def test_among_body_phrases_the_latest_wins():
    text = "6月底前完成调研，9月底前完成建设。加强督导检查。"
    assert find_deadline(text, 2021) == dated(PERIOD_END, "2021-09-30", "9月底前")
    text = "第三季度完成试点，上半年完成方案"
    assert find_deadline(text, 2021).text == "第三季度"


def test_a_date_beats_recurring_which_beats_ongoing():
    assert find_deadline("每季度通报一次，年底前完成", 2021).text == "年底前"
    assert find_deadline("持续推进，每月报送进展", 2021).type is RECURRING
    assert find_deadline("持续推进，及时公开", 2021) == Deadline(type=ONGOING, text="持续推进")


# --- real points from the seeds ------------------------------------------------------------------


def test_seed_001_first_point_a_month_end_with_its_year():
    text = (
        "（一）2020年8月底前，对照《三门峡市食药品监管领域基层政务公开标准指引》，结合权责清单和公共服务"
        "事项清单，全面落实标准指引，实行政务过程和结果全公开。"
    )
    assert find_deadline(text, 2020) == dated(PERIOD_END, "2020-08-31", "2020年8月底前")


def test_seed_001_second_point_the_year_end_beats_ongoing():
    text = (
        "（二）2020年年底，根据国务院及省、市基层政务公开指引和县试点领域政务公开事项标准目录，在渑池县"
        "人民政府网建成统一规范食品药品监管攻务信息公开渠道，及时规范更新政务公开信息，持续推进，抓好"
        "渑池县食品药品监管领域政务公开标准体系的落实。"
    )
    assert find_deadline(text, 2020) == dated(PERIOD_END, "2020-12-31", "2020年年底")


def test_seed_003_year_end_with_a_past_year_in_brackets():
    text = (
        "(十)严格政府信息管理。用好行政法规集中统一公开成果。全面推进规章、行政规范性文件、政策性文件集中"
        "统一公开，2021年年底前系统清理本机关现行有效的规章、行政规范性文件、政策性文件（2016年以后制定的），"
        "通过政府网站的政府信息公开专栏集中公开。严格落实公文公开属性源头认定机制，并同步报送政策解读稿件。"
    )
    assert find_deadline(text, 2021) == dated(PERIOD_END, "2021-12-31", "2021年年底前")


def test_seed_003_decision_catalogue_cites_regulations_only():
    text = (
        ")组织编制年度重大决策事项目录。认真落实《重大行政决策程序暂行条例》(国务院令第713号)"
        "《山东省重大行政决策程序规定》(省政府令第336号)等要求，组织编制年度决策事项目录。"
    )
    assert find_deadline(text, 2021).type is NONE


def test_seed_004_point_15_within_the_year():
    text = (
        "15.健全组织领导和工作保障。厅主要领导年内至少听取一次政务公开工作汇报，重点研究政府公开的纵深发展"
        "问题。要配齐工作力量，将政务公开工作经费纳入本单位年度预算。(责任处室:办公室、科技财务处)"
    )
    assert find_deadline(text, 2021) == dated(PERIOD_END, "2021-12-31", "年内")


def test_seed_004_point_17_the_report_date():
    text = (
        "17.持续强化任务落实工作。加强业务指导和监督检查，对工作要点提出的各项任务，梳理形成工作台账。"
        "对上一年度工作要点落实情况开展回头看，逐项检查落实情况，未完成的将依法督促整改。"
        "请各处室单位于11月30日前报送本要点工作任务落实情况总结，厅政务公开办将根据报送情况总结经验、"
        "建立长效工作机制。(责任处室:办公室)"
    )
    assert find_deadline(text, 2021) == dated(DATE, "2021-11-30", "11月30日前")


def test_seed_004_point_1_cites_a_document_and_says_timely():
    text = (
        "1.保障法定公开内容的日常维护。按照《省政府门户网站信息发布管理办法》(吉政办函〔2020〕21号)的要求，"
        "强化信息发布前的内容审核把关。要及时公开调整后的准确信息。(责任处室:办公室)"
    )
    assert find_deadline(text, 2021) == Deadline()


def test_a_body_that_only_says_timely_has_no_deadline():
    assert find_deadline("及时发布", 2021) == Deadline()


# --- parse_phrase --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("6月底前", dated(PERIOD_END, "2021-06-30", "6月底前")),
        ("2022年", dated(PERIOD_END, "2022-12-31", "2022年")),
        ("6月", dated(PERIOD_END, "2021-06-30", "6月")),
        ("2021年6月", dated(PERIOD_END, "2021-06-30", "2021年6月")),
        ("3月底前启动，6月底前完成", dated(PERIOD_END, "2021-06-30", "6月底前")),
        ("每季度", Deadline(type=RECURRING, text="每季度", recurrence=Recurrence.QUARTERLY)),
        ("长期坚持", Deadline(type=ONGOING, text="长期坚持")),
    ],
)
def test_parse_phrase_reads_a_table_cell(cell, expected):
    assert parse_phrase(cell, 2021) == expected


@pytest.mark.parametrize("cell", ["", "市政府办公室", "见附件", "2016年以后", "《2021年工作要点》"])
def test_parse_phrase_is_none_for_what_is_not_a_time(cell):
    assert parse_phrase(cell, 2021) is None


def test_bare_years_and_months_count_only_in_a_labelled_place():
    assert find_deadline("2021年6月，召开全市工作会议", 2021).type is NONE
    assert parse_phrase("2021年6月", 2021) is not None


# --- chinese numerals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("12", 12),
        ("１２", 12),
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十一", 31),
        ("二〇二一", 2021),
    ],
)
def test_chinese_numerals(numeral, value):
    assert chinese_to_int(numeral) == value


@pytest.mark.parametrize("numeral", ["", "十十", "零十", "百", "二十一二", "x"])
def test_not_chinese_numerals(numeral):
    assert chinese_to_int(numeral) is None


# --- properties ----------------------------------------------------------------------------------

# The phrases above, the look-alikes, and the punctuation around them; hypothesis glues them together.
# fmt: off
FRAGMENTS = [
    "11月30日前", "11月30日", "2022年6月15日前", "2021.6.30", "2021-06-30", "2021/6/30", "十一月三十日前",
    "二〇二一年十二月三十一日", "１１月３０日", "8月底前", "8月份", "8月前", "2024年2月底", "年底前", "年内",
    "2020年年底", "全年", "第三季度", "一季度", "上半年", "下半年", "6月上旬", "2022年前完成", "明年", "次年",
    "至", "—", "-", "2021年", "6月", "12月", "每月", "按季度", "每半年", "每年", "年度", "每周", "持续推进",
    "长期坚持", "常态化", "及时", "定期", "动态更新", "《", "》", "〔2021〕", "2号", "（", "）", "(", ")",
    "国务院令第713号", "以后", "起", "十四五", "218篇", "12345热线", "5G", "第一时间", "三年初见成效", "一是",
    "2月30日", "13月", "完成时限：", "时间要求:", "；", "。", "请各处室单位于", "报送", "\n", " ", "\x00",
]
# fmt: on
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=40).map("".join),
)
years = st.none() | st.integers(min_value=1, max_value=9999)


def check(found: Deadline, year: int | None, sources: list[str]) -> None:
    undated = found.type in (RECURRING, ONGOING, NONE)
    assert (found.date is None) == undated or (found.date is None and year is None)
    assert (found.recurrence is not None) == (found.type is RECURRING)
    assert (found.text == "") == (found.type is NONE)
    assert any(found.text in source for source in sources)


@settings(max_examples=400, deadline=None)
@given(texts, years, st.none() | texts)
def test_find_deadline_never_raises_and_returns_a_consistent_deadline(text, year, labelled):
    found = find_deadline(text, year, labelled=labelled)
    check(found, year, [text, labelled or ""])


@settings(max_examples=300, deadline=None)
@given(texts, years)
def test_parse_phrase_never_raises(phrase, year):
    found = parse_phrase(phrase, year)
    if found is not None:
        assert found.type is not NONE
        check(found, year, [phrase])


def test_a_year_end_assessment_is_not_a_deadline():
    text = "坚持把推进基层政务公开标准化规范化情况作为重要内容列入年底考核，及时总结经验。"
    assert find_deadline(text, 2020).type is DeadlineType.NONE
    assert find_deadline("年底前总结经验，形成报告。", 2020).date == dt.date(2020, 12, 31)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("推进某项工作。时间安排：2023年6月底前", "2023年6月底前"),
        ("推进某项工作。【完成时限】2023年6月底前", "2023年6月底前"),
        ("推进某项工作。办结时限：2023年6月底前", "2023年6月底前"),
    ],
)
def test_time_labels_in_their_variants(text, phrase):
    assert find_deadline(text, 2023) == dated(PERIOD_END, "2023-06-30", phrase)


def test_a_labelled_time_wins_over_dates_in_the_body():
    text = "2022年11月底前建成文件库。完成时限：2022年底前"
    assert find_deadline(text, 2022) == dated(PERIOD_END, "2022-12-31", "2022年底前")


def test_a_date_after_each_year_recurs_and_a_state_at_a_date_is_no_deadline():
    each = Deadline(type=RECURRING, text="每年", recurrence=Recurrence.YEARLY)
    assert find_deadline("每年6月30日前公开上一年度报告", 2023) == each
    assert parse_phrase("每年6月30日前", 2023) == each
    assert find_deadline("截至2022年底，已建成100个站点。", 2023) == Deadline()
    assert find_deadline("截至2022年底已建成；2023年底前全部建成", 2023).text == "2023年底前"


def test_the_whole_year_is_a_time_only_where_a_time_is_given():
    assert parse_phrase("全年", 2023) == dated(PERIOD_END, "2023-12-31", "全年")
    assert find_deadline("开展宣传活动。完成时限：全年", 2023) == dated(PERIOD_END, "2023-12-31", "全年")
    assert find_deadline("全年公开信息不少于100条", 2023) == Deadline()


def test_a_bare_time_label_and_a_label_that_names_office_hours():
    assert find_deadline("推进数据共享。时间：长期坚持。", 2023) == Deadline(type=ONGOING, text="长期坚持")
    assert find_deadline("办理时间：工作日9:00。年底前完成清理", 2023).text == "年底前"
