"""`duban lookback` and `duban summary` as the office types them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import typer
from lookback_ledger import PLAN, build
from sqlmodel import select
from typer.testing import CliRunner

from cli import context
from cli.lookback_cmds import register
from models.storage.db import open_ledger, read_session
from models.storage.tables import Plan

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def make_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so the command names are used as on `duban`
        pass

    register(app)
    return app


APP = make_app()


def duban(*args: str):
    return runner.invoke(APP, list(args), catch_exceptions=False)


@pytest.fixture
def codes(cli_env):
    engine = open_ledger(cli_env)
    try:
        yield build(engine)
    finally:
        engine.dispose()


@pytest.fixture
def config(cli_env, tmp_path, monkeypatch):
    """A config of its own: the default output folder inside tmp_path, Markdown only."""
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text('[lookback]\noutput = "reports"\nformats = ["md"]\n', encoding="utf-8")
    monkeypatch.setenv("DUBAN_CONFIG", str(path))
    context.settings.cache_clear()
    yield path.parent
    context.settings.cache_clear()


def rectification_plan(url: str):
    engine = open_ledger(url)
    try:
        with read_session(engine) as session:
            return session.exec(select(Plan).where(Plan.key == "2022-zhenggai")).first()
    finally:
        engine.dispose()


def test_plan_or_year_exactly_one(codes):
    for args in ([], ["--plan", PLAN, "--year", "2021"]):
        result = duban("lookback", *args, "--dry-run")
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == "错误：请给出 --plan 计划编号 或 --year 年度（二选一）"


def test_unknown_plan_and_empty_year_are_not_found(codes):
    result = duban("lookback", "--plan", "nope", "--dry-run")
    assert result.exit_code == 3 and result.stderr.strip() == "错误：没有计划 nope"
    result = duban("lookback", "--year", "2001", "--dry-run")
    assert result.exit_code == 3 and "台账中没有 2001 年度的计划" in result.stderr
    result = duban("lookback", "--year", "1999", "--dry-run")  # outside models.rules.bounds: refused
    assert result.exit_code == 2 and "年度 应在 2000 至 2100 之间" in result.stderr


def test_dry_run_prints_the_summary_and_writes_nothing(codes, cli_env, tmp_path):
    out = tmp_path / "out"
    result = duban(
        "lookback", "--year", "2021", "--as-of", "2021-12-01", "-o", str(out), "--carry-over", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "回头看 2021（截至 2021-12-01）：2个计划，任务 11 项" in result.stdout
    assert "将结转 7 项到 2022-zhenggai" in result.stdout
    assert "试运行：未写入任何内容" in result.stdout
    assert not out.exists()
    assert rectification_plan(cli_env) is None


def test_files_go_where_asked_and_are_reported(codes, tmp_path):
    out = tmp_path / "out"
    result = duban(
        "lookback", "--plan", PLAN, "--as-of", "2021-12-01", "-f", "md", "-f", "xlsx", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    names = [f"lookback-{PLAN}-2021-12-01.md", f"lookback-{PLAN}-2021-12-01.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for name in names:
        assert f"已写出 {out / name}" in result.stdout
    assert "已完成 3（37.5%）" in result.stdout
    single = tmp_path / "报告.docx"
    result = duban("lookback", "--plan", PLAN, "--as-of", "2021-12-01", "-f", "docx", "-o", str(single))
    assert result.exit_code == 0, result.output
    assert single.is_file() and f"已写出 {single}" in result.stdout
    result = duban("lookback", "--plan", PLAN, "-f", "md", "-f", "docx", "-o", str(tmp_path / "x.md"))
    assert result.exit_code == 2 and "指定的是一个 .md 文件" in result.stderr


def test_defaults_come_from_the_config(codes, config):
    result = duban("lookback", "--year", "2021", "--as-of", "2021-12-01")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (config / "reports").iterdir()] == ["lookback-2021-2021-12-01.md"]


def test_carry_over_from_the_command_line(codes, cli_env, tmp_path):
    args = (
        "lookback",
        "--plan",
        PLAN,
        "--as-of",
        "2021-12-01",
        "-f",
        "md",
        "-o",
        str(tmp_path),
        "--carry-over",
    )
    result = duban(*args)
    assert result.exit_code == 0, result.output
    assert "已结转 6 项到 2022-zhenggai" in result.stdout
    assert rectification_plan(cli_env).kind == "rectification"
    again = duban(*args)
    assert "已结转 0 项到 2022-zhenggai（6 项此前已结转）" in again.stdout


def test_summary_submit_from_text_and_files_and_list(codes, tmp_path):
    result = duban("summary", "submit", "--unit", "办公室", "--year", "2021", "--text", "全年完成主要任务。")
    assert result.exit_code == 0, result.output
    assert "已登记办公室的 2021 年度总结" in result.stdout
    text_file = tmp_path / "法规处.md"
    text_file.write_text("法规处落实情况总结", encoding="utf-8")
    result = duban("summary", "submit", str(text_file), "--unit", "法规处", "--year", "2021", "--plan", PLAN)
    assert result.exit_code == 0, result.output
    document = docx.Document()
    document.add_paragraph("信息中心总结")
    document.add_paragraph("第二段")
    document.save(tmp_path / "信息中心.docx")
    result = duban(
        "summary", "submit", str(tmp_path / "信息中心.docx"), "--unit", "信息中心", "--year", "2021"
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(duban("summary", "list", "--year", "2021", "--format", "json").stdout)
    # Ordered by unit name in the database's collation, which differs between the two.
    assert {(r["unit"], r["plan"], r["source"], r["text"]) for r in listed} == {
        ("信息中心", "", "信息中心.docx", "信息中心总结\n第二段"),
        ("办公室", "", "", "全年完成主要任务。"),
        ("法规处", PLAN, "法规处.md", "法规处落实情况总结"),
    }
    table = duban("summary", "list").stdout
    assert "法规处落实情况总结" in table


def test_summary_submit_errors(codes, tmp_path):
    result = duban("summary", "submit", "--unit", "办公室", "--year", "2021")
    assert result.exit_code == 2 and "请以文件或 --text 正文给出总结" in result.stderr
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    result = duban(
        "summary", "submit", str(tmp_path / "a.txt"), "--unit", "办公室", "--year", "2021", "--text", "y"
    )
    assert result.exit_code == 2
    result = duban("summary", "submit", "--unit", "没有这个单位", "--year", "2021", "--text", "y")
    assert result.exit_code == 3 and "没有名为 没有这个单位 的单位" in result.stderr
    result = duban("summary", "submit", "--unit", "办公室", "--year", "2021", "--text", "   ")
    assert result.exit_code == 2 and "总结是空的" in result.stderr


def test_lookback_and_summary_commands_never_import_prefect(codes, cli_env, tmp_path):
    script = f"""
import sys
import typer
from typer.testing import CliRunner
from cli.lookback_cmds import register
app = typer.Typer()
app.callback()(lambda: None)
register(app)
runner = CliRunner()
for args in (["lookback", "--year", "2021", "--as-of", "2021-12-01", "--dry-run", "--carry-over"],
             ["lookback", "--plan", "{PLAN}", "-o", {str(tmp_path / "out")!r}],
             ["summary", "list"]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
print(sorted(name for name in sys.modules if name.split(".")[0] == "prefect"))
"""
    env = {**os.environ, "DUBAN_DATABASE_URL": cli_env, "DUBAN_CONFIG": str(ROOT / "config.toml")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
