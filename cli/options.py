"""Options several commands share, declared once so their names and help never drift apart."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.tables import Format
from models.vocabulary.i18n import _

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help=_("Date to judge due dates by (2021-03-31, 2021/3/31, 2021年3月31日; default today)."),
    ),
]
Fmt = Annotated[Format, typer.Option("--format", "-f", help=_("Output format."))]
Actor = Annotated[
    str, typer.Option("--as", help=_("Who makes the change: a unit or a user name (journalled)."))
]
PlanFilter = Annotated[
    str | None, typer.Option("--plan", help=_("Only this plan (its key, see `duban plans`)."))
]
UnitFilter = Annotated[str | None, typer.Option("--unit", help=_("Only tasks this unit leads or supports."))]
OverdueFilter = Annotated[bool, typer.Option("--overdue", help=_("Only overdue tasks."))]
DueWithinFilter = Annotated[
    int | None, typer.Option("--due-within", help=_("Only open tasks due within this many days."))
]
SortOption = Annotated[
    str | None, typer.Option("--sort", help=_("Order: due, plan (each plan's own order), status or code."))
]
