"""The lifecycle from the command line as a script runs it (`duban` subprocesses, exit codes, JSON),
on SQLite and PostgreSQL: a unit's extension request leaves its task overdue until the office
approves; a completion leaves it open (待审核) until signed off; a return reopens it; a unit's
cancel (or direct deferral, or 已完成) exits non-zero and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import tomllib

import tomli_w
from sqlmodel import select
from workflow_ledger import ROOT, seed

from models.storage.db import open_ledger, read_session
from models.storage.tables import Journal, Notice, NoticeKind, Task

DUBAN = str(ROOT / ".venv" / "bin" / "duban")
PDF = b"%PDF-1.4\n%%EOF\n"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DUBAN, *args], env=env, capture_output=True, text=True, timeout=120)


def overdue(env: dict[str, str]) -> set[str]:
    result = run("tasks", "--overdue", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return {row["task"] for row in json.loads(result.stdout)}


def snapshot(engine, code: str) -> tuple[str, int, dt.date | None, int, int]:
    with read_session(engine) as session:
        task = session.exec(select(Task).where(Task.code == code)).one()
        entries = len(session.exec(select(Journal.id).where(Journal.task_id == task.id)).all())
        return task.status, task.progress, task.due_date, task.version, entries


def test_the_lifecycle_as_a_script_runs_it(ledger_url, tmp_path):
    engine = open_ledger(ledger_url)
    seed(engine)  # T1: 办公室 leads, due 2021-03-15; T5: 办公室, due 2021-04-30
    config = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    config["lifecycle"]["attachments_dir"] = str(tmp_path / "files")
    config["notify"]["outbox"] = str(tmp_path / "outbox")
    (tmp_path / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    env = {**os.environ, "DUBAN_DATABASE_URL": ledger_url, "DUBAN_CONFIG": str(tmp_path / "config.toml")}
    env.pop("DUBAN_LANG", None)
    next_year = (dt.date.today() + dt.timedelta(days=365)).isoformat()

    # A unit asks for more time: the task stays overdue until the office approves.
    asked = run(
        "extend-request",
        "T1",
        "--to",
        next_year,
        "--reason",
        "等待省局通知",
        "--progress",
        "60",
        "--as",
        "办公室",
        env=env,
    )
    assert asked.returncode == 0, asked.stderr
    assert "已提交 R1" in asked.stdout and "逾期后申请" in asked.stdout  # asked after 2021-03-15
    assert "T1" in overdue(env)
    listed = run("tasks", "--overdue", env=env).stdout
    assert any(line.startswith("T1 ") and "未开始（待审批延期）" in line for line in listed.splitlines()), (
        listed
    )
    pending = json.loads(run("requests", "--format", "json", env=env).stdout)
    assert [(r["request"], r["task"], r["kind"], r["late"]) for r in pending] == [
        ("R1", "T1", "extension", "true")
    ]
    unit_approves = run("approve", "R1", "--as", "办公室", env=env)
    assert unit_approves.returncode == 5 and "无权审批延期申请" in unit_approves.stderr
    assert "T1" in overdue(env)
    approved = run("approve", "R1", "--comment", "同意", env=env)
    assert approved.returncode == 0, approved.stderr
    assert "T1" not in overdue(env)
    assert snapshot(engine, "T1")[:3] == ("deferred", 0, dt.date.fromisoformat(next_year))

    # A completion leaves it open, awaiting review; a return reopens it; a sign-off closes it.
    (tmp_path / "总结.pdf").write_bytes(PDF)
    submitted = run(
        "complete-request", "T5", "--summary", "年度报告已发布", "--evidence", "https://example.gov.cn/nb",
        "--attach", str(tmp_path / "总结.pdf"), "--as", "办公室", env=env,
    )  # fmt: skip
    assert submitted.returncode == 0, submitted.stderr
    assert "已提交 R2" in submitted.stdout and "附佐证材料 1 个" in submitted.stdout
    shown = run("show", "T5", env=env).stdout
    assert "状态：未开始" in shown and "待审核（R2）" in shown
    assert "T5" in overdue(env)  # still on the ladder's clock
    returned = run("return", "R2", "--reason", "缺少发布截图", env=env)
    assert returned.returncode == 0 and "已退回 1 次" in returned.stdout
    assert snapshot(engine, "T5")[0] == "in_progress" and "待审核" not in run("show", "T5", env=env).stdout
    again = run("complete-request", "T5", "--summary", "已补充截图", "--as", "办公室", env=env)
    assert again.returncode == 0 and "R3" in again.stdout
    assert run("signoff", "R3", env=env).returncode == 0
    assert snapshot(engine, "T5")[:2] == ("done", 100) and "T5" not in overdue(env)
    assert run("requests", "--format", "json", env=env).stdout.strip() == "[]"

    # What a unit may not do exits non-zero and changes nothing.
    before = snapshot(engine, "T1")
    for refused, said in (
        (("cancel", "T1", "--reason", "不想做了", "--as", "办公室"), "只有政务公开办"),
        (("defer", "T1", "--to", "2099-12-31", "--reason", "x", "--as", "办公室"), "请提交延期申请"),
        (("update", "T1", "--status", "done", "--as", "办公室"), "请提交办结申请"),
        (("update", "T1", "--status", "cancelled", "--as", "办公室"), "撤销"),
    ):
        result = run(*refused, env=env)
        assert result.returncode == 5, (refused, result.stdout, result.stderr)
        assert result.stderr.startswith("错误：") and said in result.stderr, result.stderr
    assert snapshot(engine, "T1") == before
    cancelled = run("cancel", "T1", "--reason", "上级已取消", env=env)
    assert cancelled.returncode == 0 and "已取消" in cancelled.stdout

    with read_session(engine) as session:
        notices = session.exec(
            select(Notice.period, Notice.recipient).where(Notice.kind == NoticeKind.LIFECYCLE.value)
        ).all()
    assert sorted(notices) == sorted(
        [
            ("R1/filed", "office"),
            ("R1/approved", "unit:办公室"),
            ("R2/filed", "office"),
            ("R2/returned", "unit:办公室"),
            ("R3/filed", "office"),
            ("R3/signed_off", "unit:办公室"),
            (f"T1/cancelled/{before[3] + 1}", "unit:办公室"),
            (f"T1/cancelled/{before[3] + 1}", "unit:法规处"),
        ]
    )
    engine.dispose()
