"""`duban escalate|digest|send|notices` on a real ledger, and Prefect kept out of them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from peers import http_peer  # noqa: F401 - fixture
from typer.testing import CliRunner
from workflow_ledger import ROOT, seed, set_channels, write_config

from cli.main import app
from models.storage.db import open_ledger

runner = CliRunner()


def setup(cli_env, tmp_path, monkeypatch, **notify):
    from cli import context

    engine = open_ledger(cli_env)
    seed(engine)
    monkeypatch.setenv("DUBAN_CONFIG", str(write_config(tmp_path, **notify)))
    context.settings.cache_clear()
    return engine


def test_escalate_dry_run_shows_what_would_be_raised_and_writes_nothing(cli_env, tmp_path, monkeypatch):
    setup(cli_env, tmp_path, monkeypatch)
    result = runner.invoke(app, ["escalate", "--as-of", "2021-03-15", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "将发出" in result.stdout and "overdue 1" in result.stdout
    # Each level by task code and title, as other commands show tasks, not by internal id.
    assert (
        "  overdue   T1     到期 2021-03-15  修订政府信息公开指南（2021年政务公开工作要点）" in result.stdout
    )
    assert "task#" not in result.stdout
    listed = runner.invoke(app, ["notices"])
    assert listed.exit_code == 0 and "unit:" not in listed.stdout
    assert not (tmp_path / "outbox").exists()


def test_escalate_then_notices_lists_what_was_sent(cli_env, tmp_path, monkeypatch):
    setup(cli_env, tmp_path, monkeypatch)
    result = runner.invoke(app, ["escalate", "--as-of", "2021-03-15"])
    assert result.exit_code == 0, result.output
    assert (
        "已发出" in result.stdout and "已写入发件箱 2 条" in result.stdout and "已发送" not in result.stdout
    )
    listed = runner.invoke(app, ["notices", "--kind", "escalation", "--format", "csv"])
    assert "unit:办公室" in listed.stdout and "unit:法规处" in listed.stdout
    assert list((tmp_path / "outbox" / "escalation").glob("2021-03-15-E*/unit-办公室.md"))


def test_a_failed_send_exits_non_zero_and_send_retries_it(cli_env, tmp_path, monkeypatch, http_peer):  # noqa: F811
    engine = setup(cli_env, tmp_path, monkeypatch, retries=1)
    set_channels(engine, "办公室", [http_peer.json_url()])
    http_peer.always = 503
    result = runner.invoke(app, ["digest", "--as-of", "2021-03-22"])
    assert result.exit_code == 1
    assert "1 条发送失败" in result.stdout and "unit:办公室" in result.stdout
    assert "unit:办公室" in runner.invoke(app, ["notices", "--unsent"]).stdout
    http_peer.always = None
    again = runner.invoke(app, ["send"])
    assert again.exit_code == 0 and "已发送 1 条通知" in again.stdout
    assert "unit:" not in runner.invoke(app, ["notices", "--unsent"]).stdout


def test_prefect_without_a_server_is_refused_not_started(cli_env, tmp_path, monkeypatch):
    setup(cli_env, tmp_path, monkeypatch)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = runner.invoke(app, ["escalate", "--prefect"])
    assert result.exit_code == 2
    assert "PREFECT_API_URL" in result.stderr


@pytest.mark.parametrize("command", ["escalate", "digest"])
def test_prefect_with_no_send_is_refused_not_ignored(cli_env, tmp_path, monkeypatch, command):
    setup(cli_env, tmp_path, monkeypatch)
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # never reached: refused first
    result = runner.invoke(app, [command, "--prefect", "--no-send", "--as-of", "2021-03-15"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "错误：--no-send: 不能与 --prefect 同用：流程会发送它排入队列的通知；"
        f"只想入队请去掉 --prefect 运行 `duban {command} --no-send`"
    )
    assert "unit:" not in runner.invoke(app, ["notices"]).stdout  # nothing queued


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        ("2021-02-30", "2021-02-30 这一天不存在（2021 年 2 月只有 28 天）"),
        ("2021-13-01", "2021-13-01 这一天不存在（没有 13 月）"),
        ("next monday", "应写成 2021-06-30、2021/6/30、2021.6.30、2021年6月30日、6月30日 等形式"),
        ("20210331", "连写的八位数字有歧义，如指该日请写成 2021-03-31"),
    ],
)
def test_a_bad_as_of_date_says_what_is_wrong_and_names_the_option(
    cli_env, tmp_path, monkeypatch, as_of, reason
):
    setup(cli_env, tmp_path, monkeypatch)
    result = runner.invoke(app, ["escalate", "--as-of", as_of])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"错误：--as-of 日期 {as_of!r} 有误：{reason}"


def test_the_job_commands_never_import_prefect(ledger_url, tmp_path):
    seed(open_ledger(ledger_url))
    env = {**os.environ, "DUBAN_CONFIG": str(write_config(tmp_path)), "DUBAN_DATABASE_URL": ledger_url}
    code = (
        "import sys\n"
        "from cli.main import app\n"
        "for argv in (['escalate', '--as-of', '2021-04-01'], ['digest', '--as-of', '2021-04-05'], ['tasks'], ['notices']):\n"
        "    try:\n"
        "        app(argv)\n"
        "    except SystemExit as stop:\n"
        "        assert not stop.code, (argv, stop.code)\n"
        "print('prefect' in sys.modules, 'apscheduler' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False False"
    assert "Traceback" not in done.stderr
