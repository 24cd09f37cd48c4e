"""The `duban` command line. Each command is a thin call into the lower layers.

Imports: every command module is imported to build the app (so `duban --help` lists every command
with its Chinese help), so what a module imports at its top is paid by every command, `--help`
included. At module level a command module imports only typer, the cli helpers (context, errors,
options, output, tables), models.vocabulary, models.errors, models.clock and the standard library:
what its signatures and help need. Everything else (SQLModel and the tables, models.reads and
models.writes, workflows, parsing, openpyxl …) is imported inside the command function that uses
it, and names used only in annotations go under `if TYPE_CHECKING:`. `duban --help` then starts
without SQLAlchemy, and `duban tasks` loads the ledger's read path and nothing of the jobs, the
server or the parser. tests/test_cli_start.py checks this for --help and the reading commands.
"""

from __future__ import annotations

import inspect
import json
import sys
import typing
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.models
from typer.main import get_command_name

from cli import (
    coercion,
    deploy_cmds,
    document_cmds,
    excel_cmds,
    inbox_cmds,
    instruction_cmds,
    ledger_cmds,
    lookback_cmds,
    report_cmds,
    requests_cmds,
    restore_cmds,
    scheduler_cmds,
    units_cmds,
    web_cmds,
    workflow_cmds,
)
from cli.errors import reported
from cli.output import emit
from cli.tables import Format, render
from models.vocabulary import ACTIONS, NOTICE_KINDS, PLAN_KINDS, STATUSES, USER_ROLES, word
from models.vocabulary.i18n import N_, _

coercion.install()  # typer checks a command's values without pydantic where it can (cli/coercion.py)


def _nothing() -> None:
    """Never run: it keeps a one-command app a group (see Duban.__call__)."""


# typer makes an app of one command and no callback a bare command (no command name to type):
# beside the chosen command this hidden one keeps `duban tasks` a group with a command `tasks`.
_KEEPS_A_GROUP = typer.models.CommandInfo(name="\x00", callback=_nothing, hidden=True)


