"""The language switch reaches every face: with DUBAN_LANG=en the CLI's tables, a task, the help, an
error, the dashboard's pages and a weekly digest carry no Chinese but the ledger's own data (unit
names, task titles, plan names); by default they are Chinese. And nothing the faces say is left
outside the catalog: no Chinese literal in the templates, nor in the modules whose prose moved there.

The language is chosen when models.vocabulary.i18n is imported, so each language runs in its own
Python process."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from models.reads.names import path_label, plan_names
from models.settings import load_settings
from models.storage.db import make_engine, read_session
from models.storage.tables import Plan, Task, Unit, UnitAlias

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "2021-jilin-amr-gongkai-yaodian.plan.toml"
TEMPLATES = ROOT / "dashboard" / "templates"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")  # ideographs; data words are checked run by run

# The faces the test reads in a process of its own: two pages and the week's digests.
FACES = r"""
import datetime as dt, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from dashboard_client import dashboard_settings, login
from fastapi.testclient import TestClient
from dashboard.app import create_app
from models.storage.db import make_engine
from workflow_ledger import settings_for
from workflows.digest import compose_digests
from workflows.notice_bodies import body

url, folder = sys.argv[2], Path(sys.argv[3])
with TestClient(create_app(dashboard_settings(folder, url))) as browser:
    client = login(browser, "office")
    pages = {path: client.get(path).text for path in ("/?as_of=2021-12-01", "/tasks/T17?as_of=2021-12-01")}
report = compose_digests(make_engine(url), settings_for(folder, url), as_of=dt.date(2021, 12, 1), dry_run=True)
print(json.dumps({"pages": pages, "digests": [body(d, "text") for d in report.drafts]}, ensure_ascii=False))
"""


def run(args: list[str], *, lang: str | None, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "DUBAN_LANG"} | env
    if lang:
        full["DUBAN_LANG"] = lang
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=full, cwd=ROOT, timeout=300
    )


def duban(*args: str, lang: str | None, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(["-m", "cli.main", *args], lang=lang, env=env)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> dict[str, object]:
    """The seed plan in a SQLite file, a task in progress, the dashboard's users, and every piece of
    data a face may quote (the words that may stay Chinese in English)."""
    folder = tmp_path_factory.mktemp("language")
    url = f"sqlite:///{folder / 'ledger.sqlite3'}"
    env = {"DUBAN_DATABASE_URL": url, "DUBAN_CONFIG": str(ROOT / "config.toml"), "COLUMNS": "250"}
    assert duban("import", str(PLAN), lang=None, env=env).returncode == 0
    assert duban("update", "T17", "--status", "in_progress", lang=None, env=env).returncode == 0
    sys.path.insert(0, str(ROOT / "tests"))
    from dashboard_client import add_users

    engine = make_engine(url)
    add_users(engine)
    data: list[str] = []
    with read_session(engine) as session:
        for task in session.exec(select(Task)):
            data += [task.title, task.body, task.deadline_text, path_label(task.path), *task.path]
        data += [unit.name for unit in session.exec(select(Unit))]
        data += [alias.alias for alias in session.exec(select(UnitAlias))]
        for plan in session.exec(select(Plan)):
            data += [plan.title, plan.issuer or "", plan.doc_number or ""]
        data += list(plan_names(session).values())
    settings = load_settings(ROOT / "config.toml")
    data += [level.name for level in settings.escalation]  # the office's own words, in config.toml
    engine.dispose()
    return {"env": env, "url": url, "folder": folder, "data": "\n".join(data)}


def foreign(text: str, data: str) -> list[str]:
    """The runs of Chinese in `text` that are not a piece of the ledger's data."""
    return sorted({run for run in HAN.findall(text) if run not in data})


