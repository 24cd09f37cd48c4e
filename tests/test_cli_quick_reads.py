"""`duban tasks` through models.reads.quick prints what the full path prints, byte for byte, on
SQLite and PostgreSQL: on the run that compiles the statements and on the runs that take them from
the cache, recurring tasks (the effective due date's expression) and pending requests included."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
LISTINGS = [
    (),
    ("--overdue",),
    ("--format", "json"),
    ("--format", "csv"),
    ("--due-within", "45"),
    ("--status", "done"),
    ("--status", "推进中", "--sort", "status"),
    ("--sort", "plan"),
    ("--sort", "code", "--overdue"),
    ("--withdrawn",),
]
DAYS = ("2021-03-31", "2021-07-02", "2021-12-01", "2022-01-15")


def duban(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_quick_listing_is_the_full_listing(ledger, monkeypatch, tmp_path: Path) -> None:
    with ledger.begin() as connection:
        connection.execute(
            text(
                "UPDATE task SET deadline_type = 'recurring', recurrence = 'quarterly' WHERE code IN ('T3', 'T4')"
            )
        )
        connection.execute(
            text("UPDATE task SET deadline_type = 'recurring', recurrence = 'yearly' WHERE code = 'T5'")
        )
    duban("update", "T3", "--progress", "20", "--as-of", "2021-04-10")  # the first quarter reported
    duban("extend-request", "T1", "--to", "2021-12-20", "--reason", "需要时间")  # 待审批延期
    cache = tmp_path / "cache" / "duban" / "sql"
    for day in DAYS:
        for args in LISTINGS:
            monkeypatch.setenv("DUBAN_QUICK_READS", "0")
            full = duban("tasks", *args, "--as-of", day)
            monkeypatch.delenv("DUBAN_QUICK_READS")
            first = duban("tasks", *args, "--as-of", day)
            again = duban("tasks", *args, "--as-of", day)
            assert first == full, (day, args)
            assert again == full, (day, args)
    # One entry per day and listing; the formats share theirs (the rows are the same).
    assert len(list(cache.glob("*.json"))) == len(DAYS) * (len(LISTINGS) - 2)
