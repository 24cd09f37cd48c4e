"""`duban units`: the registry, names awaiting review, and merging an alias into a unit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from cli.options import Actor
from cli.tables import Format, render
from models.vocabulary.i18n import N_, _

app = typer.Typer(
    help=_("The unit registry: list units, review unknown names, merge aliases."), no_args_is_help=False
)


@app.callback(invoke_without_command=True)
@reported
def units(
    ctx: typer.Context,
    unresolved: Annotated[
        bool, typer.Option("--unresolved", help=_("Only names found in documents that match no unit."))
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """List the units (with their aliases)."""

    from models.reads import units as registry
    from workflows.use_cases.ledger import read_session

    if ctx.invoked_subcommand is not None:
        return
    with read_session(context.ledger()) as session:
        chosen = registry.unresolved(session) if unresolved else registry.all_units(session)
        aliases = registry.aliases_by_unit(session)
        rows = [
            [
                u.name,
                "、".join(aliases.get(u.id, [])),
                u.kind,
                u.leader,
                _("unresolved") if u.provisional else "",
            ]
            for u in chosen
        ]  # type: ignore[arg-type]
    print(render([N_("unit"), N_("aliases"), N_("kind"), N_("leader"), N_("state")], rows, fmt))


@app.command()
@reported
def merge(
    alias: Annotated[
        str, typer.Argument(help=_("The other name (e.g. an unresolved name from a document)."))
    ],
    canonical: Annotated[str, typer.Argument(help=_("The registered unit it stands for."))],
    actor: Actor = "office",
) -> None:
    """Record ALIAS as another name of CANONICAL; tasks assigned to the alias move to the unit."""
    from workflows.use_cases.units import merge_units

    merged = merge_units(context.ledger(), context.actor(actor), alias, canonical)
    print(f"{alias} -> {merged.unit}")


@app.command(name="load")
@reported
def load(
    path: Annotated[
        Path, typer.Argument(help=_("A units file: [[units]] name, aliases, kind, leader, channels."))
    ],
) -> None:
    """Add or update registry units from a TOML file (e.g. plans/units.toml)."""
    from workflows.use_cases.units import load_units

    count = load_units(context.ledger(), context.operator(), path)
    print(_("{count} units loaded from {path}").format(count=count, path=path))
