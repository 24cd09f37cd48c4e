"""Task tables flattened to text: header roles, group rows, ragged rows."""

from parsing.tables import header_roles, parse_table, split_row


def rows_of(lines: list[str], header: str = "序号 | 工作任务 | 责任单位 | 完成时限"):
    roles = header_roles(split_row(header))
    assert roles is not None
    return parse_table(list(enumerate(lines, start=2)), roles)


def test_header_roles_name_the_columns():
    assert header_roles(split_row("序号 | 工作任务 | 责任单位 | 完成时限")) == [
        "seq",
        "task",
        "units",
        "deadline",
    ]
    assert header_roles(split_row("序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时间")) == [
        "seq",
        "task",
        "body",
        "lead",
        "support",
        "deadline",
    ]
    # A table of statistics is not a task table.
    assert header_roles(split_row("项目 | 数量 | 同比")) is None
    assert split_row("没有竖线的一行") is None


def test_group_rows_become_the_first_path_label():
    table = rows_of(
        ["一、经济发展", "1 | 规划公开 | 市发改委 | 6月底前", "二、政策解读", "2 | 解读 | 市司法局 | 长期"]
    )
    assert [row.path for row in table.rows] == [["一", "1"], ["二", "2"]]
    assert table.rows[0].units == "市发改委" and table.rows[0].deadline == "6月底前"
    assert table.warnings == []


def test_without_group_rows_the_path_is_the_serial_number():
    table = rows_of(["1 | 甲任务 | 甲局 | 年底前", "2 | 乙任务 | 乙局 | 年底前"])
    assert [row.path for row in table.rows] == [["1"], ["2"]]


def test_ragged_rows_are_mapped_and_reported():
    table = rows_of(
        [
            "5 | 回应关切 | 市信访局",  # the deadline cell is missing
            "6 | 开放日 | 市政府办公室 | 11月30日前 | 每年至少一次",  # one cell too many
            "开展培训 | 市政府办公室 | 年底前",  # the serial number is missing
        ]
    )
    fifth, sixth, seventh = table.rows
    assert (fifth.units, fifth.deadline) == ("市信访局", "")
    assert sixth.deadline == "11月30日前" and "每年至少一次" in sixth.body
    assert seventh.path == ["7"] and seventh.units == "市政府办公室" and seventh.deadline == "年底前"
    # Fewer cells are merged cells (normal); an extra cell and a missing serial number are said.
    assert len(table.warnings) == 2


def test_a_cell_broken_over_lines_continues_the_row():
    table = rows_of(["8 | 规范依申请公开办理， | 市司法局 | 持续推进", "严格答复时限。"])
    assert table.rows[0].task == "规范依申请公开办理，"
    assert table.rows[0].body == "严格答复时限。"


def test_a_category_column_groups_the_rows():
    table = rows_of(
        [
            "重点领域 | 1 | 财政公开 | 市财政局 | 年底前",
            " | 2 | 项目公开 | 市发改委 | 年底前",
            "政策解读 | 3 | 解读 | 市司法局 | 长期",
        ],
        header="类别 | 序号 | 工作任务 | 责任单位 | 完成时限",
    )
    # Categories without numerals add no level to the path (the labelling standard: [序号]).
    assert [row.path for row in table.rows] == [["1"], ["2"], ["3"]]
    assert [row.group for row in table.rows] == ["重点领域", "重点领域", "政策解读"]


def test_a_markdown_table_with_its_rule_row():
    header = "| 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限 |"
    table = rows_of(
        [
            "|---|:---|---|---|---|---:|",
            "| 一、深化公开 | | | | | |",
            "| 1 | 财政公开 | 公开预决算 | 区财政局 | 各街道 | 6月底前 |",
        ],
        header=header,
    )
    assert [(row.path, row.task, row.body, row.lead, row.support, row.deadline) for row in table.rows] == [
        (["一", "1"], "财政公开", "公开预决算", "区财政局", "各街道", "6月底前")
    ]


def test_cells_without_separators_are_split_by_what_the_columns_hold():
    from parsing.tables import _run_cells

    roles = ["seq", "task", "units", "deadline"]
    assert _run_cells("1 推进财政信息公开 市财政局 2022年6月底前", roles) == [
        "1",
        "推进财政信息公开",
        "市财政局",
        "2022年6月底前",
    ]
    # No space at all: the units are the short names the text ends with, before its time.
    assert _run_cells("1推进财政信息公开市财政局、市审计局2022年6月底前", roles) == [
        "1",
        "推进财政信息公开",
        "市财政局、市审计局",
        "2022年6月底前",
    ]
    assert _run_cells("4加强市场监管信息公开市市场监管局年内", roles)[1:3] == [
        "加强市场监管信息公开",
        "市市场监管局",
    ]
    # Spaces inside the task text: the task is what lies between the number and the units.
    assert _run_cells("3 开展 政务公开 培训 镇党政办 年内", roles)[1] == "开展 政务公开 培训"


def test_a_one_cell_per_line_table_is_cut_into_rows_at_its_details():
    from parsing.tables import find_header

    lines = [
        "序号",
        "工作任务",
        "责任单位",
        "完成时限",
        "1",
        "公开预算",
        "市财政局",
        "6月底前",
        "2",
        "公开决算",
        "市财政局",
        "8月底前",
    ]
    header = find_header(lines)
    assert (
        header is not None
        and header.layout == "stacked"
        and header.roles == ["seq", "task", "units", "deadline"]
    )
    table = parse_table(list(enumerate(lines[header.end :], start=5)), header.roles, header.layout)
    assert [(row.path, row.task, row.units, row.deadline) for row in table.rows] == [
        (["1"], "公开预算", "市财政局", "6月底前"),
        (["2"], "公开决算", "市财政局", "8月底前"),
    ]


def test_a_time_cell_is_mostly_a_time():
    from parsing.tables import _is_time_cell

    for cell in [
        "长期推进",
        "2021年8月前",
        "每季度",
        "年底前",
        "2021年2月公布预算信息,2021年8月公布上年度决算信息",
    ]:
        assert _is_time_cell(cell), cell
    for cell in ["做好常态化疫情防控信息发布", "及时更新网站信息", "办公室牵头"]:
        assert not _is_time_cell(cell), cell
