"""The look-back written as Markdown, XLSX and DOCX, read back and checked figure by figure."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lookback_ledger import AS_OF, PLAN, TITLE, build
from openpyxl import load_workbook
from sqlalchemy import Date, DateTime, update
from sqlmodel import SQLModel, select
from tabulate import tabulate

from models.errors import BadInput
from models.reads.lookback import NO_LEAD, compute_lookback, scope_keys, stream_lookback
from models.storage.db import read_session, write_session
from models.storage.tables import Plan
from models.writes.carry_over import carry_over
from models.writes.summaries import submit_summary
from workflows import lookback_markdown
from workflows.lookback_report import (
    document_headings,
    preview_lookback,
    render,
    summary_lines,
    write_lookback,
)

ROOT = Path(__file__).resolve().parent.parent
NAME = "2021年测试工作要点"  # the plan's short name, derived from TITLE: what the tables show
PLANS = ROOT / "plans"
SHEETS = ["按计划", "按部分", "按单位", "未完成事项", "持续性事项", "单位总结", "说明"]


@pytest.fixture
def codes(engine):
    codes = build(engine)
    with write_session(engine) as session:
        submit_summary(
            session, unit="办公室", year=2021, text="一、总体情况\n全年完成主要任务。", actor="办公室"
        )
    return codes


@pytest.fixture
def written(engine, codes, tmp_path):
    return write_lookback(engine, as_of=AS_OF, plan=PLAN, output=tmp_path / "out")


def md_table(text: str, heading: str) -> list[list[str]]:
    """The rows of the first table under a `## heading` (header and rule lines dropped)."""
    lines = text[text.index(heading) :].splitlines()[1:]
    rows, started = [], False
    for line in lines:
        if line.startswith("|"):
            started = True
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif started:
            break
    return rows[2:]


def test_files_are_named_by_scope_and_date_in_the_folder(written, tmp_path):
    out = tmp_path / "out"
    assert [p.name for p in written.paths] == [
        f"lookback-{PLAN}-2021-12-01.{ext}" for ext in ("md", "xlsx", "docx")
    ]
    assert all(p.parent == out for p in written.paths)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written.paths)  # no temp files


def test_markdown_has_every_view_with_the_hand_counted_figures(written, codes):
    text = written.files["md"].read_text(encoding="utf-8")
    assert text.startswith(f"# {TITLE}落实情况回头看报告\n")
    assert (
        "截至2021年12月1日，该计划共有任务9项，其中有明确完成时限的8项，已完成3项，完成率37.5%；逾期未完成2项，"
        "推进中2项，未开始1项。持续推进事项1项，单独统计，不计入完成率。另有1项已取消" in text
    )
    assert md_table(text, "## 二、各计划完成情况") == [
        [TITLE, PLAN, "2021", "9", "3", "2", "1", "2", "1", "37.5%", "1"],
        ["合计", "", "", "9", "3", "2", "1", "2", "1", "37.5%", "1"],
    ]
    sections = md_table(text, "## 三、各部分完成情况")
    assert [row[1] for row in sections] == ["一", "二", "三", "四"]
    assert sections[3] == [NAME, "四", "加强组织保障", "保障措施", "0", "0", "0", "0", "0", "0", "—", "1"]
    units = {row[0]: row[1:] for row in md_table(text, "## 四、各单位完成情况")}
    assert units["办公室"] == ["5", "2", "1", "1", "1", "0", "50.0%", "0"]
    assert units[NO_LEAD] == ["0", "0", "0", "0", "0", "0", "—", "1"]
    assert "按牵头单位统计" in text
    unfinished = md_table(text, "## 五、未完成事项")
    assert [row[1] for row in unfinished] == [codes[x] for x in "defghi"]
    e = unfinished[1]
    assert e[2:8] == [NAME, "二、5", "任务戊", "法规处", "上半年（2021-11-15）", "逾期未完成"]
    assert e[10] == "延期原因：等待省局统一部署"
    assert unfinished[4][10] == "（未报送）"
    ongoing = md_table(text, "## 六、持续性事项")
    assert [(row[1], row[-1]) for row in ongoing] == [(codes["i"], "每月更新专栏")]
    assert "### （一）办公室（全年）" in text and "全年完成主要任务。" in text
    assert text.rstrip().endswith("测试市政务公开办\n\n2021年12月1日")


def test_xlsx_has_one_sheet_per_view_with_styled_frozen_headers(written, codes):
    workbook = load_workbook(written.files["xlsx"])
    assert workbook.sheetnames == SHEETS
    plans = workbook["按计划"]
    rows = list(plans.iter_rows(values_only=True))
    assert rows[0][:4] == ("计划", "计划编号", "年度", "任务总数")
    assert rows[1][:9] == (TITLE, PLAN, 2021, 9, 3, 2, 1, 2, 1)
    assert rows[1][9] == pytest.approx(3 / 8) and rows[1][10] == 1  # the ongoing point apart
    assert plans.cell(row=2, column=10).number_format == "0.0%"
    assert rows[2][0] == "合计" and rows[2][3:5] == (9, 3)
    for title in SHEETS[:-1]:
        sheet = workbook[title]
        assert sheet.freeze_panes == "A2", title
        assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7"), title
        assert sheet.column_dimensions["A"].width > 5, title
        assert sheet.auto_filter.ref.startswith("A1:"), title
    sections = list(workbook["按部分"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4], r[5]) for r in sections] == [("一", 3, 3), ("二", 3, 0), ("三", 3, 0), ("四", 0, 0)]
    assert sections[3][2] == "加强组织保障" and sections[3][10] is None  # no rate without a total
    units = {r[0]: r[1:] for r in workbook["按单位"].iter_rows(min_row=2, values_only=True)}
    assert units["法规处"][:6] == (2, 1, 1, 0, 0, 0) and units["法规处"][6] == pytest.approx(0.5)
    unfinished = list(workbook["未完成事项"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in unfinished] == [codes[x] for x in "defghi"]
    e = unfinished[1]
    assert e[4:8] == ("法规处", "办公室", "上半年", dt.datetime(2021, 11, 15))
    assert e[8:10] == ("逾期未完成", "已延期") and e[12] == "延期原因：等待省局统一部署"
    assert e[11] == dt.datetime(2021, 7, 1)  # the deferral's business day
    ongoing = list(workbook["持续性事项"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5], r[9]) for r in ongoing] == [(codes["i"], "持续推进", "每月更新专栏")]
    summaries = list(workbook["单位总结"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], r[6]) for r in summaries] == [
        ("办公室", "（全年）", 2021, "一、总体情况\n全年完成主要任务。")
    ]


def east_asian(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_is_laid_out_as_an_official_document(written, codes):
    document = docx.Document(written.files["docx"])
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 1) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    styles = document.styles
    assert (east_asian(styles["Title"]), styles["Title"].font.size.pt) == ("方正小标宋简体", 22)
    assert (east_asian(styles["Normal"]), styles["Normal"].font.size.pt) == ("仿宋_GB2312", 16)
    assert east_asian(styles["Heading 1"]) == "黑体" and east_asian(styles["Heading 2"]) == "楷体_GB2312"
    for name in ("Title", "Normal", "Heading 1", "Heading 2"):
        # Theme fonts would override the names above in Word.
        assert styles[name].element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None, name
    paragraphs = document.paragraphs
    # The agency and the period in the title.
    assert (
        paragraphs[0].text == f"测试市政务公开办{TITLE}落实情况回头看报告"
        and paragraphs[0].style.name == "Title"
    )
    assert paragraphs[1].text == "（2021年1月1日至2021年12月1日）"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == ["一、总体情况", "二、主要成效", "三、存在问题", "四、下一步工作打算"]
    assert headings[4:] == ["附件1", "附件2", "附件3", "附件4"]
    texts = [p.text for p in paragraphs]
    assert "附件：1.完成情况统计表" in texts and "4.各单位落实情况总结" in texts
    # Figures from the ledger; the rate leaves the ongoing point apart, as in the Markdown.
    assert any("有明确完成时限的任务8项，已完成3项，完成率37.5%" in t for t in texts)
    assert any(t.startswith("1.任务丁（二、4，牵头单位：办公室") and "已起草初稿" in t for t in texts)
    # Prose for the office to write: highlighted.
    blanks = [r for p in paragraphs for r in p.runs if r.text.startswith("【待补充：")]
    assert len(blanks) >= 4 and all(r.font.highlight_color is not None for r in blanks)
    signature = texts.index("测试市政务公开办")
    assert texts[signature + 1] == "2021年12月1日"
    tables = document.tables
    assert len(tables) == 6  # sections in the body; plans, sections, units; unfinished; ongoing
    first = [[c.text for c in row.cells] for row in tables[0].rows]
    assert first[0] == ["部分", "任务总数", "有时限任务", "已完成", "完成率", "逾期未完成", "持续推进"]
    assert first[-1] == ["合计", "9", "8", "3", "37.5%", "2", "1"]
    assert [row.cells[1].text for row in tables[4].rows[1:]] == [codes[x] for x in "defghi"]
    for table in tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for row in table.rows:  # every cell's width as in the grid
            widths = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row._tr.tc_lst]
            assert sum(widths) == sum(grid)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats
    landscape = [s for s in document.sections if s.page_width > s.page_height]
    assert len(landscape) == 3  # the attachments with wide tables
    assert (
        "PAGE" in section.footer.paragraphs[0]._p.xml
        and "PAGE" in section.even_page_footer.paragraphs[0]._p.xml
    )


def test_one_format_can_be_written_to_a_named_file(engine, codes, tmp_path):
    target = tmp_path / "回头看.docx"
    result = write_lookback(engine, as_of=AS_OF, year=2021, formats=["docx"], output=target)
    assert result.paths == [target] and target.is_file()
    assert docx.Document(target).paragraphs[0].text == "测试市政务公开办2021年度工作任务落实情况回头看报告"


def test_bad_output_or_format_is_refused_before_anything_is_written_or_carried(engine, codes, tmp_path):
    with pytest.raises(BadInput, match=r"指定的是一个 \.md 文件"):
        write_lookback(
            engine, as_of=AS_OF, plan=PLAN, formats=["md", "xlsx"], output=tmp_path / "x.md", carry=True
        )
    with pytest.raises(BadInput, match="未知的回头看格式 'pdf'"):
        write_lookback(engine, as_of=AS_OF, plan=PLAN, formats=["pdf"], output=tmp_path / "out", carry=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(BadInput, match="是文件"):
        write_lookback(engine, as_of=AS_OF, plan=PLAN, output=tmp_path / "file", carry=True)
    assert not (tmp_path / "out").exists() and not (tmp_path / "x.md").exists()
    with read_session(engine) as session:
        assert session.exec(select(Plan).where(Plan.key == "2022-zhenggai")).first() is None


def test_carry_over_with_the_report_shows_where_each_item_went(engine, codes, tmp_path):
    result = write_lookback(engine, as_of=AS_OF, plan=PLAN, formats=["md"], output=tmp_path, carry=True)
    assert result.carried is not None and result.carried.created == 6
    text = result.files["md"].read_text(encoding="utf-8")
    assert "## 八、转入整改情况" in text and "6项未完成事项转入《2022年度整改清单》（2022-zhenggai）" in text
    new_codes = dict(result.carried.plans[0].created)
    unfinished = md_table(text, "## 五、未完成事项")
    assert [row[-1] for row in unfinished] == [new_codes[codes[x]] for x in "defghi"]
    again = write_lookback(engine, as_of=AS_OF, plan=PLAN, formats=["md"], output=tmp_path, carry=True)
    assert again.carried.created == 0 and again.carried.skipped == 6


def test_summary_lines_and_the_dry_run(engine, codes):
    preview = preview_lookback(engine, as_of=AS_OF, year=2021, carry=True)
    assert preview.paths == []
    lines = summary_lines(preview.lookback, preview.carried).splitlines()
    assert lines[0] == "回头看 2021（截至 2021-12-01）：2个计划，任务 11 项（1 项已取消，不计入）"
    assert lines[1] == "  已完成 4（40.0%），逾期 2，持续推进 1，推进中 2，未开始 2"
    assert f"  {PLAN}：任务 9 项，已完成 3（37.5%），逾期 2" in lines
    assert "  将结转 7 项到 2022-zhenggai" in lines
    with read_session(engine) as session:
        assert session.exec(select(Plan).where(Plan.key == "2022-zhenggai")).first() is None


def test_section_headings_are_found_in_the_source_documents():
    headings = document_headings(PLANS / "2021-jilin-amr-gongkai-yaodian.txt")
    assert headings["一"] == "加强政府信息公开条例的贯彻落实"
    assert headings["六"] == "加强政务公开的保障和监督"
    assert document_headings(PLANS / "missing.txt") == {}


def test_the_seed_plans_get_their_section_headings(ledger, tmp_path):
    result = write_lookback(
        ledger,
        as_of=dt.date(2021, 12, 1),
        plan="2021-jilin-amr-gongkai-yaodian",
        formats=["xlsx"],
        output=tmp_path / "jilin.xlsx",
        plans_dir=PLANS,
    )
    sections = list(load_workbook(result.files["xlsx"])["按部分"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2]) for r in sections][:2] == [
        ("一", "加强政府信息公开条例的贯彻落实"),
        ("二", "加强政策解读和回应社会关切效果"),
    ]
    assert sum(r[4] for r in sections) == 17


# Text the table fast paths must write as the libraries did: spaces at the ends, tabs, line
# breaks, markup characters, formula- and error-like text, empty text, long and short text.
UNUSUAL = [
    "  两端有空格  ",
    "制表\t符",
    "换行\n第二行",
    "回车\r\n换行",
    "=SUM(A1:A3)",
    "#N/A",
    "a & b < c > d ]]>",
    "",
    "\u3000全角空格开头",
    "超过八个字的长文本内容应当靠左",
    "短",
    "控制\x07字符",  # dropped from the XLSX, as openpyxl always did; no DOCX can hold it
]


def test_unusual_text_reads_back_from_the_xlsx_and_docx(engine, codes):
    lookback = preview_lookback(engine, as_of=AS_OF, plan=PLAN).lookback
    assert len(lookback.unfinished) == 6
    for item, title, reason in zip(lookback.unfinished, UNUSUAL[:6], UNUSUAL[6:], strict=True):
        item.title, item.reason, item.reason_kind = title, reason, "progress"
    sheet = load_workbook(io.BytesIO(render(lookback, "xlsx")))["未完成事项"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[3].value for row in rows] == UNUSUAL[:6]
    assert [row[12].value for row in rows] == [*UNUSUAL[6:7], "（未报送）", *UNUSUAL[8:11], "控制字符"]
    assert rows[4][3].data_type == "s"  # text, not a formula
    assert all(cell.border.left.style == "thin" and cell.alignment.vertical == "top" for cell in rows[1])
    assert rows[0][7].number_format == "yyyy-mm-dd" and rows[0][3].alignment.wrap_text

    lookback.unfinished[5].reason = ""  # python-docx refuses control characters
    document = docx.Document(io.BytesIO(render(lookback, "docx")))
    table = document.tables[4]  # the unfinished items
    assert [row.cells[3].text for row in table.rows[1:]] == [
        "  两端有空格  ",
        "制表\t符",
        "换行\n第二行",
        "回车\n换行",  # each line break a paragraph of the cell
        "=SUM(A1:A3)",
        "#N/A",
    ]
    assert [row.cells[8].text for row in table.rows[1:]][:1] == ["a & b < c > d ]]>"]
    header, first = table.rows[0].cells[3].paragraphs[0], table.rows[1].cells[3].paragraphs[0]
    assert (header.style.name, first.style.name) == ("Table Heading", "Table Text")
    assert table.rows[1].cells[0].paragraphs[0].alignment == 1  # centred number
    assert table.rows[1].cells[3].paragraphs[0].alignment == 0  # text left-aligned
    styles = document.styles
    assert (east_asian(styles["Table Text"]), styles["Table Text"].font.size.pt) == ("仿宋_GB2312", 10.5)
    assert (east_asian(styles["Table Heading"]), styles["Table Heading"].font.size.pt) == ("黑体", 10.5)
    assert styles["Table Text"].paragraph_format.first_line_indent == 0


def test_markdown_tables_are_what_tabulate_writes():
    def expected(headers, rows):
        cells = [[lookback_markdown.md_cell(v) for v in row] for row in rows]
        return tabulate(cells, headers, tablefmt="github", disable_numparse=True)

    headers = ["序号", "任务", "原因"]
    texts = [*UNUSUAL, "True", "1.50", " |竖线| ", "back\\slash", "  "]
    rows = [[number, text, None if number % 3 else text[::-1]] for number, text in enumerate(texts, start=1)]
    assert lookback_markdown.md_table(headers, rows) == expected(headers, rows)
    # What tabulate measures or lays out its own way (ANSI colours, its separating-line marker)
    # is left to tabulate.
    for odd in ("\x1b[31m红色\x1b[0m", "\x01"):
        more = [*rows, [99, odd, odd]]
        assert lookback_markdown.md_table(headers, more) == expected(headers, more)
    assert lookback_markdown.md_table(headers, []) == "（无）"


def test_streamed_files_are_the_rendered_bytes(engine, codes, tmp_path):
    """write_lookback writes each format as the long lists are read (Items, in one read session);
    the files are byte for byte what render() makes from the look-back read into memory."""
    written = write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "out")
    lookback = preview_lookback(engine, as_of=AS_OF, year=2021).lookback
    assert lookback.unfinished and lookback.ongoing and lookback.done
    for fmt, path in written.files.items():
        assert path.read_bytes() == render(lookback, fmt), fmt
    assert written.summary == summary_lines(lookback)


def test_streamed_lists_read_the_same_every_pass(engine, codes):
    """Items go through the database once, then replay what they read; their length is counted."""
    with read_session(engine) as session:
        streamed = stream_lookback(session, as_of=AS_OF, year=2021)
        for name in ("unfinished", "ongoing", "done"):
            items = getattr(streamed, name)
            count = len(items)
            first, second = list(items), list(items)
            assert first == second and len(first) == count == len(items), name
        held = compute_lookback(session, as_of=AS_OF, year=2021)
        assert list(streamed.unfinished) == held.unfinished
        assert list(streamed.done) == held.done and list(streamed.ongoing) == held.ongoing


def test_streamed_markdown_tables_are_the_whole_tables():
    """write_md_table goes through its rows once (the cells it made are read back from a temporary
    file for the lines, after the widths) and writes md_table's text."""
    headers = ["序号", "任务", "原因"]
    texts = [*UNUSUAL, "True", "1.50", " |竖线| ", "back\\slash", "  ", "क्😀"]
    rows = [[number, text, None if number % 3 else text[::-1]] for number, text in enumerate(texts, start=1)]
    passes = []

    class Replayed:
        def __bool__(self):
            return True

        def __iter__(self):
            passes.append(1)
            return iter(rows)

    for given in (rows, Replayed(), []):
        out = io.StringIO()
        lookback_markdown.write_md_table(headers, given, out)
        assert out.getvalue() == lookback_markdown.md_table(headers, rows if given else [])
    assert len(passes) == 1


