"""`duban instruct`, `duban reply`, `duban chase` and what `duban show` says of them and of the task's
序时进度, as a script would run them (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner
from workflow_ledger import seed

from cli.main import app
from models.storage.db import open_ledger, read_session, write_session
from models.storage.tables import Chase, Instruction, Task
from models.writes.users import add_user

runner = CliRunner()


def duban(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def codes(cli_env) -> dict[str, str]:
    engine = open_ledger(cli_env)
    seed(engine)
    with write_session(engine) as session:
        add_user(session, "王局长", role="leader", password="correct horse battery")
    with read_session(engine) as session:
        found = {title: code for code, title in session.exec(select(Task.code, Task.title))}
    engine.dispose()
    return found


def rows(cli_env, table) -> int:
    engine = open_ledger(cli_env)
    try:
        with read_session(engine) as session:
            return session.exec(select(func.count()).select_from(table)).one()
    finally:
        engine.dispose()


def test_instruct_reply_chase_and_show(cli_env, codes):
    code = codes["更新权责清单"]  # 法规处 leads; due 2021-05-31
    written = duban("instruct", code, "--text", "请加快进度，5月中旬报我。", "--as", "王局长")
    assert written.exit_code == 0, written.output
    assert "已通知：法规处" in written.stdout

    replied = duban("reply", code, "--text", "已倒排工期。", "--as", "法规处")
    assert replied.exit_code == 0, replied.output
    assert "已通知：王局长" in replied.stdout

    chased = duban(
        "chase",
        code,
        "--method",
        "wechat",
        "--contact",
        "李处长",
        "--note",
        "承诺5月20日前完成",
        "--as-of",
        "2021-04-19",
    )
    assert chased.exit_code == 0, chased.output
    assert "2021-04-19" in chased.stdout and "微信" in chased.stdout and "法规处" in chased.stdout

    shown = duban("show", code, "--as-of", "2021-04-20")
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert (
        "序时进度：严重滞后序时" in out and "自 2021-01-01 起时间已过 72%，进度 0%（落后 72 个百分点）" in out
    )
    assert "领导批示：" in out and "王局长：请加快进度，5月中旬报我。" in out
    assert "法规处：已倒排工期。" in out
    assert "催办记录：" in out and "2021-04-19 微信 法规处 李处长：承诺5月20日前完成（office）" in out


def test_refusals_exit_non_zero_and_change_nothing(cli_env, codes):
    code = codes["发布年度报告"]  # 办公室 alone
    unit_instructs = duban("instruct", code, "--text", "自批", "--as", "办公室")
    assert unit_instructs.exit_code == 5 and "只有领导" in unit_instructs.stderr
    duban("instruct", code, "--text", "按时公开。", "--as", "王局长")
    other_replies = duban("reply", code, "--text", "越权", "--as", "法规处")
    assert other_replies.exit_code == 5 and code in other_replies.stderr
    leader_chases = duban(
        "chase", code, "--method", "phone", "--contact", "王", "--note", "x", "--as", "王局长"
    )
    assert leader_chases.exit_code == 5
    bad_method = duban("chase", code, "--method", "fax", "--contact", "王", "--note", "x")
    assert bad_method.exit_code == 2 and "未知的催办方式 fax" in bad_method.stderr
    assert rows(cli_env, Instruction) == 1 and rows(cli_env, Chase) == 0
