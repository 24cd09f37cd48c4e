"""The `duban` command line. Each command is a thin call into the lower layers."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import (
    deploy_cmds,
    document_cmds,
    excel_cmds,
    ledger_cmds,
    lookback_cmds,
    restore_cmds,
    scheduler_cmds,
    units_cmds,
    web_cmds,
    workflow_cmds,
)
from cli.errors import reported
from cli.output import emit
from cli.render import plan_table
from cli.tables import Format, render
from models.files.plan_file import dump_plan
from models.settings import load_settings
from models.vocabulary.i18n import _
from parsing.explain import explain_document
from parsing.sources import parse_source

app = typer.Typer(
    help=_("Duban (督办): work plans in, a tracked ledger of tasks out."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


ledger_cmds.register(app)
excel_cmds.register(app)
workflow_cmds.register(app)
lookback_cmds.register(app)
web_cmds.register(app)
deploy_cmds.register(app)
scheduler_cmds.register(app)
restore_cmds.register(app)
app.add_typer(units_cmds.app, name="units")
app.add_typer(document_cmds.app, name="document")


class ParseFormat(StrEnum):
    table = "table"
    json = "json"
    toml = "toml"


@app.command()
@reported
def parse(
    file: Annotated[
        Path, typer.Argument(help=_("A work-plan document: text (UTF-8/GBK/UTF-16), HTML or DOCX."))
    ],
    format: Annotated[
        ParseFormat, typer.Option("--format", "-f", help=_("Output format."))
    ] = ParseFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Write to this file instead of stdout."))
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help=_("Say, line by line, why each line became a point, a unit, a deadline or noise."),
        ),
    ] = False,
) -> None:
    """Parse a document into its numbered tasks, units and deadlines (nothing is stored)."""
    settings = load_settings()
    if explain:
        emit(
            explain_document(
                file, max_bytes=settings.plans.max_document_bytes, archive_limits=settings.archives
            ),
            output,
        )
        return
    plan = parse_source(file, max_bytes=settings.plans.max_document_bytes, archive_limits=settings.archives)
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
        Path | None, typer.Option(help=_("Folder of plans (default: config plans.dir)."))
    ] = None,
    folder: Annotated[
        Path, typer.Option(help=_("Where the demo writes its ledger, outbox and look-back (recreated)."))
    ] = Path("var/demo"),
    year: Annotated[int, typer.Option(help=_("The plan year to walk through."))] = 2021,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_("Skip the parsed plans' tables."))] = False,
) -> None:
    """Parse every plan, import the reviewed files into a fresh SQLite ledger, then walk the plan year:
    progress reports, deferrals, daily escalation, four weekly digests and the look-back."""
    from workflows.demo import DEMO_PASSWORD, run_demo

    settings = load_settings()
    folder_of_plans = plans_dir or settings.resolve(settings.plans.dir)
    result = run_demo(
        folder_of_plans, folder, settings=settings, year=year, progress=lambda line: print(f"  {line}")
    )
    if not quiet:
        for source, plan in result.parsed:
            print(f"\n== {source.name}")
            print(plan_table(plan))
    day = result.lookback_day
    print(f"\n== the ledger as of {day.isoformat()}\n")
    rows = [[p.key, p.year, p.kind, p.tasks, p.done, p.overdue] for p in result.plans]
    print(render(["plan", "year", "kind", "tasks", "done", "overdue"], rows, Format.table))
    print("\nwhat the units did:", ", ".join(f"{k} {v}" for k, v in sorted(result.actions.items())))
    print("escalations raised:", ", ".join(f"{k} {v}" for k, v in sorted(result.escalations.items())))
    print("notices sent:", ", ".join(f"{k} {v}" for k, v in sorted(result.notices.items())))
    print("\n== where everything went")
    print(f"ledger        {result.database}")
    print(f"notices       {result.outbox}/ (escalation/<day>/, digest/<week>/: .md and .html per recipient)")
    print(f"digests       {', '.join(result.digest_weeks)} in {result.outbox}/digest/")
    for path in result.lookback_files:
        print(f"look-back     {path}")
    database = result.database.resolve()
    print(f"\ndashboard     DUBAN_DATABASE_URL=sqlite:///{database} .venv/bin/duban serve")
    for name, role, unit in result.accounts:
        print(f"  account {name:7} role {role:7} {unit:10} password {DEMO_PASSWORD}")
    print(
        f"\nTry:\n  DUBAN_DATABASE_URL=sqlite:///{database} .venv/bin/duban tasks --overdue --as-of {day.isoformat()}\n"
        f"  DUBAN_DATABASE_URL=sqlite:///{database} .venv/bin/duban notices --kind digest"
    )


if __name__ == "__main__":  # pragma: no cover
    app()
