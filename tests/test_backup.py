"""`duban backup`: a consistent copy of the ledger — a SQLite file, or JSON lines from PostgreSQL.

The ledger fixtures (`ledger_url`, `cli_env`) come from conftest.py: every test runs on a real
SQLite file and on a schema of its own on the PostgreSQL server.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, select
from typer.testing import CliRunner, Result

from cli.main import app
from models.errors import BadInput
from models.files.backup import backup
from models.storage.db import open_ledger, write_session
from models.writes.ledger import update_task
from workflows.ingest import import_paths

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def duban(*args: str) -> Result:
    return runner.invoke(app, list(args))


def counts(engine: Engine) -> dict[str, int]:
    metadata = MetaData()
    with engine.connect() as connection:
        metadata.reflect(bind=connection)
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as copy:
        names = [
            n
            for (n,) in copy.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: copy.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_backup_is_a_faithful_copy(ledger: Engine, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "ledger.bak"
    result = duban("backup", str(target))
    assert result.exit_code == 0, result.output
    expected = counts(ledger)
    assert expected["task"] == 56
    if ledger.dialect.name == "sqlite":
        assert "已写出 sqlite 备份" in result.stdout
        with sqlite3.connect(target) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one standalone file
        assert sqlite_counts(target) == expected
        assert list(target.parent.iterdir()) == [target]  # no -wal, -shm or temporary left
    else:
        assert "已写出 jsonl 备份" in result.stdout
        lines = target.read_text(encoding="utf-8").splitlines()
        assert len(lines) == sum(expected.values())  # one line per row
        dumped: dict[str, list[dict]] = {}
        for line in lines:
            record = json.loads(line)
            dumped.setdefault(record["table"], []).append(record["row"])
        assert {name: len(rows) for name, rows in dumped.items()} == {n: c for n, c in expected.items() if c}
        ids = [row["id"] for row in dumped["task"]]
        assert ids == sorted(ids)  # ordered by primary key
        order = list(dumped)  # parents before children, so the file restores in order
        assert order.index("plan") < order.index("task") < order.index("assignment") > order.index("unit")
        task = dumped["task"][0]
        assert (
            task["code"] == "T1" and isinstance(task["path"], list) and task["updated_at"].endswith("+00:00")
        )


def test_backup_refuses_to_overwrite_unless_forced(ledger: Engine, tmp_path: Path) -> None:
    (tmp_path / "backups").mkdir()
    target = tmp_path / "backups" / "ledger.bak"
    target.write_text("an older backup")
    result = duban("backup", str(target))
    assert result.exit_code == 2
    assert f"{target}: 已存在" in result.stderr and "--force" in result.stderr
    assert target.read_text() == "an older backup"
    assert duban("backup", "--force", str(target)).exit_code == 0
    assert target.read_text(errors="replace") != "an older backup"
    assert [p.name for p in target.parent.iterdir()] == ["ledger.bak"]  # no temporary left


def test_backup_into_a_directory_is_refused(ledger: Engine, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="是文件夹"):
        backup(ledger, tmp_path)


def test_sqlite_backup_while_another_connection_is_writing(tmp_path: Path) -> None:
    engine = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    import_paths(engine, sorted((ROOT / "plans").glob("*.plan.toml")), actor="office", max_bytes=20_000_000)
    with write_session(engine) as session:
        # The writer holds the write lock (BEGIN IMMEDIATE) with a change not yet committed:
        # the backup neither waits for it nor sees it.
        update_task(session, "T3", actor="office", progress=70)
        report = backup(engine, tmp_path / "copy.sqlite3")
    assert report.kind == "sqlite" and report.rows["task"] == 56
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT progress FROM task WHERE code='T3'").fetchone() == (0,)
    engine.dispose()
