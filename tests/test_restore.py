"""`duban restore`: a backup made while another connection writes goes back into a fresh ledger
with the same rows, and the ledger works on (new ids past the restored ones) — on SQLite and on
PostgreSQL; into a non-empty ledger only with --force; all or nothing; checked before it says done.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PLANS, _postgres_schema
from sqlalchemy import Engine, MetaData, func, select
from typer.testing import CliRunner, Result

from cli.main import app
from models.errors import BadInput
from models.files.backup import backup
from models.files.restore import restore
from models.storage.db import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    make_engine,
    open_ledger,
    read_session,
    write_session,
)
from models.storage.tables import Journal, Task
from models.writes.ledger import get_task, update_task
from workflows.ingest import import_paths

runner = CliRunner()
EXTRA_PLAN = PLANS / "2021-jilin-amr-gongkai-yaodian.plan.toml"


def duban(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def fresh_url(ledger_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same backend as `ledger_url` (nothing created in it)."""
    if ledger_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'ledger.sqlite3'}"
    else:
        yield from _postgres_schema()


def rows_of(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    metadata = MetaData()
    with engine.connect() as connection:
        metadata.reflect(bind=connection)
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*(list(table.primary_key.columns) or list(table.columns)))
                )
            ]
            for table in metadata.sorted_tables
        }


def with_activity(engine: Engine, folder: Path) -> None:
    """Beyond the seed plans: journal rows, escalations and notices (ids in several sequences)."""
    from workflow_ledger import settings_for

    from workflows.use_cases import jobs
    from workflows.use_cases.actor import Actor

    with write_session(engine) as session:
        update_task(session, "T2", actor="office", progress=40, note="已起草")
    settings = settings_for(folder, str(engine.url))
    jobs.escalate(engine, settings, Actor.system(), as_of=dt.date(2021, 12, 1), send=False)


def test_a_backup_taken_under_writes_restores_to_the_same_rows_and_the_ledger_works_on(
    ledger: Engine, ledger_url: str, fresh_url: str, tmp_path: Path
) -> None:
    with_activity(ledger, tmp_path)
    stop, written = threading.Event(), [0]

    def writer() -> None:  # another connection updating a task as fast as it can
        engine = open_ledger(ledger_url)
        try:
            while not stop.is_set():
                with write_session(engine) as session:
                    update_task(
                        session, "T3", actor="office", progress=written[0] % 100, note=f"第{written[0]}次"
                    )
                written[0] += 1
        finally:
            engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while written[0] < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        made = backup(ledger, tmp_path / "backup.bak")
        before = written[0]
        while written[0] < before + 5 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(30)
    assert written[0] >= before + 5  # writes went on during and after the backup

    began = time.perf_counter()
    report = restore(fresh_url, made.path)
    took = time.perf_counter() - began
    assert report.kind == made.kind and report.revision == HEAD_REVISION and report.upgraded_to is None
    assert report.rows == {name: n for name, n in made.rows.items() if name != "alembic_version"}
    assert report.rows["task"] == 56 and report.rows["journal"] > 56 and report.rows["notice"] > 0
    if made.kind == "jsonl":
        assert report.sequences >= 5  # plan, task, journal, escalation, notice … ids

    restored = open_ledger(fresh_url)
    try:
        # The same rows as the backup holds: a backup of the restored ledger is the same backup.
        again = backup(restored, tmp_path / "again.bak")
        if made.kind == "jsonl":
            assert again.path.read_text(encoding="utf-8") == made.path.read_text(encoding="utf-8")
        else:
            assert rows_of(open_ledger(f"sqlite:///{again.path}")) == rows_of(
                open_ledger(f"sqlite:///{made.path}")
            )
        with read_session(restored) as session:
            progress_in_backup = get_task(session, "T3").progress
            top_journal = session.scalar(select(func.max(Journal.id)))
            top_task = session.scalar(select(func.max(Task.id)))
        # A following update, and a new plan: new ids from where the restored ones end.
        with write_session(restored) as session:
            task = update_task(session, "T3", actor="office", progress=(progress_in_backup + 50) % 100)
        assert task.progress == (progress_in_backup + 50) % 100
        another = tmp_path / "2022-another.plan.toml"  # a new plan key: 17 new tasks
        # Another document (its own checksum, number and title): the same one under a new key would
        # be refused as imported already.
        text = EXTRA_PLAN.read_text(encoding="utf-8")
        text = re.sub(r'source_sha256 = "[0-9a-f]+"', 'source_sha256 = "' + "0" * 64 + '"', text, count=1)
        text = text.replace("〔2021〕76号", "〔2022〕1号", 1).replace("2021年吉林省", "2022年吉林省", 1)
        another.write_text(text, encoding="utf-8")
        import_paths(restored, [another], actor="office", max_bytes=20_000_000)
        with read_session(restored) as session:
            assert session.scalar(select(func.max(Journal.id))) > top_journal
            assert session.scalar(select(func.max(Task.id))) == top_task + 17
    finally:
        restored.dispose()
    print(f"restore of {sum(report.rows.values())} rows ({made.kind}, {made.size:,} bytes): {took:.2f} s")


