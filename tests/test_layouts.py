"""Layouts beyond the seeds: task tables (pipes, Markdown, tabs, Word), prose units, HTML, nesting."""

from __future__ import annotations

from pathlib import Path

import docx

from models.plan import SectionKind
from parsing.sources import parse_source

DATA = Path(__file__).parent / "data"


def summary(plan):
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


def test_flattened_table_with_group_rows_ragged_cells_and_a_broken_row():
    plan = parse_source(DATA / "table_plan.txt")
    assert (plan.title, plan.issuer, plan.doc_number, plan.year) == (
        "某市2022年政务公开重点任务分工方案",
        "某市人民政府办公室",
        "某政办发〔2022〕15号",
        2022,
    )
    assert summary(plan) == [
        # A bare 责任单位 cell names no lead: all of it leads.
        (["一", "1"], "做好规划信息公开", ["市发展改革委", "各县区人民政府"], [], "period_end", "2022-06-30"),
        (["一", "2"], "推进财政信息公开", ["市财政局"], [], "recurring", None),
        (
            ["一", "3"],
            "公开重大建设项目信息",
            ["市政务服务和大数据管理局", "各市（州）人民政府"],
            [],
            "period_end",
            "2022-09-30",
        ),
        (["二", "4"], "做好政策解读工作", ["市司法局"], ["市委宣传部"], "ongoing", None),
        (["二", "5"], "回应社会关切", ["市信访局"], ["市网信办", "市公安局"], "none", None),
        (["二", "6"], "开展政府开放日活动", ["市政府办公室"], [], "date", "2022-11-30"),
        (["三", "7"], "开展培训交流", ["市政府办公室"], [], "period_end", "2022-12-31"),
        (["三", "8"], "规范依申请公开办理，严格答复时限", ["市司法局"], [], "ongoing", None),
    ]
    assert plan.tasks[1].deadline.recurrence.value == "quarterly"
    assert "第19行：表格行没有序号，按顺序编为7" in plan.warnings


def test_markdown_table_with_lead_and_support_columns():
    plan = parse_source(DATA / "markdown_table.txt")
    assert summary(plan) == [
        (["一", "1"], "推进财政信息公开", ["区财政局"], ["各街道办事处"], "period_end", "2023-06-30"),
        (
            ["一", "2"],
            "推进重大项目公开",
            ["区发展改革委"],
            ["区住房城乡建设委", "区生态环境局"],
            "recurring",
            None,
        ),
        (["二", "3"], "做好政策解读", ["区司法局"], ["各相关单位"], "ongoing", None),
    ]
    assert plan.tasks[0].body == "公开部门预决算"
    assert plan.tasks[2].units_open_ended


def test_prose_units_labelled_clauses_and_three_levels():
    plan = parse_source(DATA / "prose_plan.txt")
    assert (plan.title, plan.issuer, plan.year) == (
        "某县2023年政务公开工作实施方案",
        "某县人民政府办公室",
        2023,
    )
    assert summary(plan) == [
        (["一"], "总体要求", [], [], "none", None),
        (
            ["二", "（一）", "1"],
            "推进财政预决算公开",
            ["县财政局"],
            ["县审计局", "各乡镇"],
            "date",
            "2023-06-30",
        ),
        (["二", "（一）", "2"], "推进重大项目信息公开", ["县发展改革局"], ["县住建局"], "recurring", None),
        (
            ["二", "（一）", "3"],
            "做好公共资源配置信息公开",
            ["县公共资源交易中心"],
            ["县财政局", "县市场监督管理局"],
            "period_end",
            "2023-09-30",
        ),
        (["二", "（二）", "1"], "落实政策解读“三同步”要求", ["县政府办公室", "县司法局"], [], "none", None),
        (
            ["二", "（二）", "2", "（1）"],
            "丰富解读形式，推行图解、视频等解读方式，上半年完成解读模板制定",
            [],
            [],
            "period_end",
            "2023-06-30",
        ),
        (["二", "（二）", "2", "（2）"], "开展解读评估", [], [], "ongoing", None),
        (["三", "（一）"], "加强组织领导", [], [], "none", None),
        (["三", "（二）"], "强化督促检查", [], [], "recurring", None),
    ]
    assert plan.tasks[0].section is SectionKind.REQUIREMENTS
    assert [t.section for t in plan.tasks][-2:] == [SectionKind.SAFEGUARDS] * 2
    # 一是…二是… and ①②③ stay in the body; the signature stays out of it.
    inline = plan.tasks[4]
    assert "一是同步起草" in inline.body and "责任单位" not in inline.body
    assert "①评估覆盖面" in plan.tasks[6].body
    assert "某县人民政府办公室" not in plan.tasks[-1].body


