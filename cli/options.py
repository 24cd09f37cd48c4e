"""Options several commands share, declared once so their names and help never drift apart."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.tables import Format

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Date to judge due dates by (YYYY-MM-DD; default today).")
]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
Actor = Annotated[str, typer.Option("--as", help="Who makes the change: a unit or a user name (journalled).")]
PlanFilter = Annotated[
    str | None, typer.Option("--plan", help="Only this plan (its key, see `duban plans`).")
]
UnitFilter = Annotated[str | None, typer.Option("--unit", help="Only tasks this unit leads or supports.")]
OverdueFilter = Annotated[bool, typer.Option("--overdue", help="Only overdue tasks.")]
DueWithinFilter = Annotated[
    int | None, typer.Option("--due-within", help="Only open tasks due within this many days.")
]
SortOption = Annotated[
    str | None, typer.Option("--sort", help="Order: due, plan (each plan's own order), status or code.")
]
