"""The look-back page and its downloads: the figures, and XLSX / DOCX / Markdown files to keep."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote

import docx
import openpyxl
import pytest
from dashboard_client import login
from fastapi.testclient import TestClient

QUERY = "year=2021&as_of=2021-11-30"


@pytest.fixture
def client(app) -> TestClient:
    return login(TestClient(app), "leader")


def filename(response) -> str:
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    return unquote(disposition.split("filename*=UTF-8''")[1])


def test_the_page_shows_the_figures_by_plan_section_and_unit(client):
    page = client.get(f"/lookback?{QUERY}")
    assert page.status_code == 200
    for heading in ("按计划", "按部分", "按牵头单位", "未完成事项"):
        assert heading in page.text
    assert "2021年政务公开工作要点" in page.text and "法规处" in page.text
    assert f'href="/lookback.xlsx?{QUERY}"' in page.text.replace("&amp;", "&")


def test_the_workbook_download_is_a_valid_xlsx_named_in_chinese(client, app):
    response = client.get(f"/lookback.xlsx?{QUERY}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert filename(response) == "回头看-2021年度-2021-11-30.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "说明" in workbook.sheetnames
    assert not Path(app.state.settings.lookback.output).exists()  # streamed, nothing written


def test_the_document_download_is_a_valid_docx(client):
    response = client.get("/lookback.docx?plan=2021-gongkai&as_of=2021-11-30")
    assert response.status_code == 200
    assert filename(response) == "回头看-2021-gongkai-2021-11-30.docx"
    document = docx.Document(io.BytesIO(response.content))
    assert "回头看" in document.paragraphs[0].text


def test_the_markdown_download(client):
    response = client.get(f"/lookback.md?{QUERY}")
    assert response.status_code == 200 and "回头看" in response.text


def test_a_year_without_plans_and_an_unknown_format_say_so(client):
    page = client.get("/lookback?year=2001")
    assert page.status_code == 404 and "2001 年度" in page.text
    assert client.get("/lookback?year=1999").status_code == 400  # outside models.rules.bounds
    assert client.get(f"/lookback.pdf?{QUERY}").status_code == 404
    assert client.get("/lookback?year=abc").status_code == 400


def test_downloads_are_refused_to_anonymous_users(app):
    anonymous = TestClient(app)
    for path in (f"/lookback?{QUERY}", *(f"/lookback.{fmt}?{QUERY}" for fmt in ("xlsx", "docx", "md"))):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
        assert not response.content.startswith(b"PK")
