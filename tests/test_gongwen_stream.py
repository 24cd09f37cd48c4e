"""Document.stream: body paragraphs given as XML and written when the document is saved are the
bytes python-docx writes for the same paragraph() and heading() calls."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from workflows.documents.gongwen import Blank, Column, Document

TEXTS = [
    "本部分任务12项，已完成3项。",
    "  两端有空格  ",
    "\u3000全角空格开头",
    "制表\t符",
    "换行\n第二行",
    "回车\r\n换行",
    "\t",
    "\n",
    "a & b < c > d ]]> \"引号\" '单引号'",
    "😀 emoji 👨\u200d👩\u200d👧",
    "",
    "结尾空格 ",
    "【待补充：文字里的占位】",
]


def document_xml(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.write_stamped(out, dt.date(2021, 12, 1))
    with zipfile.ZipFile(out) as archive:
        return archive.read("word/document.xml")


def content(doc: Document, *, streamed: bool) -> None:
    """The same paragraphs, tables between them, each way."""
    items = []
    for number, text in enumerate(TEXTS):
        items.append(("heading", (number % 3) + 1, text))
        items.append(("paragraph", text, None))
        items.append(("paragraph", text, "Note"))
        items.append(("parts", [text, Blank("本部分工作的主要做法"), text], None))
    items.append(("parts", [Blank("只有占位")], None))
    if streamed:
        doc.stream(
            doc.heading_xml(level, text)
            if kind == "heading"
            else doc.paragraph_xml(*(level if kind == "parts" else [level]), style=text)
            for kind, level, text in items
        )
    else:
        for kind, level, text in items:
            if kind == "heading":
                doc.heading(level, text)
            else:
                doc.paragraph(*(level if kind == "parts" else [level]), style=text)


@pytest.mark.parametrize("table_first", [False, True])
def test_streamed_paragraphs_are_what_python_docx_writes(table_first):
    made = {}
    for streamed in (False, True):
        doc = Document(title="标题", author="办公室")
        doc.title("标题", "副标题")
        if table_first:
            doc.table([Column("序号", fit=True), Column("任务")], [[1, "甲"], [2, "乙"]])
        content(doc, streamed=streamed)
        doc.paragraph("正文之后的段落")
        doc.table([Column("序号", fit=True), Column("任务")], IterTwice([[1, "丙"], [2, "丁"]]))
        doc.attachment(1, "附件", landscape=True)
        content(doc, streamed=streamed)
        made[streamed] = document_xml(doc)
    assert b"<!--" not in made[True]
    assert made[True] == made[False]


class IterTwice:
    """A table's rows, gone through twice."""

    def __init__(self, rows):
        self.rows = rows

    def __bool__(self):
        return bool(self.rows)

    def __iter__(self):
        return iter(self.rows)


def test_control_characters_are_refused_as_python_docx_refuses_them():
    doc = Document(title="t", author="a")
    with pytest.raises(ValueError):
        doc.paragraph("响铃\x07")
    with pytest.raises(ValueError):
        doc.paragraph_xml("响铃\x07")
