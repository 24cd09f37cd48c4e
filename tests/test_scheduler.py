"""`duban scheduler`: jobs persisted, a missed run caught up once on start, crons with day names."""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner
from workflow_ledger import ROOT, settings_for, write_config

from cli.main import app
from models.errors import BadInput
from workflows import scheduler

PROBE = "scheduler_probe:record"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def probe(tmp_path, monkeypatch):
    path = tmp_path / "probe.txt"
    path.touch()
    monkeypatch.setenv("DUBAN_PROBE_FILE", str(path))
    return path


def stored(settings) -> dict:
    jobs = scheduler.build(settings)
    jobs.start(paused=True)
    try:
        return {job.id: job for job in jobs.get_jobs()}
    finally:
        scheduler.close_paused(jobs)


def test_a_fresh_store_gets_the_three_jobs_on_the_configured_crons(tmp_path):
    settings = settings_for(tmp_path, "sqlite://")
    jobs = scheduler.build(settings)
    jobs.start(paused=True)
    try:
        installed = scheduler.install(jobs, settings, target=PROBE)
        assert [(i.name, i.change) for i in installed] == [
            ("escalate", "added"),
            ("digest", "added"),
            ("lookback", "added"),
        ]
        digest = jobs.get_job("digest")
        start = dt.datetime(2026, 11, 19, 12, 0, tzinfo=SHANGHAI)  # a Thursday
        # "mon" is Monday (a 1 would be Tuesday in APScheduler 3): next Monday 09:00 in Shanghai.
        assert digest.trigger.get_next_fire_time(None, start) == dt.datetime(
            2026, 11, 23, 9, 0, tzinfo=SHANGHAI
        )
        lookback = jobs.get_job("lookback").trigger.get_next_fire_time(None, start)
        assert (lookback.month, lookback.day, lookback.hour) == (11, 30, 9)
    finally:
        scheduler.close_paused(jobs)
    assert set(stored(settings)) == {"escalate", "digest", "lookback"}  # persisted


def test_a_run_missed_while_down_is_caught_up_once_on_start(tmp_path, probe):
    settings = settings_for(tmp_path, "sqlite://")
    jobs = scheduler.build(settings)
    jobs.start(paused=True)
    scheduler.install(jobs, settings, target=PROBE)
    # The process was down for the last two Mondays (and 16 daily runs): they are all in the past.
    past = dt.datetime.now(SHANGHAI) - dt.timedelta(days=2)
    for name in ("escalate", "digest"):
        jobs.modify_job(name, next_run_time=past - dt.timedelta(days=14 if name == "digest" else 16))
    scheduler.close_paused(jobs)

    stop = threading.Event()
    lines: list[str] = []
    runner = threading.Thread(
        target=scheduler.run, args=(settings,), kwargs={"stop": stop, "target": PROBE, "report": lines.append}
    )
    runner.start()
    deadline = time.monotonic() + 20
    while len(probe.read_text().split()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # room for a wrongly repeated run to show up
    stop.set()
    runner.join(timeout=20)
    assert sorted(probe.read_text().split()) == ["digest", "escalate"]  # each once, coalesced
    assert all("保留" in line for line in lines)  # the stored jobs were kept, not replaced
    after = stored(settings)
    assert after["digest"].next_run_time > dt.datetime.now(SHANGHAI)  # back on its weekly cron


def test_a_changed_cron_reschedules_the_stored_job(tmp_path):
    settings = settings_for(tmp_path, "sqlite://")
    jobs = scheduler.build(settings)
    jobs.start(paused=True)
    scheduler.install(jobs, settings, target=PROBE)
    scheduler.close_paused(jobs)
    changed = settings.model_copy(
        update={"schedule": settings.schedule.model_copy(update={"digest": "30 8 * * fri"})}
    )
    jobs = scheduler.build(changed)
    jobs.start(paused=True)
    try:
        changes = {i.name: i.change for i in scheduler.install(jobs, changed, target=PROBE)}
        assert changes == {"escalate": "kept", "digest": "rescheduled (cron changed)", "lookback": "kept"}
        assert jobs.get_job("digest").next_run_time.weekday() == 4
    finally:
        scheduler.close_paused(jobs)


def test_a_bad_cron_is_a_clear_error(tmp_path):
    settings = settings_for(tmp_path, "sqlite://")
    bad = settings.model_copy(update={"schedule": settings.schedule.model_copy(update={"digest": "0 9 * *"})})
    with pytest.raises(BadInput, match=r"schedule.digest: cron 表达式 '0 9 \* \*' 有误"):
        scheduler.trigger_of(bad, "digest")


def test_a_weekday_number_is_refused_by_the_trigger_builder_too(tmp_path):
    settings = settings_for(tmp_path, "sqlite://")
    bad = settings.model_copy(
        update={"schedule": settings.schedule.model_copy(update={"digest": "0 9 * * 1"})}
    )
    with pytest.raises(BadInput, match=r"schedule.digest: cron 表达式 '0 9 \* \* 1' 有误.*请用星期名称"):
        scheduler.trigger_of(bad, "digest")


@pytest.mark.parametrize("command", [["scheduler", "--list"], ["deploy"]])
def test_the_scheduler_and_deploy_refuse_a_weekday_number_in_config_toml(tmp_path, monkeypatch, command):
    from cli import context

    config = write_config(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8").replace('"0 9 * * mon"', '"0 9 * * 1"'), encoding="utf-8"
    )
    monkeypatch.setenv("DUBAN_CONFIG", str(config))
    context.settings.cache_clear()
    result = CliRunner().invoke(app, command)
    context.settings.cache_clear()
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"错误：{config}: schedule.digest: cron 表达式 '0 9 * * 1' 有误")
    assert "请用星期名称" in line


def test_the_scheduled_job_runs_today_against_the_configured_ledger(tmp_path, monkeypatch, capsys):
    from workflow_ledger import seed

    from models.storage.db import open_ledger

    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    seed(open_ledger(url))
    monkeypatch.setenv("DUBAN_CONFIG", str(write_config(tmp_path)))
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)
    scheduler.run_scheduled("digest")
    out = capsys.readouterr().out
    assert "[digest]" in out and "周报" in out
    assert list((tmp_path / "outbox" / "digest").glob("*/office.md"))


def test_scheduler_list_shows_the_jobs_without_running_them(tmp_path, monkeypatch):
    from cli import context

    monkeypatch.setenv("DUBAN_CONFIG", str(write_config(tmp_path)))
    context.settings.cache_clear()
    result = CliRunner().invoke(app, ["scheduler", "--list"])
    context.settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "digest" in result.stdout and "0 9 * * mon" in result.stdout and "未安装" in result.stdout
    assert ROOT.exists()