class Duban(typer.Typer):
    """The app: a run that names a command builds that command alone.

    typer turns every registered command into a click command (its signature read, each
    annotation evaluated, its options made) before it looks at the arguments: for the 46 commands
    that is ~0.1 s of every `duban tasks`. The arguments name the command to run in their first
    word (the app takes no options of its own but --help); a run whose first word is a command or
    group name builds the app with that one alone (the group of a group name with all its
    commands), which parses, runs and words its errors and its help as the whole app does: they
    never mention the other commands. Anything else (no arguments, --help, an unknown name) builds
    them all, as the help and the "No such command" suggestion list them. typer's CliRunner (the
    tests) builds the whole app.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        argv = kwargs["args"] if "args" in kwargs else args[0] if args else None
        first = (sys.argv[1:] if argv is None else list(argv))[:1]
        chosen = self._chosen(first[0]) if first else None
        _evaluate_annotations(*(chosen or (self.registered_commands, self.registered_groups)))
        if chosen is None:
            return super().__call__(*args, **kwargs)
        every = self.registered_commands, self.registered_groups
        self.registered_commands, self.registered_groups = chosen
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.registered_commands, self.registered_groups = every

    def _chosen(self, word: str) -> tuple[list[Any], list[Any]] | None:
        # Named as typer names them (typer.main.get_command_from_info, get_group_from_info); of
        # two with one name the later wins there, and a group over a command.
        groups = [g for g in self.registered_groups if g.name == word]
        if groups:
            return [], groups[-1:]
        named = [
            c
            for c in self.registered_commands
            if (c.name or (c.callback and get_command_name(c.callback.__name__))) == word
        ]
        return ([named[-1], _KEEPS_A_GROUP], []) if named else None


def _evaluate_annotations(commands: list[Any], groups: list[Any]) -> None:
    """Each command's parameter annotations evaluated once, in place, before typer reads them.

    Why: the command modules write annotations as text (`from __future__ import annotations`), and
    typer evaluates every one of them four times while it builds a command (two
    `inspect.signature(eval_str=True)` and two `typing.get_type_hints`, each compiling the text
    anew): ~1,000 compiles for `duban --help`. Evaluated here once, in the function's globals as
    typer would, they are objects typer takes as they are. The return annotation is left as text
    (typer reads none); a function whose annotations cannot be evaluated is left for typer to
    report."""
    callbacks = [c.callback for c in commands]
    for group in groups:
        instance = group.typer_instance
        if instance is not None:
            _evaluate_annotations(instance.registered_commands, instance.registered_groups)
            if instance.registered_callback is not None:
                callbacks.append(instance.registered_callback.callback)
    for callback in callbacks:
        target = inspect.unwrap(callback) if callback is not None else None
        annotations = getattr(target, "__annotations__", None)
        if not annotations or not any(isinstance(v, str) for k, v in annotations.items() if k != "return"):
            continue
        try:
            hints = typing.get_type_hints(target, include_extras=True)
        except Exception:  # typer meets the same error, and reports it
            continue
        for name, value in annotations.items():  # functools.wraps shares this dict with the wrapper
            if name != "return" and isinstance(value, str) and name in hints:
                annotations[name] = hints[name]


app = Duban(
    help=_("Duban: work plans in, a tracked ledger of tasks out."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


ledger_cmds.register(app)
instruction_cmds.register(app)
requests_cmds.register(app)
excel_cmds.register(app)
workflow_cmds.register(app)
lookback_cmds.register(app)
web_cmds.register(app)
deploy_cmds.register(app)
scheduler_cmds.register(app)
restore_cmds.register(app)
report_cmds.register(app)
inbox_cmds.register(app)
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
    from cli.render import plan_table
    from models.files.plan_file import dump_plan
    from models.settings import load_settings
    from parsing.explain import explain_document
    from parsing.sources import parse_source

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
    from cli.render import plan_table
    from models.settings import load_settings
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
    print("\n== " + _("the ledger as of {day}").format(day=day.isoformat()) + "\n")
    rows = [[p.key, p.year, word(PLAN_KINDS, p.kind), p.tasks, p.done, p.overdue] for p in result.plans]
    headers = [N_("plan"), N_("year"), N_("kind"), N_("tasks"), N_("done"), N_("overdue")]
    print(render(headers, rows, Format.table))

    def counted(counts: dict[str, int], *tables: dict[str, str]) -> str:
        named = {key: next((t[key] for t in tables if key in t), key) for key in counts}
        return _(", ").join(f"{named[k]} {v}" for k, v in sorted(counts.items()))

    print("\n" + _("what the units did: {counts}").format(counts=counted(result.actions, STATUSES, ACTIONS)))
    print(_("escalations raised: {counts}").format(counts=counted(result.escalations)))
    print(_("notices sent: {counts}").format(counts=counted(result.notices, NOTICE_KINDS)))
    print("\n== " + _("where everything went"))
    print(_("ledger        {path}").format(path=result.database))
    print(
        _("notices       {path}/ (escalation/<day>/, digest/<week>/: .md and .html per recipient)").format(
            path=result.outbox
        )
    )
    print(
        _("digests       {weeks} in {path}/digest/").format(
            weeks=", ".join(result.digest_weeks), path=result.outbox
        )
    )
    for path in result.lookback_files:
        print(_("look-back     {path}").format(path=path))
    database = result.database.resolve()
    print(
        "\n"
        + _("dashboard     {command}").format(
            command=f"DUBAN_DATABASE_URL=sqlite:///{database} .venv/bin/duban serve"
        )
    )
    for name, role, unit in result.accounts:
        print(
            "  "
            + _("account {name} role {role} {unit} password {password}").format(
                name=f"{name:7}",
                role=f"{word(USER_ROLES, role):7}",
                unit=f"{unit:10}",
                password=DEMO_PASSWORD,
            )
        )
    print(
        "\n"
        + _("Try:")
        + f"\n  DUBAN_DATABASE_URL=sqlite:///{database} .venv/bin/duban tasks --overdue --as-of {day.isoformat()}\n"
        f"  DUBAN_DATABASE_URL=sqlite:///{database} .venv/bin/duban notices --kind digest"
    )


if __name__ == "__main__":  # pragma: no cover
    app()