def test_a_sqlite_backup_restores_into_postgresql(tmp_path: Path) -> None:
    """The way from the embedded setup to the multi-user one."""
    source = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    import_paths(source, sorted(PLANS.glob("*.plan.toml")), actor="office", max_bytes=20_000_000)
    with_activity(source, tmp_path)
    made = backup(source, tmp_path / "ledger.bak")
    for url in _postgres_schema():
        report = restore(url, made.path)
        target = open_ledger(url)
        try:
            assert report.rows == {name: n for name, n in made.rows.items() if name != "alembic_version"}
            assert report.sequences >= 5
            # Same values, whichever database holds them (times compared in UTC).
            assert _normalised(rows_of(target)) == _normalised(rows_of(source))
            with write_session(target) as session:
                assert update_task(session, "T1", actor="office", progress=10).progress == 10
        finally:
            target.dispose()
    source.dispose()


def _normalised(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    def one(value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=dt.UTC) if value.utcoffset() is None else value.astimezone(dt.UTC)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    return {
        name: [tuple(one(value) for value in row) for row in rows]
        for name, rows in tables.items()
        if name != "alembic_version"
    }


def test_a_non_empty_ledger_is_refused_unless_forced(
    ledger: Engine, fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli import context

    made = backup(ledger, tmp_path / "backup.bak")
    # The target ledger already holds one plan.
    target = open_ledger(fresh_url)
    import_paths(target, [EXTRA_PLAN], actor="office", max_bytes=20_000_000)
    before = rows_of(target)
    monkeypatch.setenv("DUBAN_DATABASE_URL", fresh_url)
    context.settings.cache_clear()
    try:
        refused = duban("restore", str(made.path))
        assert refused.exit_code == 2, refused.output
        [line] = refused.stderr.strip().splitlines()
        assert "台账不是空的（" in line and "确认无误请加 --force" in line and "task 表 17 行" in line
        assert rows_of(target) == before

        done = duban("restore", "--force", str(made.path))
        assert done.exit_code == 0, done.output
        assert f"已从 {made.path} 恢复台账" in done.stdout and "各表行数与外键已核对" in done.stdout
        assert "原台账的" in done.stdout and "行已被替换" in done.stdout
    finally:
        context.settings.cache_clear()
    with read_session(target) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 56
    target.dispose()


def test_a_backup_that_fails_its_check_changes_nothing_even_with_force(
    ledger: Engine, fresh_url: str, tmp_path: Path
) -> None:
    target = open_ledger(fresh_url)
    import_paths(target, [EXTRA_PLAN], actor="office", max_bytes=20_000_000)
    before = rows_of(target)
    made = backup(ledger, tmp_path / "backup.bak")
    if made.kind == "sqlite":
        # An assignment of a task that is not there: the copy is a valid SQLite file all the same.
        with sqlite3.connect(made.path) as copy:
            copy.execute("PRAGMA foreign_keys = OFF")
            copy.execute("UPDATE assignment SET task_id = 99999 WHERE id = (SELECT max(id) FROM assignment)")
    else:
        lines = made.path.read_text(encoding="utf-8").splitlines()
        last = max(i for i, line in enumerate(lines) if json.loads(line)["table"] == "assignment")
        record = json.loads(lines[last])
        record["row"]["task_id"] = 99999
        lines[last] = json.dumps(record, ensure_ascii=False)
        made.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match="已全部撤销，台账未改动"):
        restore(fresh_url, made.path, force=True)
    assert rows_of(target) == before
    target.dispose()


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n", "不是 Duban 的备份"),
        (b'{"table": "task", "row": {"id": 1}}\nnot json\n', "backup.bak:2: 不是备份记录"),
        (b'{"table": "task", "row": {"id": 1}}\n', "备份中没有结构版本"),
        (
            b'{"table": "alembic_version", "row": {"version_num": "9999"}}\n',
            "备份的结构版本 9999 不在本程序的迁移中",
        ),
        (b"SQLite format 3\x00" + b"\x00" * 200, "SQLite 备份已损坏"),
    ],
)
def test_what_is_not_a_usable_backup_is_one_clear_line(
    content: bytes, message: str, fresh_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "backup.bak"
    path.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        restore(fresh_url, path)
    assert (
        not Path(fresh_url.removeprefix("sqlite:///")).exists()
        or current_revision(make_engine(fresh_url)) is None
    )


def test_a_backup_of_an_older_schema_is_restored_then_migrated(tmp_path: Path, fresh_url: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    source = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(source)
    previous = ScriptDirectory.from_config(config).get_revision(HEAD_REVISION).down_revision
    # Filled at the head, then taken down a revision: the import writes through today's models,
    # which may have columns the older schema lacks.
    command.upgrade(config, "head")
    import_paths(source, [EXTRA_PLAN], actor="office", max_bytes=20_000_000)
    command.downgrade(config, previous)
    made = backup(source, tmp_path / "old.bak")
    report = restore(fresh_url, made.path)
    assert report.revision == previous and report.upgraded_to == HEAD_REVISION
    target = open_ledger(fresh_url)
    assert current_revision(target) == HEAD_REVISION
    with read_session(target) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 17
    target.dispose()
    source.dispose()
