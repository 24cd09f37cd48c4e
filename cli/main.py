"""The `duban` command line. Each command is a thin call into the lower layers."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import excel_cmds, ledger_cmds, units_cmds
from cli.errors import reported
from cli.output import emit
from cli.render import plan_table
from cli.tables import Format, render
from models.clock import parse_date
from models.plan_file import dump_plan
from models.settings import load_settings
from parsing.sources import parse_source
from workflows.demo import run_demo

app = typer.Typer(
    help="Duban (督办): work plans in, a tracked ledger of tasks out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


ledger_cmds.register(app)
excel_cmds.register(app)
app.add_typer(units_cmds.app, name="units")


class ParseFormat(StrEnum):
    table = "table"
    json = "json"
    toml = "toml"


@app.command()
@reported
def parse(
    file: Annotated[
        Path, typer.Argument(help="A work-plan document: text (UTF-8/GBK/UTF-16), HTML or DOCX.")
    ],
    format: Annotated[ParseFormat, typer.Option("--format", "-f", help="Output format.")] = ParseFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Parse a document into its numbered tasks, units and deadlines (nothing is stored)."""
    plan = parse_source(file, max_bytes=load_settings().plans.max_document_bytes)
    if format is ParseFormat.json:
        text = json.dumps(plan.public_dict(), ensure_ascii=False, indent=2)
    elif format is ParseFormat.toml:
        text = dump_plan(plan)
    else:
        text = plan_table(plan)
    emit(text, output)


@app.command()
@reported
def demo(
    plans_dir: Annotated[
        Path | None, typer.Option(help="Folder of plans (default: config plans.dir).")
    ] = None,
    database: Annotated[Path, typer.Option(help="SQLite file for the demo ledger (recreated).")] = Path(
        "var/demo.sqlite3"
    ),
    as_of: Annotated[str, typer.Option("--as-of", help="The day to look at the ledger from.")] = "2021-12-01",
) -> None:
    """Parse every plan in plans/, import the reviewed plan files into a fresh SQLite ledger, show it."""
    settings = load_settings()
    folder = plans_dir or settings.resolve(settings.plans.dir)
    day = parse_date(as_of, what="--as-of date")
    result = run_demo(folder, database, as_of=day, max_bytes=settings.plans.max_document_bytes)
    for source, plan in result.parsed:
        print(f"\n== {source.name}")
        print(plan_table(plan))
    print(f"== the ledger ({result.database}) as of {day.isoformat()}\n")
    rows = [[p.key, p.year, p.kind, p.tasks, p.done, p.overdue] for p in result.plans]
    print(render(["plan", "year", "kind", "tasks", "done", "overdue"], rows, Format.table))
    print("\noverdue:")
    rows = [
        [r.code, r.plan, " > ".join(r.path), r.title[:24], "、".join(r.lead), r.due_date]
        for r in result.overdue
    ]
    print(render(["task", "plan", "path", "title", "lead", "due"], rows, Format.table))
    print("\nunits by open tasks:")
    rows = [[c.unit, c.total, c.open, c.overdue, c.done] for c in result.units]
    print(render(["unit", "tasks", "open", "overdue", "done"], rows, Format.table))
    print(
        f"\n{len(result.parsed)} documents parsed; ledger written to {result.database}. Try:\n"
        f"  DUBAN_DATABASE_URL=sqlite:///{result.database.resolve()} .venv/bin/duban tasks --as-of {day.isoformat()}"
    )


if __name__ == "__main__":  # pragma: no cover
    app()
