"""Reading document files: encodings, HTML, DOCX, and every way a file can be unusable."""

import codecs
import io
import os
import zipfile
from pathlib import Path

import docx
import pytest

from models.errors import BadInput
from parsing.cleaning import clean_text
from parsing.docx_text import docx_to_text
from parsing.html_text import html_to_text
from parsing.reading import MAX_BYTES, decode_text, read_document

PLANS = Path(__file__).resolve().parent.parent / "plans"

DOCUMENT = """某市2022年政务公开工作要点
为做好2022年政务公开工作，结合实际，制定本要点。
一、深化重点领域信息公开
（一）做好规划信息公开。及时公开“十四五”规划中期评估情况（牵头单位：市发展改革委；完成时限：2022年6月底前）。
1.公开权责清单。每季度更新一次，(责任处室:办公室)
二、加强政策解读回应
（二）回应社会关切。长期坚持，11月30日前报送总结。
某市人民政府办公室
2022年3月10日
"""
TRADITIONAL = (
    "盤錦市食品藥品監督管理局政府信息公開工作報告\n一、提升重視高度，建立具有食藥監管行業特點的政務公開機制\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def problem(path: Path, **kwargs) -> str:
    """The message of the BadInput that reading `path` raises; it must name the file."""
    with pytest.raises(BadInput) as raised:
        read_document(path, **kwargs)
    message = str(raised.value)
    assert str(path) in message and raised.value.source == str(path)
    assert len(message.splitlines()) == 1
    return message


# --- encodings --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("utf-8", lambda text: text.encode("utf-8")),
        ("utf-8 with BOM", lambda text: codecs.BOM_UTF8 + text.encode("utf-8")),
        ("gbk", lambda text: text.encode("gbk")),
        ("gb18030", lambda text: text.encode("gb18030")),
        ("utf-16 le with BOM", lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
        ("utf-16 be with BOM", lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
        ("utf-16 le without BOM", lambda text: text.encode("utf-16-le")),
        ("utf-16 be without BOM", lambda text: text.encode("utf-16-be")),
    ],
)
def test_each_encoding_round_trips_a_chinese_document(tmp_path, name, encode):
    path = write(tmp_path, "plan.txt", encode(DOCUMENT))
    assert read_document(path) == DOCUMENT
    assert read_document(str(path)) == DOCUMENT


def test_gb18030_characters_outside_gbk():
    text = DOCUMENT + "𠀀𪚥（扩展B区汉字）\n"
    assert decode_text(text.encode("gb18030")) == text


def test_traditional_text_in_big5_is_not_read_as_gbk(tmp_path):
    path = write(tmp_path, "report.txt", TRADITIONAL.encode("big5"))
    assert read_document(path) == TRADITIONAL
    assert decode_text(TRADITIONAL.encode("gbk")) == TRADITIONAL  # the same text in GBK is GBK


def test_crlf_text_is_returned_as_it_is_and_cleaned_later(tmp_path):
    path = write(tmp_path, "plan.txt", DOCUMENT.replace("\n", "\r\n").encode("gbk"))
    text = read_document(path)
    assert text == DOCUMENT.replace("\n", "\r\n")
    assert [line.no for line in clean_text(text).lines][:3] == [1, 2, 3]


def test_a_copy_cut_inside_its_last_character_still_reads():
    data = DOCUMENT.encode("utf-8") + "要".encode()[:2]
    assert decode_text(data) == DOCUMENT


def test_every_seed_reads(tmp_path):
    names = sorted(PLANS.glob("*.txt"))
    assert len(names) == 5
    for path in names:
        text = read_document(path)
        assert text == path.read_text(encoding="utf-8")
        # ... and so does the same document in GBK, as the sites serve it.
        gbk = write(tmp_path, path.name, text.encode("gb18030"))
        assert read_document(gbk) == text


# --- HTML ---------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>某局2024年政务公开工作要点</title>
<script>var x = "一、不是任务";</script><style>p {{ margin: 0 }}</style></head>
<body>
<nav><a href="/">网站首页</a> <a href="/zwgk">政务公开</a></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>
<h1>某局2024年政务公开工作要点</h1>
<div class="info">发布日期：2024-03-01&nbsp;&nbsp;来源：某局办公室 【字体：大 中 小】 【打印】</div>
<div class="content">
<p>为做好2024年政务公开工作，制定本要点。</p>
<p>一、加强主动公开</p>
<table border="1">
<tr><th>序号</th><th>工作任务</th><th>责任单位</th><th>完成时限</th></tr>
<tr><td colspan="4">一、重点领域信息公开</td></tr>
<tr><td>1</td><td>公开&ldquo;双随机&rdquo;抽查结果<br>每月一次</td><td rowspan="2">执法处</td><td>每月</td></tr>
<tr><td>2</td><td>公开权责清单&#12289;办事指南</td><td>9月底前</td></tr>
</table>
<p>二、规范依申请公开<span style="display:none">隐藏的文字</span></p>
<p>3.&nbsp;规范答复文书。<!-- 注释 -->9月底前修订答复文书模板。（责任处室：办公室）</p>
</div>
<div class="footer">版权所有：某局 &copy; 2024 | 备案号：京ICP备12345678号 | 联系电话：010-12345678</div>
<div>上一条：某局召开会议</div><div>下一条：某局开展培训</div>
<div>【打印本页】 【关闭窗口】</div>
</body></html>
"""
PAGE_TEXT = [
    "当前位置：首页 > 政务公开 > 通知公告",
    "某局2024年政务公开工作要点",
    "发布日期：2024-03-01\xa0\xa0来源：某局办公室 【字体：大 中 小】 【打印】",
    "为做好2024年政务公开工作，制定本要点。",
    "一、加强主动公开",
    "序号 | 工作任务 | 责任单位 | 完成时限",
    "一、重点领域信息公开",
    "1 | 公开“双随机”抽查结果 每月一次 | 执法处 | 每月",
    "2 | 公开权责清单、办事指南 | 执法处 | 9月底前",  # a rowspan cell belongs to every row it covers
    "二、规范依申请公开",
    "3.\xa0规范答复文书。9月底前修订答复文书模板。（责任处室：办公室）",
    "版权所有：某局 © 2024 | 备案号：京ICP备12345678号 | 联系电话：010-12345678",
    "上一条：某局召开会议",
    "下一条：某局开展培训",
    "【打印本页】 【关闭窗口】",
]


@pytest.mark.parametrize(("charset", "encoding"), [("utf-8", "utf-8"), ("gb2312", "gbk")])
def test_an_html_page_becomes_lines_with_table_rows(tmp_path, charset, encoding):
    path = write(tmp_path, "page.html", PAGE.format(charset=charset).encode(encoding))
    text = read_document(path)
    assert text.splitlines() == PAGE_TEXT


def test_the_cleaner_takes_the_page_furniture_away(tmp_path):
    path = write(tmp_path, "page.htm", PAGE.format(charset="utf-8").encode("utf-8"))
    cleaned = clean_text(read_document(path))
    assert [line.text for line in cleaned.lines] == [
        "某局2024年政务公开工作要点",
        "为做好2024年政务公开工作，制定本要点。",
        "一、加强主动公开",
        "序号 | 工作任务 | 责任单位 | 完成时限",
        "一、重点领域信息公开",
        "1 | 公开“双随机”抽查结果 每月一次 | 执法处 | 每月",
        "2 | 公开权责清单、办事指南 | 执法处 | 9月底前",
        "二、规范依申请公开",
        "3. 规范答复文书。9月底前修订答复文书模板。（责任处室：办公室）",
    ]
    assert cleaned.meta == {"date": "2024-03-01", "issuer": "某局办公室"}


def test_html_is_recognised_by_content_whatever_the_name(tmp_path):
    path = write(
        tmp_path, "saved-page.txt", "<div><p>一、总体要求</p><p>（一）加强领导&amp;协调</p></div>".encode()
    )
    assert read_document(path) == "一、总体要求\n（一）加强领导&协调"


def test_a_stray_tag_in_a_text_file_does_not_make_it_html(tmp_path):
    text = DOCUMENT.replace("制定本要点。", "制定本要点。<br>")
    assert read_document(write(tmp_path, "plan.txt", text.encode("utf-8"))) == text


def test_an_html_name_on_plain_text_keeps_its_lines(tmp_path):
    path = write(tmp_path, "plan.html", DOCUMENT.encode("utf-8"))
    assert read_document(path) == DOCUMENT


def test_a_wrong_charset_declaration_is_overruled(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>一、总体要求</p></body></html>'
    path = write(tmp_path, "page.html", page.encode("gbk"))
    assert read_document(path) == "一、总体要求"


def test_layout_tables_read_as_blocks():
    page = (
        "<table><tr><td><table><tr><td>导航</td></tr></table></td>"
        "<td><p>一、总体要求</p><p>（一）加强领导。</p></td></tr></table>"
        "<table><tr><td><p>二、保障措施</p><p>（二）落实责任。</p></td></tr></table>"
    )
    assert html_to_text(page).splitlines() == [
        "导航",
        "一、总体要求",
        "（一）加强领导。",
        "二、保障措施",
        "（二）落实责任。",
    ]


def test_merged_cells_keep_the_columns_aligned():
    page = (
        "<table><tr><td>a</td><td>b</td><td rowspan=3>c</td></tr><tr><td>d</td><td>e</td></tr>"
        "<tr><td colspan=2 rowspan=2>f</td></tr><tr><td>g</td></tr><tr><td>h</td><td>i</td><td>j</td></tr>"
        "<tr><td colspan=3>一、重点任务</td></tr></table>"
    )
    assert html_to_text(page).splitlines() == [
        "a | b | c",
        "d | e | c",
        "f |  | c",
        "f |  | g",
        "h | i | j",
        "一、重点任务",
    ]


def test_cells_never_carry_a_column_separator():
    page = "<table><tr><td>序号</td><td>任务|说明\t备注</td></tr><tr><td>1</td><td>公开</td></tr></table>"
    assert html_to_text(page).splitlines() == ["序号 | 任务 说明 备注", "1 | 公开"]


def test_deeply_nested_markup_does_not_exhaust_the_stack():
    page = "<div>" * 5000 + "一、总体要求" + "</div>" * 5000
    assert html_to_text(page) == "一、总体要求"


# --- DOCX ---------------------------------------------------------------------------------------------------


def build_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("某局2024年政务公开工作要点")
    document.add_paragraph("一、加强主动公开")
    table = document.add_table(rows=4, cols=4)
    rows = [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "公开权责清单", "法规处", "6月底前"],
        ["2", "公开抽查结果|每月", "", ""],
        ["一、重点领域", "", "", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # vertically merged: 法规处 for both rows
    table.cell(3, 0).merge(table.cell(3, 3))  # a group row across the table
    document.add_paragraph("二、规范依申请公开")
    document.add_paragraph("规范答复文书", style="List Number")  # Word's own numbering: 1. 2.
    document.add_paragraph("公开办理结果", style="List Number")
    paragraph = document.add_paragraph("联系人：张三")
    paragraph.add_run().add_break()
    paragraph.add_run("电话：0431-12345678\t（办公室）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX_TEXT = [
    "某局2024年政务公开工作要点",
    "一、加强主动公开",
    "序号 | 工作任务 | 责任单位 | 完成时限",
    "1 | 公开权责清单 | 法规处 | 6月底前",
    "2 | 公开抽查结果 每月 | 法规处 | ",
    "一、重点领域",
    "二、规范依申请公开",
    "1.规范答复文书",
    "2.公开办理结果",
    "联系人：张三",
    "电话：0431-12345678 （办公室）",
]


def test_docx_paragraphs_and_tables_come_in_document_order(tmp_path):
    path = write(tmp_path, "plan.docx", build_docx())
    assert read_document(path).splitlines() == DOCX_TEXT


def test_a_docx_is_recognised_by_content_whatever_the_name(tmp_path):
    path = write(tmp_path, "plan.txt", build_docx())
    assert read_document(path).splitlines() == DOCX_TEXT


def test_a_one_cell_table_framing_the_text_reads_as_paragraphs():
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "一、总体要求"
    cell.add_paragraph("（一）加强领导。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert docx_to_text(buffer.getvalue()).splitlines() == ["一、总体要求", "（一）加强领导。"]


# --- files that cannot be used ----------------------------------------------------------------------------


def test_a_missing_file(tmp_path):
    assert "文件不存在" in problem(tmp_path / "nope.txt")


def test_a_directory(tmp_path):
    assert "文件夹" in problem(tmp_path)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_an_empty_file(tmp_path, data):
    assert "空" in problem(write(tmp_path, "empty.txt", data))


def test_a_file_of_unicode_spaces_is_empty(tmp_path):
    path = write(tmp_path, "spaces.txt", codecs.BOM_UTF16_LE + "\u3000 \n\u3000".encode("utf-16-le"))
    assert "空" in problem(path)


def test_a_file_too_large_says_its_size_and_the_limit(tmp_path):
    path = write(tmp_path, "big.txt", ("一、任务\n" + "内容" * 100).encode("utf-8"))
    message = problem(path, max_bytes=100)
    assert "文件过大" in message and f"{path.stat().st_size:,} 字节" in message and "100 字节" in message
    assert MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "PNG"),
        ("scan.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)), "JPEG"),
        ("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".docx"),
        ("random.bin", bytes(range(256)) * 8, "NUL"),
        ("controls.txt", bytes(range(1, 9)) * 100, "控制字符"),
    ],
)
def test_binary_files_are_refused(tmp_path, name, data, what):
    message = problem(write(tmp_path, name, data))
    assert "二进制" in message and what in message


def test_a_zip_that_is_not_a_docx_is_binary(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("data.csv", "a,b\n")
    message = problem(write(tmp_path, "archive.txt", buffer.getvalue()))
    assert "二进制" in message and "ZIP" in message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"this is not a zip at all", "不是 ZIP 包"),
        (b"PK\x03\x04" + os.urandom(200), "ZIP 结构"),
        (None, "ZIP 结构"),  # a real DOCX cut in half
        ("no-document-xml", "word/document.xml"),
        ("broken-xml", "已损坏"),
    ],
)
def test_a_corrupt_docx_is_refused(tmp_path, data, what):
    if data is None:
        data = build_docx()[:3000]
    elif data == "no-document-xml":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("[Content_Types].xml", "<Types/>")
        data = buffer.getvalue()
    elif data == "broken-xml":
        source = zipfile.ZipFile(io.BytesIO(build_docx()))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            for item in source.infolist():
                content = source.read(item)
                package.writestr(item, content[:200] if item.filename == "word/document.xml" else content)
        data = buffer.getvalue()
    message = problem(write(tmp_path, "plan.docx", data))
    assert "已损坏" in message and what in message


def test_text_in_no_known_encoding_is_refused(tmp_path):
    message = problem(write(tmp_path, "odd.txt", b"\x81\x20" * 200))
    assert "无法解码" in message


def test_damaged_utf8_is_refused_rather_than_read_as_gbk(tmp_path):
    data = DOCUMENT.encode("utf-8")
    message = problem(write(tmp_path, "damaged.txt", data[:40] + b"\xff" + data[40:]))
    assert "UTF-8" in message and "无法解码" in message


def test_decode_text_names_its_source():
    with pytest.raises(BadInput) as raised:
        decode_text(b"\x81\x20" * 200, source="upload.txt")
    assert str(raised.value).startswith("upload.txt: ")
    with pytest.raises(BadInput, match="UTF-16"):
        decode_text(codecs.BOM_UTF16_LE + b"\x00\xd8", source="upload.txt")  # a lone surrogate