# The look-back's files of the hand-counted ledger (lookback_ledger, a unit summary, every time
# stamp and today's business days moved to fixed ones), as the code before the streamed Markdown
# tables and DOCX prose wrote them (3 December 2026): each part's uncompressed content, so a zlib
# of another version does not matter. A change of the bytes any writer makes fails here.
GOLDEN = {
    "docx": "b3f6101ec8d22c0747d6e4f8f52cfa7b0d94ab11e1a3b36e4cf53d8aae133aa7",
    "md": "5d5591ed86cc9d0e647236cd1154dc703977df99aff03a91be4a384d95540923",
    "xlsx": "a7fd8191041028b73351cd2382d69d02e18ea6cf9f5bf2b856db8a32cdd2a48d",
}


def _content_digest(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".md":
        return hashlib.sha256(data).hexdigest()
    found = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            found.update(info.filename.encode() + b"\0" + archive.read(info) + b"\0")
    return found.hexdigest()


def test_the_files_are_the_bytes_written_before(engine, tmp_path):
    build(engine)
    with write_session(engine) as session:
        submit_summary(
            session,
            unit="办公室",
            year=2021,
            text="一、总体情况\n全年完成主要任务。\n\t制表 & <b>",
            actor="办公室",
        )
    moment, today = dt.datetime(2021, 11, 30, 9, 30, tzinfo=dt.UTC), dt.date.today()
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                kind = getattr(column.type, "impl", column.type)
                if isinstance(kind, DateTime):
                    connection.execute(update(table).values({column.name: moment}))
                elif isinstance(kind, Date):
                    changed = update(table).where(column == today)
                    connection.execute(changed.values({column.name: dt.date(2021, 11, 30)}))
    written = write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "out")
    assert {fmt: _content_digest(path) for fmt, path in written.files.items()} == GOLDEN


def test_carry_over_by_the_scopes_plan_keys_is_carry_over_of_the_look_back(engine, codes):
    """write_lookback carries over by scope_keys (never holding the look-back's lists): the same
    items, in the same order, as carrying over the look-back's unfinished items."""
    with read_session(engine) as session:
        lookback = compute_lookback(session, as_of=AS_OF, year=2021)
        by_items = carry_over(session, lookback, actor="", as_of=AS_OF, dry_run=True)
        by_keys = carry_over(session, scope_keys(session, year=2021), actor="", as_of=AS_OF, dry_run=True)
    assert by_items.created > 0
    assert by_keys == by_items
