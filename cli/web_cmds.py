"""`duban serve` and `duban user`: the dashboard and its local accounts."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from cli.tables import Format, render
from models.errors import BadInput
from models.vocabulary import USER_ROLES, word
from models.vocabulary.i18n import N_, _

users = typer.Typer(
    help=_("Local accounts of the dashboard (roles: admin, office, unit, leader)."), no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command(name="serve")(reported(serve))
    app.add_typer(users, name="user")


def serve(
    host: Annotated[
        str | None, typer.Option(help=_("Address to listen on (default: dashboard.host)."))
    ] = None,
    port: Annotated[int | None, typer.Option(help=_("Port (default: dashboard.port)."))] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help=_(
                "Server processes. More than one uses more cores for many concurrent users; the "
                "failed-login count is then kept per process."
            ),
        ),
    ] = 1,
) -> None:
    """Start the web dashboard on the configured ledger."""
    import uvicorn

    settings = context.settings()
    context.ledger().dispose()  # open (and migrate) the ledger now: a bad URL is one clear line, not a traceback
    chosen_host, chosen_port = host or settings.dashboard.host, port or settings.dashboard.port
    processes = _(", {count} processes").format(count=workers) if workers > 1 else ""
    print(
        _("dashboard on http://{host}:{port}/{processes} (Ctrl-C to stop)").format(
            host=chosen_host, port=chosen_port, processes=processes
        )
    )
    # By name, with a factory: the CLI and the dashboard are sibling layers and do not import each other.
    uvicorn.run(
        "dashboard.app:create_app",
        factory=True,
        host=chosen_host,
        port=chosen_port,
        workers=workers,
        log_level="warning",
    )


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(_("password: "))
    if getpass.getpass(_("again: ")) != first:
        raise BadInput(_("the two passwords differ"))
    return first


@users.command("add")
@reported
def user_add(
    name: Annotated[str, typer.Argument(help=_("Login name."))],
    role: Annotated[str, typer.Option(help=_("admin, office, unit or leader."))],
    unit: Annotated[
        str | None, typer.Option(help=_("For unit users: the unit whose tasks they update."))
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help=_("Read the password from stdin instead of asking."))
    ] = False,
) -> None:
    """Create an account (the password is asked twice, or read from stdin)."""
    from workflows.use_cases.users import add_user

    password = _password(password_stdin)
    user = add_user(context.ledger(), context.operator(), name, role=role, unit=unit, password=password)
    print(
        _("user {name} ({role}) created").format(
            name=user.name, role=word(USER_ROLES, user.role) + ("、" + unit if unit else "")
        )
    )


@users.command("passwd")
@reported
def user_passwd(
    name: Annotated[str, typer.Argument(help=_("Login name."))],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help=_("Read the password from stdin."))
    ] = False,
) -> None:
    """Set a new password (and sign the account out of every dashboard session)."""
    from workflows.use_cases.users import set_password

    password = _password(password_stdin)
    set_password(context.ledger(), context.operator(), name, password)
    print(_("password of {name} changed; its dashboard sessions ended").format(name=name))


@users.command("deactivate")
@reported
def user_deactivate(name: Annotated[str, typer.Argument(help=_("Login name."))]) -> None:
    """Refuse an account's logins and end its dashboard sessions (its history is kept)."""
    from workflows.use_cases.users import set_active

    set_active(context.ledger(), context.operator(), name, False)
    print(_("user {name} deactivated; its dashboard sessions ended").format(name=name))


@users.command("activate")
@reported
def user_activate(name: Annotated[str, typer.Argument(help=_("Login name."))]) -> None:
    """Allow a deactivated account to log in again."""
    from workflows.use_cases.users import set_active

    set_active(context.ledger(), context.operator(), name, True)
    print(_("user {name} activated").format(name=name))


@users.command("list")
@reported
def user_list(fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table) -> None:
    """The accounts, their roles and units."""
    from models.reads.users import list_users
    from workflows.use_cases.ledger import read_session

    with read_session(context.ledger()) as session:
        rows = [
            [u.name, word(USER_ROLES, u.role), unit, _("yes") if u.active else _("no")]
            if fmt is Format.table
            else [u.name, u.role, unit, "yes" if u.active else "no"]
            for u, unit in list_users(session)
        ]
    print(render([N_("name"), N_("role"), N_("unit"), N_("active")], rows, fmt))