def faces(ledger: dict[str, object], lang: str | None) -> dict[str, object]:
    env = ledger["env"]
    assert isinstance(env, dict)
    result = run(
        ["-c", FACES, str(ROOT / "tests"), str(ledger["url"]), str(ledger["folder"])], lang=lang, env=env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


CLI = [
    ("tasks", "--as-of", "2021-12-01"),
    ("show", "T1", "--as-of", "2021-12-01"),
    ("--help",),
    ("tasks", "--help"),
]


def test_english_faces_carry_no_chinese_but_data(ledger):
    env, data = ledger["env"], str(ledger["data"])
    assert isinstance(env, dict)
    for args in CLI:
        result = duban(*args, lang="en", env=env)
        assert result.returncode == 0, result.stderr
        assert foreign(result.stdout, data) == [], args
    assert "Light" in duban("show", "T1", lang="en", env=env).stdout
    error = duban("defer", "T1", "--to", "2021-12-20", "--reason", " ", lang="en", env=env)
    assert error.returncode == 2 and error.stderr.startswith("error: ") and foreign(error.stderr, data) == []
    missing = duban("lookback", "--year", "2001", lang="en", env=env)
    assert missing.returncode == 3 and "no plans for 2001" in missing.stderr
    assert foreign(missing.stderr, data) == []

    seen = faces(ledger, "en")
    pages, digests = seen["pages"], seen["digests"]
    assert isinstance(pages, dict) and isinstance(digests, list)
    for path, html in pages.items():
        assert '<html lang="en">' in html and "Ledger" in html, path
        assert foreign(html, data) == [], path
    assert "Units with the most overdue tasks" in pages["/?as_of=2021-12-01"]
    assert len(digests) > 1 and all(body.startswith("[Duban digest]") for body in digests)
    for body in digests:
        assert foreign(body, data) == [], body[:200]


def test_the_same_faces_are_chinese_by_default(ledger):
    env = ledger["env"]
    assert isinstance(env, dict)
    assert "状态" in duban("tasks", "--as-of", "2021-12-01", lang=None, env=env).stdout
    assert "标题：" in duban("show", "T1", lang=None, env=env).stdout
    assert "用法：" in duban("--help", lang=None, env=env).stdout
    missing = duban("lookback", "--year", "2001", lang=None, env=env)
    assert missing.stderr.startswith("错误：") and "台账中没有 2001 年度的计划" in missing.stderr

    seen = faces(ledger, None)
    pages, digests = seen["pages"], seen["digests"]
    assert isinstance(pages, dict) and isinstance(digests, list)
    overview, task = pages["/?as_of=2021-12-01"], pages["/tasks/T17?as_of=2021-12-01"]
    assert '<html lang="zh-CN">' in overview and "逾期最多的单位" in overview and "督办台账" in overview
    assert "<h2>变更记录</h2>" in task and "<th>状态</th><td>推进中 · 进度 0% ·" in task
    assert all(body.startswith("【督办周报】") for body in digests) and "逾期事项（" in digests[0]


# --- nothing outside the catalog -------------------------------------------------------------------

# The modules whose prose this catalog holds; Chinese may remain in comments and docstrings, and
# in the few literals that are data (a workbook's column names, words a document is parsed for).
WORDED = [
    "workflows/digest.py",
    "workflows/escalate.py",
    "workflows/render.py",
    "workflows/lookback_outline.py",
    "workflows/lookback_markdown.py",
    "workflows/lookback_report.py",
    "workflows/use_cases/errors.py",
    "models/files/archive_limits.py",
    "models/files/restore.py",
    "models/settings.py",
    "models/reads/lookback.py",
    "models/writes/plan_names.py",
    "parsing/reading.py",
    "models/rules/bounds.py",
    "parsing/sources.py",
    "dashboard/context.py",
    "dashboard/errors.py",
    "dashboard/auth.py",
    "dashboard/limits.py",
    "dashboard/params.py",
    "dashboard/pages/digests.py",
    "dashboard/pages/imports.py",
    "dashboard/pages/lookback.py",
    "dashboard/pages/ledger.py",
    "dashboard/pages/overview.py",
    "dashboard/pages/tasks.py",
    "dashboard/pages/units.py",
    "dashboard/api/tasks.py",
    # the 督办 lifecycle: requests and decisions, 签收 and 报送, inboxes, 批示 and 催办记录, 序时进度
    "dashboard/pages/instructions.py",
    "dashboard/pages/requests.py",
    "dashboard/pages/reporting.py",
    "dashboard/api/requests.py",
    "dashboard/api/reporting.py",
    "models/vocabulary/lifecycle_reports.py",
    "cli/report_cmds.py",
    "cli/inbox_cmds.py",
    "cli/instruction_cmds.py",
    "cli/import_changes.py",
    "workflows/request_notices.py",
    "workflows/use_cases/tasks.py",
    "workflows/use_cases/requests.py",
    "workflows/use_cases/reporting.py",
    "workflows/use_cases/inbox.py",
    "workflows/use_cases/instructions.py",
    "workflows/use_cases/imports.py",
    "models/writes/ledger.py",
    "models/writes/requests.py",
    "models/writes/decisions.py",
    "models/writes/instructions.py",
    "models/writes/reporting.py",
    "models/reads/inbox.py",
    "models/reads/instructions.py",
    "models/reads/reporting.py",
    "models/reads/requests.py",
    "models/reads/pace.py",
    "models/reads/job_failures.py",
    "models/reads/lifecycle_escalations.py",
    "models/reads/pace_escalations.py",
    "models/reads/dues.py",
    "models/rules/pace.py",
    "models/rules/report_cycle.py",
    # the jobs' faces: uploads, delivery, the scheduler and its lease, Prefect deployments and flows
    "workflows/plan_upload.py",
    "workflows/deliver.py",
    "workflows/scheduler.py",
    "workflows/deploy.py",
    "workflows/flows/common.py",
    "workflows/lookback_xlsx.py",
    "models/writes/lease.py",
    "models/writes/carry_over.py",
    "models/reads/overview.py",
    "models/reads/task_query.py",
    "dashboard/api/units.py",
    "dashboard/api/schemas.py",
    "cli/workflow_cmds.py",
    "cli/deploy_cmds.py",
]
# The settings' default ladder and templates are the office's own configuration (config.toml
# overrides them), and the sample task a template is tried on is data: not words of the program.
DATA_LITERALS = {
    "提醒",
    "逾期催办",
    "督办",
    "通报",
    "修订政府信息公开指南",
    "一 > 1",
    "办公室",
    "法规处",
    "3月15日前",
}


def chinese_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
        pattern = text.startswith("[") and text.endswith("]")  # a regular expression's character class
        if HAN.search(text) and id(node) not in docstrings and text not in DATA_LITERALS and not pattern:
            found.append((node.lineno, text))
    return found


def test_no_chinese_literal_is_left_outside_the_catalog():
    for name in WORDED:
        literals = chinese_literals(ROOT / name)
        # A settings template default ("{level}：请报送 …") is configuration, like the ladder's names.
        literals = [(line, text) for line, text in literals if not text.startswith("{level}")]
        assert literals == [], name


def test_every_template_string_is_in_the_catalog():
    """No text of a page outside `_()`: Chinese may appear in a template only inside a comment."""
    for template in sorted(TEMPLATES.glob("*.html")):
        source = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)
        assert HAN.findall(source) == [], template.name
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from models.vocabulary.i18n import LOCALE_DIR

    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "duban.po").open("rb") as handle:
        catalog = {message.id: message.string for message in read_po(handle) if message.id}
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(TEMPLATES), [("**.html", "jinja2")], {"**.html": {"encoding": "utf-8"}}, keywords={"_": None}
        )
    }
    assert len(found) > 200
    assert sorted(m for m in found if not catalog.get(m)) == []  # run `make catalogs`, then translate