def test_nested_points_units_in_prose_and_a_following_units_line():
    plan = parse_source(DATA / "nested_points.txt")
    assert summary(plan) == [
        (["一", "1"], "做好疫情防控信息发布", ["疾控处", "宣传处"], [], "ongoing", None),
        (["一", "2", "（1）"], "制定院务公开目录，2022年9月底前完成", [], [], "period_end", "2022-09-30"),
        (
            ["一", "2", "（2）"],
            "开展院务公开评估，第四季度完成",
            ["医政医管处"],
            ["各医疗机构"],
            "period_end",
            "2022-12-31",
        ),
        (["二", "3"], "落实解读机制", ["委办公室"], ["法规处"], "recurring", None),
    ]
    assert plan.tasks[3].deadline.recurrence.value == "half-yearly"


def test_html_page_with_noise_around_the_body():
    plan = parse_source(DATA / "html_plan.html")
    # The page's 来源 names the office that published it.
    assert (plan.title, plan.issuer, plan.year) == ("某局2024年政务公开工作要点", "某局办公室", 2024)
    assert summary(plan) == [
        # 及时更新 says how, not when: no deadline.
        (["一", "1"], "公开权责清单", ["法规处"], [], "none", None),
        (["一", "2"], "公开“双随机”抽查结果", ["执法处", "办公室", "相关处室"], [], "recurring", None),
        (["二", "3"], "规范答复文书", ["办公室"], [], "period_end", "2024-09-30"),
    ]
    assert not any("ICP" in t.body or "上一条" in t.body for t in plan.tasks)


