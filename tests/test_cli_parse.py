"""`duban parse` as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
DATA = Path(__file__).parent / "data"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_json_has_exactly_the_documented_shape():
    result = invoke("parse", str(PLANS / "2021-jilin-amr-gongkai-yaodian.txt"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["kind", "title", "issuer", "doc_number", "year", "tasks", "warnings"]
    task = data["tasks"][0]
    assert list(task) == ["path", "title", "body", "lead_units", "support_units", "deadline"]
    assert list(task["deadline"]) == ["type", "date", "text", "recurrence"]
    assert data["tasks"][-1]["deadline"] == {
        "type": "date",
        "date": "2021-11-30",
        "text": "11月30日前",
        "recurrence": None,
    }


def test_table_format_prints_the_ledger_with_warnings_underneath():
    result = invoke("parse", str(PLANS / "2021-linyi-health-gongkai-fangan.txt"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "一 > （二）" in out
    assert out.index("警告：") > out.index("五 > （十六）")


def test_toml_output_round_trips_through_the_plan_file_reader(tmp_path):
    from models.files.plan_file import read_plan_file
    from parsing.sources import parse_source

    target = tmp_path / "out" / "plan.toml"
    source = PLANS / "2020-mianchi-amr-shishi-fangan.txt"
    result = invoke("parse", str(source), "--format", "toml", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert read_plan_file(target) == parse_source(source)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "二进制"),
    ],
)
def test_a_bad_file_exits_non_zero_with_one_line_and_writes_nothing(tmp_path, content, problem):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    target = tmp_path / "out.json"
    result = invoke("parse", str(bad), "--format", "json", "-o", str(target))
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and problem in lines[0].lower()
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_a_missing_file_is_one_clear_line(tmp_path):
    result = invoke("parse", str(tmp_path / "nope.txt"))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nope.txt" in result.stderr


def test_a_too_large_file_is_refused(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("[plans]\nmax_document_bytes = 100\n", encoding="utf-8")
    monkeypatch.setenv("DUBAN_CONFIG", str(config))
    big = tmp_path / "big.txt"
    big.write_text("一、任务\n" + "内容" * 200, encoding="utf-8")
    result = invoke("parse", str(big))
    assert result.exit_code != 0
    assert "big.txt" in result.stderr and "large" in result.stderr.lower()


def test_the_console_script_runs_as_installed():
    duban = Path(sys.executable).parent / "duban"
    result = subprocess.run(
        [str(duban), "parse", str(DATA / "table_plan.txt"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["doc_number"] == "某政办发〔2022〕15号"


def test_explain_says_line_by_line_what_each_line_became():
    result = invoke("parse", str(DATA / "corpus" / "docs" / "yuncheng_2017_yingji_fenjie.txt"), "--explain")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "第1行 [噪声] 【法宝引证码】CLI.1.304262  → 去掉：网页元数据（索引号、发布时间、来源等）" in lines
    assert any(line.startswith("第10行 [标题]") for line in lines)
    assert any(line.startswith("第14行 [层级标题] 1.完善应急预案体系") for line in lines)
    task = next(line for line in lines if line.startswith("第15行 [任务]"))
    assert "（一） > 1 > （1）" in task and "牵头：市直各有关单位" in task
    # The units line after （4） closes item 1: the explanation says which points it covers.
    units = next(line for line in lines if line.startswith("第19行 [责任单位]"))
    assert "适用于" in units and "（一） > 1 > （1）" in units


def test_explain_names_repairs_and_deadlines(tmp_path):
    target = tmp_path / "why.txt"
    result = invoke(
        "parse", str(PLANS / "2021-linyi-health-gongkai-fangan.txt"), "--explain", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "原编号“)”按顺序读作（二）" in text
    assert "[完成时限]" in text and "2021年年底前" in text
    assert "第55行 [噪声] 上一条" in text
