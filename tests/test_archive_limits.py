"""Decompression bombs: DOCX and XLSX packages are measured (sizes, XML elements, rows) before any
parser opens them, and refused with one line naming the file.

The bombs are generated (tests/bombs.py): a DOCX of three million empty paragraphs (27 KB on disk,
18 MB of XML), an XLSX of five million empty rows (45 KB), a DOCX with a 200 MB entry of zeros
(200 KB). Before the check, the first two took gigabytes and minutes in python-docx and openpyxl.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from bombs import docx_of_empty_paragraphs, docx_with_a_huge_member, xlsx_of_empty_rows
from typer.testing import CliRunner, Result

from cli.main import app
from models.errors import BadInput
from models.files import archive_limits
from models.files.archive_limits import ArchiveLimits, check_archive
from models.files.summary_file import read_summary_file
from models.settings import load_settings
from parsing.reading import read_document

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def duban(*args: str) -> Result:
    return runner.invoke(app, list(args))


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    return line


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "paragraphs": docx_of_empty_paragraphs(folder / "方案.docx", 3_000_000),
        "rows": xlsx_of_empty_rows(folder / "台账-办公室.xlsx", 5_000_000),
        "member": docx_with_a_huge_member(folder / "总结.docx", 200),
    }


def test_the_bombs_are_small_on_disk(bombs: dict[str, Path]) -> None:
    # What makes them bombs: far under plans.max_document_bytes (20 MB), far over any limit unpacked.
    assert all(path.stat().st_size < 300_000 for path in bombs.values())


def test_a_docx_of_millions_of_empty_paragraphs_is_refused_by_duban_parse(bombs: dict[str, Path]) -> None:
    line = one_error_line(duban("parse", str(bombs["paragraphs"])))
    assert line == (
        f"错误：{bombs['paragraphs']}: 文件所含 XML 元素超过 2,000,000 个（archives.max_xml_elements，"
        "读到 word/document.xml 时已超出），疑为解压炸弹，拒绝读取"
    )


def test_a_highly_compressed_member_is_refused_from_the_archive_directory_alone(
    bombs: dict[str, Path],
) -> None:
    line = one_error_line(duban("parse", str(bombs["member"])))
    assert line.startswith(
        f"错误：{bombs['member']}: 压缩包内的 word/media/image1.bin 解压后为 209,715,200 字节"
    )
    assert "超过单个文件上限 104,857,600 字节（archives.max_member_bytes）" in line


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_an_xlsx_of_millions_of_rows_is_refused_by_the_excel_import(
    bombs: dict[str, Path], ledger: object
) -> None:
    line = one_error_line(duban("import", "--xlsx", str(bombs["rows"]), "--as", "办公室"))
    assert line == (
        f"错误：{bombs['rows']}: 工作簿的行数超过 100,000 行（archives.max_xlsx_rows，"
        "读到 xl/worksheets/sheet1.xml 时已超出），拒绝读取"
    )


def test_a_unit_summary_docx_is_checked_too(bombs: dict[str, Path]) -> None:
    with pytest.raises(BadInput, match="XML 元素超过"):
        read_summary_file(bombs["paragraphs"])


def test_a_dashboard_upload_is_checked_before_parsing(bombs: dict[str, Path], tmp_path: Path) -> None:
    from workflows.plan_upload import stage

    settings = load_settings(ROOT / "config.toml").model_copy(update={"base_dir": tmp_path})
    with pytest.raises(BadInput, match=r"方案\.docx: 文件所含 XML 元素超过 2,000,000 个"):
        stage(settings, filename="方案.docx", data=bombs["paragraphs"].read_bytes(), owner=1)
    assert not any((tmp_path / "var").rglob("*.docx"))  # nothing kept


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (ArchiveLimits(max_members=2), "压缩包内有 3 个文件，超过上限 2 个（archives.max_members）"),
        (ArchiveLimits(max_member_bytes=1000), "压缩包内的 word/document.xml 解压后为 1,968 字节"),
        (ArchiveLimits(max_total_bytes=2500), "压缩包解压后共 2,694 字节，超过总量上限 2,500 字节"),
        (ArchiveLimits(max_xml_elements=299), "XML 元素超过 299 个"),
    ],
)
def test_each_limit_refuses_with_its_own_message(tmp_path: Path, limits: ArchiveLimits, message: str) -> None:
    small = docx_of_empty_paragraphs(tmp_path / "small.docx", 300)  # 300 paragraphs, 3 entries
    check_archive(small, kind="docx", name=small)  # within the defaults
    with pytest.raises(BadInput, match="拒绝读取") as refused:
        check_archive(small, kind="docx", name="small.docx", limits=limits)
    assert refused.value.message.startswith("small.docx: ") and message in refused.value.message


def test_counts_are_exact_across_the_pieces_the_stream_is_read_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pieces of 5 bytes split nearly every tag in two: each is still counted once.
    monkeypatch.setattr(archive_limits, "_CHUNK", 5)
    rows = xlsx_of_empty_rows(tmp_path / "rows.xlsx", 1234)
    check_archive(rows, kind="xlsx", name="rows.xlsx", limits=ArchiveLimits(max_xlsx_rows=1234))
    with pytest.raises(BadInput, match="行数超过 1,233 行"):
        check_archive(rows, kind="xlsx", name="rows.xlsx", limits=ArchiveLimits(max_xlsx_rows=1233))
    paragraphs = docx_of_empty_paragraphs(tmp_path / "p.docx", 1000)
    # <w:document>, <w:body> and 1,000 <w:p/>; <Types> with 3 children; <Relationships> with 1.
    check_archive(paragraphs, kind="docx", name="p.docx", limits=ArchiveLimits(max_xml_elements=1008))
    with pytest.raises(BadInput, match="XML 元素超过 1,007 个"):
        check_archive(paragraphs, kind="docx", name="p.docx", limits=ArchiveLimits(max_xml_elements=1007))


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_the_limits_are_read_from_config_toml(ledger: object, tmp_path: Path, monkeypatch) -> None:
    from cli import context

    workbook = tmp_path / "台账.xlsx"
    assert duban("export", "--xlsx", str(workbook), "--as-of", "2021-06-01").exit_code == 0
    # The real workbook passes the defaults (one 台账 row per task, 56 of them) ...
    assert duban("import", "--xlsx", str(workbook), "--as", "办公室").exit_code == 0
    # ... and is refused once config.toml allows fewer rows than it has.
    config = tmp_path / "config.toml"
    config.write_text(
        (ROOT / "config.toml")
        .read_text(encoding="utf-8")
        .replace("max_xlsx_rows = 100_000", "max_xlsx_rows = 20"),
        encoding="utf-8",
    )
    monkeypatch.setenv("DUBAN_CONFIG", str(config))
    context.settings.cache_clear()
    try:
        line = one_error_line(duban("import", "--xlsx", str(workbook), "--as", "办公室"))
    finally:
        context.settings.cache_clear()
    assert line.startswith(f"错误：{workbook}: 工作簿的行数超过 20 行（archives.max_xlsx_rows")


def test_real_documents_are_far_inside_the_defaults(tmp_path: Path) -> None:
    """The look-back DOCX and a seed plan saved as DOCX: counted, not refused."""
    import docx

    document = docx.Document()
    for line in (
        (ROOT / "plans" / "2021-jilin-amr-gongkai-yaodian.txt").read_text(encoding="utf-8").splitlines()
    ):
        document.add_paragraph(line)
    path = tmp_path / "plan.docx"
    document.save(str(path))
    assert "政务公开" in read_document(path)


def test_a_broken_zip_is_left_for_the_reader_to_report(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    check_archive(path, kind="docx", name=path)  # no opinion: the reader says "corrupt"
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as archive:
        archive.writestr("a.json", json.dumps({"a": 1}))
    check_archive(tmp_path / "plain.zip", kind="docx", name="plain.zip")
