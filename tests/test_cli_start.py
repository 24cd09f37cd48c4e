"""The CLI starts without loading what the command does not use (cli/main.py, "Imports").

Each check runs `duban` in a fresh interpreter under `python -X importtime`, which names every
module imported on stderr; timings vary with the machine and are never asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DB_LAYER = {"sqlalchemy", "sqlmodel", "alembic"}
SERVER_AND_JOBS = {"fastapi", "starlette", "uvicorn", "prefect", "apprise", "openpyxl", "docx"}


def imported(*args: str, database: Path) -> set[str]:
    """The top-level packages a `duban ARGS` run imported (it must succeed)."""
    env = {**os.environ, "DUBAN_DATABASE_URL": f"sqlite:///{database}", "COLUMNS": "100"}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from cli.main import app; app()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    names = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "cli" in names  # the wrapper ran and importtime spoke
    return names


@pytest.mark.parametrize("args", [("--help",), ("tasks", "--help"), ("units", "--help")])
def test_help_imports_no_database_layer_nor_server(args: tuple[str, ...], tmp_path: Path) -> None:
    names = imported(*args, database=tmp_path / "never-opened.sqlite3")
    assert not names & (DB_LAYER | SERVER_AND_JOBS), sorted(names & (DB_LAYER | SERVER_AND_JOBS))
    assert not (tmp_path / "never-opened.sqlite3").exists()


def test_reading_commands_import_the_ledger_but_no_server_jobs_or_parser(tmp_path: Path) -> None:
    database = tmp_path / "ledger.sqlite3"
    imported("plans", database=database)  # creates the ledger (the migrations load alembic once)
    for args in (("tasks",), ("tasks", "--overdue", "--format", "json"), ("plans",)):
        names = imported(*args, database=database)
        assert "sqlmodel" in names  # it did read the ledger
        unwanted = names & (SERVER_AND_JOBS | {"workflows", "parsing", "alembic"})
        assert not unwanted, (args, sorted(unwanted))
