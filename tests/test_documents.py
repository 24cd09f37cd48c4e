"""The office's documents as .docx files, read back: fonts and their stand-ins, the bulletin's
numbering, a sheet per task, and the `duban document` commands."""

from __future__ import annotations

import zipfile

import docx
import pytest
from lookback_ledger import AS_OF, PLAN, build
from typer.testing import CliRunner

from cli.main import app
from models.errors import BadInput
from models.reads.bulletins import issued_numbers
from models.storage.db import read_session
from workflows.documents.fonts import FACES, FONTS_CONF, fontconfig_xml
from workflows.documents.service import write_annual_report, write_bulletin, write_sheets


def test_the_shipped_fontconfig_file_is_the_generated_one():
    assert FONTS_CONF.read_text(encoding="utf-8") == fontconfig_xml()


def test_fonts_name_their_stand_ins_and_the_text_is_marked_chinese(engine, tmp_path):
    build(engine)
    path = write_annual_report(engine, as_of=AS_OF, year=2021, output=tmp_path).paths[0]
    with zipfile.ZipFile(path) as package:
        table = package.read("word/fontTable.xml").decode()
        styles = package.read("word/styles.xml").decode()
    for face in FACES:
        assert f'<w:font w:name="{face.name}"><w:altName w:val="{",".join(face.fallbacks)}"/>' in table
    assert 'w:eastAsia="zh-CN"' in styles and "minorEastAsia" not in styles.split("</w:docDefaults>")[0]
    document = docx.Document(path)
    assert document.paragraphs[0].text == "测试市政务公开办2021年政府信息公开工作年度报告"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]


def test_bulletins_are_numbered_per_year_and_a_rewrite_records_nothing(engine, tmp_path):
    build(engine)
    first = write_bulletin(engine, as_of=AS_OF, plan=PLAN, output=tmp_path)
    second = write_bulletin(engine, as_of=AS_OF, plan=PLAN, output=tmp_path)
    again = write_bulletin(engine, as_of=AS_OF, plan=PLAN, output=tmp_path, number=1)
    assert (first.number, second.number, again.number) == (1, 2, 1)
    assert (first.recorded, second.recorded, again.recorded) == (True, True, False)
    assert [p.name for p in (first.paths + second.paths)] == [
        "督办通报-2021-第1期.docx",
        "督办通报-2021-第2期.docx",
    ]
    with read_session(engine) as session:
        assert issued_numbers(session, 2021) == [1, 2]
    document = docx.Document(first.paths[0])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2021年第1期" in text and "法规处（1项）" in text
    # The overdue items: one row each, with the reason the unit gave.
    rows = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert rows[0] == ["序号", "事项", "牵头单位", "完成时限", "逾期天数", "进展或原因"]
    assert any(row[2] == "法规处" and row[5] == "延期原因：等待省局统一部署" for row in rows[1:])


def test_a_sheet_per_overdue_task_with_its_reply_slip(engine, tmp_path):
    codes = build(engine)
    written = write_sheets(engine, as_of=AS_OF, overdue=True, output=tmp_path)
    assert sorted(p.name for p in written.paths) == sorted(f"督办单-{codes[x]}.docx" for x in "de")
    document = docx.Document(written.paths[0])
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "督办事项" in cells and "是否办结" in cells and "已起草初稿" in "".join(cells)
    with pytest.raises(BadInput, match="请指定文件夹"):
        write_sheets(engine, as_of=AS_OF, overdue=True, output=tmp_path / "one.docx")


def test_the_document_commands_write_their_files(ledger, tmp_path):
    runner = CliRunner()
    for args in (
        ["bulletin", "--year", "2021"],
        ["supervise", "--overdue"],
        ["annual-report", "--year", "2021"],
    ):
        result = runner.invoke(app, ["document", *args, "--as-of", "2021-11-30", "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "督办通报-2021-第1期.docx" in names and "政府信息公开工作年度报告-2021-草稿.docx" in names
    assert any(name.startswith("督办单-T") for name in names)
    result = runner.invoke(app, ["document", "bulletin", "-o", str(tmp_path)])
    assert result.exit_code != 0