def test_word_document_with_a_task_table(tmp_path):
    document = docx.Document()
    document.add_paragraph("某区2025年政务公开任务分工方案")
    document.add_paragraph("为做好政务公开工作，制定如下分工。")
    table = document.add_table(rows=4, cols=4)
    rows = [
        ("序号", "工作任务", "责任单位", "完成时限"),
        ("一、信息公开", "", "", ""),
        ("1", "公开政府工作报告", "区政府办公室", "2025年3月底前"),
        ("2", "更新政府信息公开指南", "区政府办公室、区司法局", "年内"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    group = table.rows[1].cells
    group[0].merge(group[3])
    document.add_paragraph("区政府办公室")
    document.add_paragraph("2025年1月10日")
    path = tmp_path / "分工方案.docx"
    document.save(path)
    plan = parse_source(path)
    assert plan.year == 2025 and plan.title == "某区2025年政务公开任务分工方案"
    assert summary(plan) == [
        (["一", "1"], "公开政府工作报告", ["区政府办公室"], [], "period_end", "2025-03-31"),
        (["一", "2"], "更新政府信息公开指南", ["区政府办公室", "区司法局"], [], "period_end", "2025-12-31"),
    ]


def test_tab_separated_table_without_a_title_leaves_year_and_dates_open():
    plan = parse_source(DATA / "tab_table.txt")
    assert plan.year is None
    # 3月底前 without a plan year: the type is known, the day is not invented.
    assert summary(plan) == [
        (["1"], "编制年度报告", ["区政府办公室"], [], "date", "2023-01-31"),
        (["2"], "更新公开指南", ["区政府办公室", "区政务服务中心"], [], "period_end", None),
    ]


def test_parts_above_sections_and_numbering_straight_through():
    plan = parse_source(DATA / "parts_plan.txt")
    assert summary(plan) == [
        (
            ["第一部分", "一", "（一）"],
            "完善重大行政决策预公开制度",
            ["省司法厅"],
            ["各市（州）人民政府", "省直有关部门"],
            "period_end",
            "2022-10-31",
        ),
        (
            ["第一部分", "一", "（二）"],
            "编制年度重大行政决策事项目录，于2022年3月31日前向社会公布",
            [],
            [],
            "date",
            "2022-03-31",
        ),
        (["第一部分", "二", "（三）"], "做好政府督查信息公开", ["省政府督查室"], [], "recurring", None),
        (
            ["第二部分", "三", "（四）"],
            "推进政府网站集约化",
            ["省政务服务和数字化建设管理局"],
            [],
            "none",
            None,
        ),
    ]
    assert plan.warnings == []


def test_a_task_table_after_the_narrative_is_the_task_list():
    plan = parse_source(DATA / "narrative_and_table.txt")
    assert [(t.path, t.title) for t in plan.tasks] == [(["1"], "推进决策公开"), (["2"], "推进执行公开")]
    assert any("以任务表为准" in warning for warning in plan.warnings)


def test_top_level_bracketed_points_with_unit_lines():
    plan = parse_source(DATA / "paren_top_level.txt")
    assert summary(plan) == [
        (["（一）"], "加强政策解读", ["办公室"], [], "period_end", "2022-12-31"),
        (["（二）"], "做好依申请公开", ["法规科"], [], "none", None),
        (
            ["（三）"],
            "推进基层政务公开标准化规范化",
            ["办公室"],
            ["各乡镇（街道）", "县直各单位"],
            "none",
            None,
        ),
    ]
    assert not any("责任单位" in t.body or "配合单位" in t.body for t in plan.tasks)


def test_html_task_table_with_group_rows_and_a_merged_unit_cell():
    plan = parse_source(DATA / "html_table.html")
    assert plan.title == "XX市2024年政务公开重点任务清单"
    assert summary(plan) == [
        (
            ["一", "1"],
            "公开涉企政策",
            ["市发展改革委"],
            ["市工业和信息化局", "市商务局"],
            "date",
            "2024-06-30",
        ),
        (["一", "2"], "公开监管规则", ["市市场监管局"], [], "ongoing", None),
        (["二", "3"], "公开就业政策", ["市人力资源社会保障局"], ["各区县政府"], "recurring", None),
        # The 牵头单位 cell spans rows 3 and 4: it leads both.
        (["二", "4"], "公开社保信息", ["市人力资源社会保障局"], ["市医保局"], "period_end", "2024-06-30"),
    ]


def test_half_brackets_colon_headings_and_the_closing_lines():
    plan = parse_source(DATA / "colon_titles_and_closing.txt")
    assert (plan.issuer, plan.year) == ("XX县政务服务中心", 2023)
    assert [(t.path, t.title) for t in plan.tasks] == [
        (["一", "（1）"], "制定工作台账，3月底前完成"),
        (["一", "（2）"], "建立督办机制"),
        (["二", "（一）"], "发布政策文件"),
    ]
    # The signature, 抄送 and 印发 lines close the document; they belong to no point.
    assert plan.tasks[-1].body == ""


def test_a_tab_separated_table_keeps_its_empty_cells_in_place():
    # Two tabs in a row are an empty 配合单位 cell: the time stays in the time column.
    plan = parse_source(DATA / "tab_table_empty_cells.txt")
    assert summary(plan) == [
        (["一", "1"], "推进政策文件集中公开", ["县司法局"], ["县政府办"], "date", "2022-06-30"),
        (["一", "2"], "做好政策解读", ["各乡镇", "县直各部门"], [], "ongoing", None),
        (["二", "3"], "加强政府网站管理", ["县政府办"], ["县融媒体中心"], "recurring", None),
        (["二", "4"], "规范政务新媒体", ["县委网信办", "县政府办"], [], "period_end", "2022-09-30"),
    ]
    assert plan.warnings == []


def test_a_plan_kept_as_markdown_reads_its_headings_and_emphasis():
    plan = parse_source(DATA / "markdown_plan.md")
    assert (plan.title, plan.issuer, plan.year) == (
        "市卫生健康委2023年政务公开工作实施方案",
        "市卫生健康委",
        2023,
    )
    assert summary(plan) == [
        (["一", "（一）"], "深化决策公开", ["委办公室"], ["法规处"], "period_end", "2023-03-31"),
        (["一", "（二）"], "加强政策解读", ["宣传处"], [], "recurring", None),
        (["二"], "工作要求", [], [], "date", "2023-12-10"),
    ]
    assert [task.section for task in plan.tasks] == [
        SectionKind.TASKS,
        SectionKind.TASKS,
        SectionKind.SAFEGUARDS,
    ]
