"""Mapping Duban's exceptions to one line on stderr and an exit code, once for every command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from cli.i18n import command_help, localise_click
from models.errors import DubanError
from models.vocabulary.i18n import _

P = ParamSpec("P")
R = TypeVar("R")

# A coded error names a field; on the command line that field is the flag a user types.
FLAGS = {
    "status": "--status",
    "progress": "--progress",
    "note": "--note",
    "evidence": "--evidence",
    "reason": "--reason",
    "version": "--version",
    "due_within": "--due-within",
    "unit": "--unit",
    "lead": "--lead",
    "support": "--support",
    "remove": "--remove",
    "to": "--to",
    "role": "--role",
    "text": "--text",
    "comment": "--comment",
    "summary": "--summary",
}

localise_click()  # every command passes through here before typer first formats a word


def error_line(error: DubanError) -> str:
    """`错误：<message>`, the fields named by their flags."""
    return _("error: {message}").format(message=error.describe(FLAGS))


def reported(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command; a DubanError becomes `error: <message>` and its exit code, no traceback.
    The command's help (its docstring) is given in the chosen language."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DubanError as error:
            print(error_line(error), file=sys.stderr)
            raise typer.Exit(error.exit_code) from None

    wrapper.__doc__ = command_help(command)
    return wrapper
