"""`duban ack`, `duban report`, `duban inbox` and what `duban show` adds, as a script runs them, on
SQLite and PostgreSQL: the 2021 plan handed over on 2021-09-30 (T17 持续强化任务落实工作: 办公室 leads)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def duban(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), catch_exceptions=False, input=stdin)


@pytest.fixture
def handed_over(cli_env):
    assert duban("units", "load", str(ROOT / "plans" / "units.toml")).exit_code == 0
    plan = ROOT / "plans" / "2021-jilin-amr-gongkai-yaodian.plan.toml"
    result = duban("import", str(plan), "--as-of", "2021-09-30")
    assert result.exit_code == 0, result.output
    added = duban(
        "user", "add", "张副局长", "--role", "leader", "--password-stdin", stdin="correct horse battery\n"
    )
    assert added.exit_code == 0, added.output
    return cli_env


def test_the_lead_unit_acknowledges_and_reports_and_show_gathers_it(handed_over):
    refused = duban("ack", "T17", "--as", "法规处")  # not its task
    assert refused.exit_code != 0 and "无权" in refused.stderr
    leader = duban("report", "T17", "--progress", "50", "--text", "领导不报送", "--as", "张副局长")
    assert leader.exit_code != 0
    done = duban("ack", "T17", "--as", "办公室")
    assert done.exit_code == 0 and "T17：办公室 已于" in done.stdout and "签收" in done.stdout
    again = duban("ack", "T17", "--as", "办公室")
    assert "此前已签收" in again.stdout
    reported = duban("report", "T17", "--progress", "60", "--text", "已部署督查", "--as", "办公室")
    assert reported.exit_code == 0, reported.output
    assert "已报送" in reported.stdout and "60%" in reported.stdout
    shown = duban("show", "T17").stdout
    assert "签收：办公室，2021-09-30 交办，已于" in shown
    assert "报送情况：" in shown and "已部署督查" in shown
    assert "进度：60%" in shown or "60%" in shown


def test_the_inbox_of_a_unit_and_of_the_office(handed_over):
    mine = duban("inbox", "--as", "办公室", "--as-of", "2021-10-11")
    assert mine.exit_code == 0, mine.output
    assert mine.stdout.startswith("办公室的待办") and "待签收（" in mine.stdout and "T17" in mine.stdout
    assert duban("ack", "T17", "--as", "办公室").exit_code == 0
    rows = list(
        csv.reader(
            io.StringIO(
                duban("inbox", "--as", "office", "--as-of", "2021-10-11", "-f", "csv").stdout.lstrip("\ufeff")
            )
        )
    )
    unacknowledged = {(row[1], row[4]) for row in rows[1:] if row and row[0] == "未签收"}
    assert ("T17", "办公室") not in unacknowledged and ("T1", "信息中心") in unacknowledged
    leader = duban("inbox", "--as", "张副局长", "--as-of", "2021-10-11")
    assert leader.exit_code == 0 and "需关注（" in leader.stdout


def test_the_escalation_job_raises_the_acknowledgement_chase_once(handed_over):
    first = duban("escalate", "--as-of", "2021-10-11", "--no-send")
    assert first.exit_code == 0 and "ack " in first.stdout
    second = duban("escalate", "--as-of", "2021-10-11", "--no-send")
    assert "ack " not in second.stdout
