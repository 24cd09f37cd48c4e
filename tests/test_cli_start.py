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
LEDGER_ACCESS = {"workflows.use_cases", "workflows.use_cases.ledger"}
SERVER_AND_JOBS = {"fastapi", "starlette", "uvicorn", "prefect", "apprise", "openpyxl", "docx"}


def imported(*args: str, database: Path, full: bool = False) -> set[str]:
    """The top-level packages a `duban ARGS` run imported (it must succeed); full=True: the
    modules by their dotted names."""
    env = {
        **os.environ,
        "DUBAN_DATABASE_URL": f"sqlite:///{database}",
        "COLUMNS": "100",
        "DUBAN_CACHE_DIR": str(database.parent / "cache"),
    }
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
            module = line.rsplit("|", 1)[1].strip()
            names.add(module if full else module.split(".")[0])
    assert "cli" in names or "cli.main" in names  # the wrapper ran and importtime spoke
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
        modules = imported(*args, database=database, full=True)
        names = {module.split(".")[0] for module in modules}
        assert "sqlmodel" in names  # it did read the ledger
        unwanted = names & (SERVER_AND_JOBS | {"parsing", "alembic"})
        # Of workflows, only the ledger opener and read session the faces take from the use cases.
        unwanted |= {m for m in modules if m.startswith("workflows.") and m not in LEDGER_ACCESS}
        assert not unwanted, (args, sorted(unwanted))


def test_tasks_once_compiled_reads_through_the_driver_alone(tmp_path: Path) -> None:
    """The first `duban tasks` of a key compiles the reads' statements (SQLAlchemy and SQLModel);
    every later one runs them through sqlite3 alone (models.reads.quick), on the settings kept
    from the first (models.quick_settings) and with typer's values checked without pydantic
    (cli/coercion.py)."""
    database = tmp_path / "ledger.sqlite3"
    imported("plans", database=database)
    listings = [
        ("tasks", "--as-of", "2021-06-01"),
        ("tasks", "--overdue", "--format", "json", "--as-of", "2021-06-01"),
    ]
    for args in listings:
        assert "sqlmodel" in imported(*args, database=database)  # compiled, through the reads
    for args in listings:
        modules = imported(*args, database=database, full=True)
        names = {module.split(".")[0] for module in modules}
        assert "sqlite3" in names  # it did read the ledger
        loaded = names & (DB_LAYER | SERVER_AND_JOBS | {"parsing", "psycopg", "workflows", "pydantic"})
        heavy = {"models.storage.tables", "models.reads.task_query", "models.settings"} & modules
        assert not loaded and not heavy, (args, sorted(loaded | heavy))


def test_show_once_compiled_reads_through_the_driver_alone(ledger, cli_env: str, tmp_path: Path) -> None:
    """`duban show` as `duban tasks` above: once its statements are compiled, no SQLAlchemy, no
    pydantic."""
    if not cli_env.startswith("sqlite:///"):
        pytest.skip("the import check is made on SQLite")
    database = Path(cli_env.removeprefix("sqlite:///"))
    assert "sqlmodel" in imported("show", "T1", database=database)  # compiled, through the reads
    modules = imported("show", "T1", database=database, full=True)
    names = {module.split(".")[0] for module in modules}
    assert "sqlite3" in names
    loaded = names & (DB_LAYER | SERVER_AND_JOBS | {"parsing", "psycopg", "workflows", "pydantic"})
    assert not loaded and "models.settings" not in modules, sorted(loaded)


PRINTS = """
import sys, typer, typer.main
from cli.main import app
built = []
made = typer.main.get_command_from_info
typer.main.get_command_from_info = lambda command_info, **kw: built.append(1) or made(command_info, **kw)
try:
    (typer.Typer.__call__ if sys.argv[1] == "all" else type(app).__call__)(app, sys.argv[2:])
finally:
    print("built", len(built), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ("tasks", "--as-of", "2021-06-01"),
        ("tasks", "--format", "xx"),
        ("tasks", "--help"),
        ("tasks", "--bogus"),
        ("show", "T1"),
        ("show",),
        ("units", "--help"),
        ("lookback", "--help"),
        ("nosuch",),
        ("--help",),
    ],
)
def test_a_named_command_is_built_alone_and_runs_as_in_the_whole_app(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    """cli.main.Duban: the run that names a command builds it alone; it prints what the whole
    app prints (here an empty ledger, its errors and help)."""
    env = {**os.environ, "DUBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.sqlite3'}", "COLUMNS": "100"}
    env["DUBAN_CACHE_DIR"] = str(tmp_path / "cache")
    runs = {
        how: subprocess.run(
            [sys.executable, "-c", PRINTS, how, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for how in ("all", "chosen")
    }
    whole, chosen = runs["all"], runs["chosen"]
    assert (chosen.returncode, chosen.stdout) == (whole.returncode, whole.stdout)
    assert chosen.stderr.splitlines()[:-1] == whole.stderr.splitlines()[:-1]
    every, alone = int(whole.stderr.split()[-1]), int(chosen.stderr.split()[-1])
    assert every > 40
    if args[0] in ("nosuch", "--help"):
        assert alone == every  # the help and the suggestion list them all
    elif args[0] in ("tasks", "show"):
        assert alone == 2  # the command, and the hidden one that keeps the app a group
    else:
        assert 0 < alone < every  # a group's own commands
