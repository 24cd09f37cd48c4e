"""Every office document of the demo ledger, rendered to PDF by LibreOffice and read back.

One LibreOffice process converts them all (module fixture); the checks read the PDFs with
pdfplumber: page counts, ruling lines within the text area, no column narrower than three
characters, the Chinese text drawn in embedded CJK fonts, codes and paths unbroken, the blanks
highlighted. Fonts: Debian's Noto CJK through workflows/documents/fonts.conf, as on a Linux desk.
Without LibreOffice the tests skip, unless DUBAN_REQUIRE_OFFICE=1 (CI).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from models.settings import load_settings
from models.storage.db import open_ledger
from workflows.demo import run_demo
from workflows.documents.fonts import FONTS_CONF
from workflows.documents.service import write_annual_report, write_bulletin, write_sheets
from workflows.lookback_report import write_lookback

pdfplumber = pytest.importorskip("pdfplumber")

ROOT = Path(__file__).resolve().parent.parent
MM = 72 / 25.4  # points per mm
TEXT_AREA = {False: (28, 26), True: (37, 35)}  # left, right margins (mm): portrait, landscape
MIN_COLUMN = 3 * 10.5  # three characters of 五号, in points
CJK = re.compile("[\u4e00-\u9fff]")
LATIN_ONLY = ("DejaVu", "Liberation", "OpenSymbol")


def soffice_or_skip() -> str:
    found = shutil.which("soffice")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
    if found and fonts:
        return found
    reason = "no soffice" if not found else "no Chinese fonts (fonts-noto-cjk)"
    if os.environ.get("DUBAN_REQUIRE_OFFICE") == "1":
        pytest.fail(
            f"rendering tests required (DUBAN_REQUIRE_OFFICE=1): {reason}; `make office` installs them"
        )
    pytest.skip(f"{reason}: `make office` installs LibreOffice and the fonts")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    soffice = soffice_or_skip()
    base = tmp_path_factory.mktemp("documents")
    demo = run_demo(
        ROOT / "plans", base / "demo", settings=load_settings(ROOT / "config.toml"), progress=lambda _: None
    )
    engine = open_ledger(f"sqlite:///{demo.database}")
    day = demo.lookback_day
    docs = base / "docx"
    files = {
        "lookback": write_lookback(
            engine,
            as_of=day,
            year=2021,
            formats=["docx"],
            output=docs / "lookback.docx",
            plans_dir=ROOT / "plans",
        ).paths[0],
        "bulletin": write_bulletin(engine, as_of=day, year=2021, output=docs, plans_dir=ROOT / "plans").paths[
            0
        ],
        "annual": write_annual_report(
            engine, as_of=dt.date(2021, 12, 31), year=2021, output=docs, plans_dir=ROOT / "plans"
        ).paths[0],
    }
    for path in write_sheets(engine, as_of=day, overdue=True, output=docs).paths:
        files[f"sheet-{path.stem.split('-')[-1]}"] = path
    engine.dispose()
    conf = base / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><include>{FONTS_CONF}</include></fontconfig>',
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(base)}
    out = base / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{base / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files.values()),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: out / f"{path.stem}.pdf" for name, path in files.items()}


def pages_of(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def test_each_document_renders_within_its_page_bound(pdfs):
    assert 10 <= pages_of(pdfs["lookback"]) <= 20
    assert 2 <= pages_of(pdfs["bulletin"]) <= 4
    assert 5 <= pages_of(pdfs["annual"]) <= 9
    sheets = [name for name in pdfs if name.startswith("sheet-")]
    assert len(sheets) >= 5
    assert {name: pages_of(pdfs[name]) for name in sheets} == dict.fromkeys(sheets, 1)  # one page each


def ruling_lines(page) -> tuple[list[dict], list[dict]]:
    """The table rules LibreOffice draws (thin black lines or rectangles): vertical, horizontal."""
    vertical, horizontal = [], []
    black = (None, 0, (0,), (0, 0, 0), (0.0, 0.0, 0.0))
    for edge in page.edges:
        colour = (
            edge.get("stroking_color") if edge["object_type"] == "line" else edge.get("non_stroking_color")
        )
        if (tuple(colour) if isinstance(colour, list) else colour) not in black:
            continue  # a highlight's box, not a rule
        (vertical if edge["orientation"] == "v" else horizontal).append(edge)
    return vertical, horizontal


def test_no_table_is_wider_than_the_text_area_nor_a_column_narrower_than_three_characters(pdfs):
    checked = 0
    for name, path in pdfs.items():
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                landscape = page.width > page.height
                left, right = (m * MM for m in TEXT_AREA[landscape])
                vertical, horizontal = ruling_lines(page)
                for edge in vertical + horizontal:
                    assert edge["x0"] >= left - 2 and edge["x1"] <= page.width - right + 2, (
                        name,
                        number,
                        edge,
                    )
                # Columns: the vertical rules crossing each row's middle, left to right.
                rows = sorted({round(e["top"], 1) for e in horizontal})
                for top, bottom in itertools.pairwise(rows):
                    middle = (top + bottom) / 2
                    xs = sorted({round(e["x0"], 1) for e in vertical if e["top"] <= middle <= e["bottom"]})
                    for a, b in itertools.pairwise(xs):
                        if b - a > 1:
                            checked += 1
                            assert b - a >= MIN_COLUMN, (name, number, round(b - a, 1))
    assert checked > 100


def test_chinese_text_is_drawn_in_embedded_cjk_fonts(pdfs):
    for name, path in pdfs.items():
        with pdfplumber.open(path) as pdf:
            chars = [c for page in pdf.pages for c in page.chars]
            cjk = [c for c in chars if CJK.match(c["text"])]
            assert len(cjk) > 100, name
            latin_only = {c["fontname"] for c in cjk if any(f in c["fontname"] for f in LATIN_ONLY)}
            assert not latin_only, (name, latin_only)  # no tofu
            # Subset-embedded fonts carry a six-letter tag: ABCDEF+Name.
            assert all(re.match(r"[A-Z]{6}\+", c["fontname"]) for c in chars), name
            assert "\ufffd" not in "".join(c["text"] for c in chars), name


def text_of(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_titles_codes_and_paths_come_out_whole(pdfs):
    lookback = text_of(pdfs["lookback"])
    assert "2021年度工作任务落实情况回头看报告" in lookback.replace(" ", "")
    for part in ("一、总体情况", "二、主要成效", "三、存在问题", "四、下一步工作打算", "未完成事项清单"):
        assert part in lookback.replace(" ", ""), part
    # Task codes and paths in the tables are never broken over lines.
    codes = set(re.findall(r"\bT\d+\b", lookback))
    assert len(codes) >= 15
    assert re.search(r"五、13", lookback) and re.search(r"一（二）", lookback)
    bulletin = text_of(pdfs["bulletin"]).replace(" ", "")
    assert "督办通报" in bulletin and "2021年第1期" in bulletin and "进度滞后的单位和事项" in bulletin
    annual = text_of(pdfs["annual"]).replace(" ", "")
    for part in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题及改进情况",
    ):
        assert part in annual, part
    sheet = text_of(next(p for n, p in pdfs.items() if n.startswith("sheet-"))).replace(" ", "")
    assert "督办单" in sheet and "回执" in sheet and "是否办结" in sheet


def test_blanks_for_the_office_are_highlighted(pdfs):
    for name in ("lookback", "bulletin", "annual"):
        with pdfplumber.open(pdfs[name]) as pdf:
            yellow = [
                r
                for page in pdf.pages
                for r in page.rects
                if tuple(r.get("non_stroking_color") or ()) in ((1, 1, 0), (1.0, 1.0, 0.0))
            ]
            text = "".join(page.extract_text() or "" for page in pdf.pages)
        assert "待补充" in text and yellow, name
