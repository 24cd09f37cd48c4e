"""The `duban` command line. Each command is a thin call into the lower layers."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import ledger_cmds, units_cmds
from cli.errors import reported
from cli.output import emit
from cli.render import plan_table
from models.plan_file import dump_plan
from models.settings import load_settings
from parsing.sources import parse_source, plan_sources

app = typer.Typer(
    help="Duban (督办): work plans in, a tracked ledger of tasks out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


ledger_cmds.register(app)
app.add_typer(units_cmds.app, name="units")


class ParseFormat(StrEnum):
    table = "table"
    json = "json"
    toml = "toml"


@app.command()
@reported
def parse(
    file: Annotated[Path, typer.Argument(help="A work-plan document: text (UTF-8/GBK/UTF-16), HTML or DOCX.")],
    format: Annotated[ParseFormat, typer.Option("--format", "-f", help="Output format.")] = ParseFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
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
    plans_dir: Annotated[Path | None, typer.Option(help="Folder of source documents (default: config plans.dir).")] = None,
) -> None:
    """Parse every source document in the plans folder and print its ledger."""
    settings = load_settings()
    folder = plans_dir or settings.resolve(settings.plans.dir)
    sources = plan_sources(folder)
    for source in sources:
        plan = parse_source(source, max_bytes=settings.plans.max_document_bytes)
        print(f"== {source.name}")
        print(plan_table(plan))
    print(f"{len(sources)} documents parsed from {folder}")


if __name__ == "__main__":  # pragma: no cover
    app()
