"""Layouts real documents come in, each in a small document written for this test (tests/data/layouts).

Each pins one general rule: a body copied as one line, sub-points run inline, damaged markers that
only the sequence explains, a notice with points of its own before the plan it issues, a units line
closing an item, a carry-forward clause, tables in every flattened form, reports that quote plans.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models.plan import PlanKind, SectionKind
from parsing.sources import parse_source

LAYOUTS = Path(__file__).parent / "data" / "layouts"


def parse(name: str):
    return parse_source(LAYOUTS / name)


def rows(plan):
    return [
        (
            task.path,
            task.title,
            task.lead_units,
            task.support_units,
            task.deadline.type.value,
            task.deadline.date.isoformat() if task.deadline.date else None,
        )
        for task in plan.tasks
    ]


def test_a_body_copied_as_one_line_is_read_paragraph_by_paragraph():
    plan = parse("one_line_body.txt")
    assert (plan.kind, plan.title, plan.issuer, plan.year) == (
        PlanKind.PLAN,
        "某区2024年政务公开工作方案",
        "某区人民政府办公室",
        2024,
    )
    assert rows(plan) == [
        (["一"], "总体要求", [], [], "none", None),
        (["二", "（一）", "1"], "编制重大行政决策事项目录", ["区司法局"], [], "period_end", "2024-04-30"),
        (["二", "（一）", "2"], "做好决策预公开", ["区司法局"], ["区直各部门"], "none", None),
        (["二", "（二）", "3"], "落实解读与文件同步起草", ["区政府办公室", "区融媒体中心"], [], "none", None),
        (["三"], "保障措施", [], [], "none", None),
    ]
    assert [t.section for t in plan.tasks] == [
        SectionKind.REQUIREMENTS,
        SectionKind.TASKS,
        SectionKind.TASKS,
        SectionKind.TASKS,
        SectionKind.SAFEGUARDS,
    ]
    # The inline chrome (来源, 附件下载, the attachment's file name) is no part of the last point.
    assert not any("附件下载" in t.body or ".pdf" in t.body for t in plan.tasks)


def test_sub_points_run_inline_each_with_its_unit_clause_are_points():
    plan = parse("inline_subpoints.txt")
    assert rows(plan) == [
        (["一", "1", "（1）"], "推行企业开办“一网通办”", ["县市场监管局"], [], "none", None),
        (["一", "1", "（2）"], "推进证照分离改革", ["县市场监管局"], ["县直有关部门"], "none", None),
        # An inline enumeration without unit clauses stays in the body.
        (["一", "2"], "精简投资审批", [], [], "none", None),
    ]
    assert "（1）合并审批" in plan.tasks[2].body


def test_damaged_markers_are_taken_only_where_the_sequence_needs_them():
    plan = parse("damaged_markers.txt")
    paths = [t.path for t in plan.tasks]
    assert paths == [["一", f"（{n}）"] for n in "一二三"] + [["二", f"（{n}）"] for n in "四五六七"]
    # `【法宝引证码】` and the `《…》` lines are no points; `)推进…` filled the gap of （二）; the
    # repeated （五） are read on in sequence; every repair quotes the printed marker.
    assert plan.warnings == [
        "第7行：编号已修复：原文“)”读作（二）",
        "第13行：编号已修复：原文“（五）”读作（六）",
        "第14行：编号已修复：原文“（五）”读作（七）",
    ]
    assert "《某市突发公共卫生事件应急预案》" in plan.tasks[2].body


def test_a_notices_own_points_are_left_behind_when_the_plan_starts_again():
    plan = parse("notice_then_plan.txt")
    assert plan.title == "某区2023年重点工作任务分解方案"
    assert rows(plan) == [
        (["一", "（一）"], "地区生产总值增长6%左右", ["区发展和改革局"], [], "none", None),
        (["一", "（二）"], "一般公共预算收入增长5%", ["区财政局", "区税务局"], [], "none", None),
    ]


def test_a_units_line_closing_an_item_covers_every_leaf_under_it():
    plan = parse("closing_units_line.txt")
    assert rows(plan) == [
        (
            ["一", "1", "（1）"],
            "规范预案编制和备案工作",
            ["市应急管理局", "各县（市、区）人民政府"],
            [],
            "none",
            None,
        ),
        (
            ["一", "1", "（2）"],
            "及时修订现有预案",
            ["市应急管理局", "各县（市、区）人民政府"],
            [],
            "none",
            None,
        ),
        (
            ["一", "1", "（3）"],
            "推进预案演练常态化",
            ["市应急管理局", "各县（市、区）人民政府"],
            [],
            "none",
            None,
        ),
        (["一", "2", "（1）"], "开展预案进社区活动", ["市应急管理局"], ["市委宣传部"], "none", None),
        (
            ["一", "2", "（2）"],
            "提高群众预案知晓率",
            ["市应急管理局"],
            ["各县（市、区）人民政府"],
            "period_end",
            "2022-09-30",
        ),
    ]


def test_a_carry_forward_clause_adds_its_unit_to_the_later_points():
    plan = parse("carry_forward.txt")
    assert rows(plan)[:3] == [
        (["一", "1"], "开展污染源调查", ["县生态环境局"], ["各乡镇"], "period_end", "2023-12-31"),
        (["一", "2"], "加强水质监测", ["县生态环境局", "县水利局"], ["各乡镇"], "recurring", None),
        # 持续推进 here is how the work goes on, not its time.
        (["一", "3"], "推进农业面源治理", ["县农业农村局"], ["县生态环境局", "各乡镇"], "none", None),
    ]


def test_a_table_with_a_merged_category_column_and_a_repeated_header():
    plan = parse("table_merged_category.txt")
    assert plan.title == "2023年政务公开工作任务台账"
    assert rows(plan) == [
        (["1"], "及时发布公路建设项目审批和招投标信息", ["规划处", "建设处"], [], "ongoing", None),
        (["2"], "定期公开重点项目进展情况", ["建设处"], [], "recurring", None),
        # 会 between two offices: the first leads with the second; X月前 ends the month before.
        (["3"], "公开农村公路建设资金使用情况", ["财务处"], ["办公室"], "period_end", "2023-08-31"),
        # Two dates in the time cell: the last counts.
        (["4"], "落实政策解读与文件同步起草", ["法规处"], [], "period_end", "2023-12-31"),
        (["5"], "丰富解读形式", ["办公室(宣传中心)"], [], "ongoing", None),
    ]


def test_a_table_with_one_cell_per_line_and_a_serial_number_without_a_header():
    plan = parse("table_stacked_cells.txt")
    assert rows(plan) == [
        # No year anywhere in the document: the day of 年底前 is not invented.
        (["1"], "梳理并公开信访事项受理、办理、复查流程", ["办公室"], [], "period_end", None),
        (["2"], "对新出台的信访政策开展图解、问答等形式解读", ["各股室"], [], "ongoing", None),
        (["3"], "在政府网站开设政策解读专栏并动态更新", ["办公室"], ["各股室"], "ongoing", None),
    ]


def test_a_table_whose_group_cell_sits_in_the_first_column_of_the_groups_first_row():
    plan = parse("table_group_first_column.txt")
    assert rows(plan) == [
        (["一", "1"], "公开本部门预算、决算及“三公”经费", ["财务科"], [], "none", None),
        # 及时 is a word of manner: no deadline.
        (["二", "2"], "及时更新网站栏目信息", ["办公室"], [], "none", None),
        (["二", "3"], "做好网民留言办理回复", ["各科室"], [], "none", None),
        (["二", "4"], "规范政务新媒体管理", ["办公室"], ["各科室"], "none", None),
        (["三", "5"], "落实解读材料与政策文件同步报审", ["各科室"], [], "none", None),
    ]


def test_a_table_with_two_group_levels_and_rows_holding_several_levels():
    plan = parse("table_two_levels.txt")
    assert rows(plan) == [
        (
            ["一", "（一）", "1"],
            "集中公开涉企惠企政策",
            ["市发展改革委", "市工业和信息化局"],
            [],
            "period_end",
            "2022-06-30",
        ),
        (["一", "（一）", "2"], "公开政策兑现情况", ["市财政局"], [], "recurring", None),
        (["一", "（二）", "3"], "发布就业岗位信息", ["市人力资源社会保障局"], [], "ongoing", None),
        (["二", "（一）", "4"], "公开行政执法结果", ["市司法局"], ["市直各执法部门"], "ongoing", None),
    ]


def test_a_table_whose_cells_have_no_separators_is_split_by_what_the_columns_hold():
    plan = parse("table_run_cells.txt")
    assert rows(plan) == [
        (["1"], "编制年度政务公开工作要点", ["镇党政办"], [], "period_end", "2024-03-31"),
        (["2"], "更新政府信息公开指南", ["镇党政办", "镇便民服务中心"], [], "period_end", "2024-06-30"),
        (["3"], "开展政务公开培训", ["镇党政办"], [], "period_end", "2024-12-31"),
    ]


def test_a_report_without_a_title_is_known_by_what_it_says():
    plan = parse("report_without_title.txt")
    assert plan.kind is PlanKind.REPORT and plan.tasks == []
    assert plan.year == 2023


def test_a_report_on_a_plan_is_a_report_though_its_title_quotes_the_plan():
    plan = parse("report_quoting_plan.txt")
    assert (plan.kind, plan.year, plan.issuer) == (PlanKind.REPORT, 2022, "某县交通运输局")
    assert plan.tasks == []


def test_traditional_unit_clauses_keep_the_documents_script_and_one_class_of_governments():
    plan = parse("traditional_units.txt")
    assert plan.traditional
    assert rows(plan) == [
        (
            ["一", "1"],
            "全面推行告知承諾制",
            ["市政府辦公室", "市行政審批服務局"],
            ["市級各有關部門", "各縣、區人民政府"],
            "period_end",
            "2022-09-30",
        ),
        (["一", "2"], "推進政務服務“一網通辦”", ["市行政審批服務局"], [], "none", None),
    ]


def test_a_table_whose_second_header_row_splits_a_merged_unit_column():
    plan = parse("table_two_header_rows.txt")
    assert rows(plan) == [
        (["1"], "公开财政预决算信息", ["县财政局"], ["各乡镇"], "period_end", "2023-06-30"),
        (["2"], "公开重大项目信息", ["县发展改革局"], [], "recurring", None),
    ]


def test_a_cell_broken_over_two_lines_in_a_one_cell_per_line_table():
    plan = parse("table_stacked_broken_cell.txt")
    assert rows(plan) == [
        (["1"], "更新政务公开专栏，确保内容准确规范", ["街道党政办"], [], "period_end", "2024-03-31"),
        (["2"], "公开民生项目进展", ["街道社区建设办", "各社区"], [], "recurring", None),
    ]


def test_a_notices_attachment_list_is_no_point_and_no_title():
    plan = parse("notice_with_attachment_list.txt")
    assert (plan.title, plan.issuer, plan.year) == ("某县2023年政务公开工作要点", "某县人民政府办公室", 2023)
    assert [t.path for t in plan.tasks] == [["一", "（一）"], ["一", "（二）"], ["二", "（三）"]]
    assert plan.warnings == []


def test_a_title_printed_over_three_lines_and_the_notices_own_facts():
    plan = parse("title_over_three_lines.txt")
    assert (plan.title, plan.issuer, plan.doc_number, plan.year) == (
        "某市2022年政务公开重点工作任务分工方案",
        "某市人民政府办公室",
        "某府办函〔2022〕9号",
        2022,
    )


def test_a_title_is_never_taken_from_a_notices_prose_or_a_fused_signature_date():
    corpus = Path(__file__).parent / "data" / "corpus" / "docs"
    report = parse_source(corpus / "chizhou_2024_gaoxin_nianbao.txt")
    assert (report.kind, report.title, report.year) == (
        PlanKind.REPORT,
        "池州高新区2024年政府信息公开工作年度报告",
        2024,
    )
    plan = parse_source(corpus / "pingtan_2023_xinwuranwu_fangan.txt")
    assert (plan.title, plan.issuer) == ("平潭综合实验区新污染物治理工作方案", "平潭综合实验区管委会办公室")


def test_a_one_cell_per_line_table_ending_on_a_unit_cell_keeps_it():
    # `办公室` alone at the end is the last row's unit cell, not a signature (no date follows it).
    plan = parse("table_stacked_units_last.txt")
    assert rows(plan) == [
        (["一", "1"], "对本单位出台的政策文件同步开展解读", ["各科室"], [], "none", None),
        (["一", "2"], "丰富图解、视频等解读形式", ["办公室"], ["各科室"], "none", None),
        (["二", "3"], "及时更新网站栏目", ["办公室"], [], "none", None),
    ]


def test_a_table_copied_without_its_header_row_and_with_page_numbers_in_it():
    plan = parse("table_without_header.txt")
    assert rows(plan) == [
        (["一", "1"], "公开本部门预算、决算", ["财务科"], [], "none", None),
        (["二", "2"], "落实解读三同步", ["办公室"], [], "none", None),
        (["二", "3"], "丰富解读形式", ["办公室"], ["各科室"], "none", None),
        (["二", "4"], "开展解读评估", ["各科室"], [], "none", None),
    ]


def test_a_document_that_says_its_first_listed_unit_leads_is_read_by_its_rule():
    plan = parse("first_listed_leads.txt")
    assert rows(plan) == [
        (["一", "1"], "编制重大行政决策事项目录", ["县司法局"], ["县政府办公室"], "none", None),
        (["一", "2"], "做好决策预公开", ["县政府办公室"], ["县直各部门"], "none", None),
    ]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("某县2023年政务公开工作要点", "plan"),
        ("关于印发《某市2022年政务公开工作要点》的通知", "plan"),
        ("2020年《政府工作报告》重点工作任务分解", "plan"),
        ("关于2022年政务公开工作要点落实情况的报告", "report"),
        ("关于报送2021年政务公开工作要点落实情况的函", "report"),
        ("某县2022年政务公开工作总结", "report"),
        ("某市2023年政府信息公开工作年度报告", "report"),
        ("某局2023年政务公开工作情况", "report"),
        ("关于2023年重点工作进展情况的通报", "report"),
    ],
)
def test_a_documents_kind_is_what_its_title_says_it_is(title, kind):
    from parsing.header import kind_of_title

    assert kind_of_title(title) == kind


def test_pinyin_a_mirror_inserted_is_in_no_title_and_no_unit_name():
    plan = parse("pinyin_glosses.txt")
    assert plan.traditional
    assert rows(plan) == [
        (["一", "（一）"], "加強財政預決算公開", ["縣財政局"], ["縣審計局"], "none", None),
        (
            ["一", "（二）"],
            "做好重大項目信息公開",
            ["縣發展改革局", "縣住房和城鄉建設局"],
            [],
            "period_end",
            "2023-06-30",
        ),
    ]
    assert any("拼音注音" in warning for warning in plan.warnings)


def test_each_unit_clause_of_a_point_is_read_in_its_own_right():
    # A bare 责任单位 clause closing its own part of the point leads that part, though another clause
    # of the point names a lead; an alias note (以下统称…) is no unit; 分别负责落实 is a responsibility.
    plan = parse("clauses_each_with_its_role.txt")
    assert rows(plan) == [
        (
            ["一", "（一）"],
            "做好重大战略部署信息公开",
            ["区发改委", "区商务局", "区住建局", "区国资中心"],
            ["区政府各相关部门", "各街道"],
            "none",
            None,
        ),
        (
            ["一", "（二）"],
            "做好财政资金信息公开",
            ["区财政局"],
            ["各街道", "区直各部门"],
            "period_end",
            "2023-12-31",
        ),
        (["一", "（三）"], "做好重点项目信息公开", ["区发改委", "区住建局"], [], "none", None),
    ]


def test_a_one_cell_per_line_table_of_requirements_each_followed_by_its_units():
    plan = parse("table_stacked_requirements_under_a_point.txt")
    # The title printed first without its year, then again with it: the year is the plan's.
    assert plan.year == 2017
    assert rows(plan) == [
        (
            ["一", "（一）"],
            "加强预期引导",
            ["市发改委", "市人社局", "市金融办", "人民银行某市中心支行"],
            [],
            "none",
            None,
        ),
        (["一", "（二）"], "加强财政信息公开", ["市财政局"], [], "none", None),
    ]


def test_a_copy_that_starts_inside_the_document_keeps_its_first_section():
    plan = parse("copy_starting_inside_the_document.txt")
    assert [task.path for task in plan.tasks] == [
        ["二", "（一）", "1"],
        ["二", "（一）", "2"],
        ["三", "（一）"],
    ]
    assert plan.tasks[1].lead_units == ["区政务服务中心"]
    assert "第3行：编号不连续：从开头跳到二" in plan.warnings


def test_a_translation_printed_after_a_heading_is_not_part_of_its_title():
    plan = parse("translated_headings.txt")
    assert plan.title == "2023年政务公开工作要点"
    assert rows(plan) == [
        (["一", "（一）"], "加强财政信息公开", ["市财政局"], ["市审计局"], "none", None),
        (["一", "（二）"], "做好重大项目信息公开", ["市发展改革委", "市住建局"], [], "none", None),
        (["一", "（三）"], "做好政策解读", ["市司法局"], [], "period_end", "2023-06-30"),
    ]
