"""One vocabulary: the catalog is complete and compiled, the CLI speaks Chinese by default and
English with DUBAN_LANG=en, and a status reads the same on every face."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from models.vocabulary import LIGHTS, STATUSES, status_from_word, word
from models.vocabulary.i18n import LOCALE_DIR, normalise
from workflows.notice_bodies import body

ROOT = Path(__file__).resolve().parent.parent
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "duban.po"
MO = PO.with_suffix(".mo")
PLAN = ROOT / "plans" / "2021-jilin-amr-gongkai-yaodian.plan.toml"


def catalog():
    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_message_in_the_code_is_in_the_catalog_and_translated():
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords
        )
    }
    translated = {m.id: m.string for m in catalog() if m.id}
    assert len(found) > 250
    assert sorted(found - set(translated)) == []  # run `make catalogs`
    assert sorted(msgid for msgid, text in translated.items() if not text) == []
    assert not any("fuzzy" in m.flags for m in catalog() if m.id)


def test_the_committed_mo_is_the_po_compiled():
    compiled = io.BytesIO()
    write_mo(compiled, catalog())
    compiled.seek(0)
    from_po = gettext.GNUTranslations(compiled)
    with MO.open("rb") as handle:
        committed = gettext.GNUTranslations(handle)
    assert committed._catalog == from_po._catalog  # type: ignore[attr-defined]  # run `make catalogs`


def test_placeholders_survive_translation():
    for message in catalog():
        if message.id and isinstance(message.id, str) and "python-brace-format" in message.flags:
            fields = lambda text: sorted(part.split("}")[0] for part in text.split("{")[1:])  # noqa: E731
            assert fields(message.id) == fields(message.string), message.id


def test_language_names_and_status_words():
    assert normalise("en_US.UTF-8") == "en" and normalise("zh-CN") == "zh_CN" and normalise("fr") is None
    assert STATUSES["not_started"] == "未开始" and word(LIGHTS, "red") == "逾期"
    assert {status_from_word(w) for w in ("未开始", "not started", "not_started")} == {"not_started"}


def run(*args: str, lang: str | None, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "DUBAN_LANG"} | env
    if lang:
        full["DUBAN_LANG"] = lang
    command = [sys.executable, "-m", "cli.main", *args]
    return subprocess.run(command, capture_output=True, text=True, env=full, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def ledger_env(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("words")
    env = {
        "DUBAN_DATABASE_URL": f"sqlite:///{folder / 'ledger.sqlite3'}",
        "DUBAN_CONFIG": str(ROOT / "config.toml"),
        "COLUMNS": "200",
    }
    imported = run("import", str(PLAN), lang=None, env=env)
    assert imported.returncode == 0, imported.stderr
    assert run("update", "T17", "--status", "推进中", lang=None, env=env).returncode == 0
    return env


CHINESE = {
    ("--help",): ["用法：", "选项", "命令", "台账中的计划及其简称", "显示本帮助并退出。"],
    ("tasks", "--help"): ["只列逾期任务。", "输出格式。"],
    ("tasks", "--as-of", "2021-12-01"): ["任务", "状态", "推进中", "未开始", "逾期", "长期/未定"],
    ("show", "T17", "--as-of", "2021-12-01"): ["标题：", "状态：推进中", "灯：逾期", "日志：", "操作人"],
}
ENGLISH = {
    ("--help",): ["Usage:", "Options", "Commands", "The plans in the ledger with their short names"],
    ("tasks", "--help"): ["Only overdue tasks.", "Output format."],
    ("tasks", "--as-of", "2021-12-01"): ["task", "status", "in progress", "not started", "overdue"],
    ("show", "T17", "--as-of", "2021-12-01"): ["Title:", "Status: in progress", "Light: overdue", "Journal:"],
}


@pytest.mark.parametrize(("lang", "expected"), [(None, CHINESE), ("en", ENGLISH)])
def test_help_tables_and_show_in_the_chosen_language(ledger_env, lang, expected):
    for args, words in expected.items():
        result = run(*args, lang=lang, env=ledger_env)
        assert result.returncode == 0, result.stderr
        missing = [w for w in words if w not in result.stdout]
        assert missing == [], (args, result.stdout)
    if lang == "en":
        assert "未开始" not in run("tasks", lang=lang, env=ledger_env).stdout


@pytest.mark.parametrize(
    ("lang", "line"),
    [(None, "错误：延期须填写--reason"), ("en", "error: a deferral needs a reason (--reason)")],
)
def test_an_error_is_worded_by_the_face_in_the_chosen_language(ledger_env, lang, line):
    result = run("defer", "T1", "--to", "2021-12-20", "--reason", " ", lang=lang, env=ledger_env)
    assert result.returncode == 2 and result.stderr.strip() == line


def test_click_errors_in_chinese(ledger_env):
    result = run("show", lang=None, env=ledger_env)
    assert result.returncode == 2 and "缺少参数" in result.stderr and "用法：" in result.stderr
    english = run("show", lang="en", env=ledger_env)
    assert "Missing argument" in english.stderr


def test_the_config_key_chooses_english(ledger_env, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlanguage = "en"\n', encoding="utf-8")
    result = run("tasks", "--help", lang=None, env=ledger_env | {"DUBAN_CONFIG": str(config)})
    assert result.returncode == 0 and "Only overdue tasks." in result.stdout


def test_one_status_reads_the_same_on_the_page_the_digest_the_excel_and_the_cli(ledger, tmp_path):
    """The seed ledger as of 2021-12-01: an overdue task nobody touched, on every face."""
    from dashboard_client import add_users, dashboard_settings, login
    from fastapi.testclient import TestClient
    from openpyxl import load_workbook
    from typer.testing import CliRunner
    from workflow_ledger import settings_for

    from cli.main import app as cli
    from dashboard.app import create_app
    from models.reads.task_query import TaskFilter, TaskQuery
    from models.storage.db import read_session
    from workflows.digest import compose_digests

    day = dt.date(2021, 12, 1)
    word_for = STATUSES["not_started"]
    assert word_for == "未开始"
    with read_session(ledger) as session:
        rows = TaskQuery(session, TaskFilter(overdue=True), as_of=day, due_soon_days=14).rows()
        task = next(r for r in rows if r.lead)
    assert task.status == "not_started"

    runner = CliRunner()
    table = runner.invoke(cli, ["tasks", "--overdue", "--as-of", day.isoformat()], catch_exceptions=False)
    row = next(line for line in table.stdout.splitlines() if line.startswith(task.code + " "))
    assert word_for in row and "not_started" not in row

    workbook_path = tmp_path / "台账.xlsx"
    exported = runner.invoke(cli, ["export", "--xlsx", str(workbook_path), "--as-of", day.isoformat()])
    assert exported.exit_code == 0, exported.output
    sheet = load_workbook(workbook_path)["台账"]
    headers = [cell.value for cell in sheet[1]]
    cells = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == task.code)
    assert cells[headers.index("状态")] == word_for

    report = compose_digests(ledger, settings_for(tmp_path, str(ledger.url)), as_of=day, dry_run=True)
    digest = next(d for d in report.drafts if d.recipient == f"unit:{task.lead[0]}")
    line = next(text for text in body(digest, "text").splitlines() if task.title[:12] in text)
    assert word_for in line and "未启动" not in body(digest, "text")

    add_users(ledger)
    with TestClient(create_app(dashboard_settings(tmp_path, str(ledger.url)))) as browser:
        page = login(browser, "office").get(f"/tasks/{task.code}?as_of={day.isoformat()}")
    assert page.status_code == 200 and f"<th>状态</th><td>{word_for} · " in page.text


def test_the_vocabulary_imports_nothing_of_the_ledger():
    """Every layer takes its words from here, so it may lean on nothing but the standard library."""
    import ast

    for path in LOCALE_DIR.parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                root = node.module.split(".")[0]
                assert node.module.startswith("models.vocabulary") or root not in {
                    "models",
                    "parsing",
                    "workflows",
                    "cli",
                    "dashboard",
                }, (path.name, node.module)
