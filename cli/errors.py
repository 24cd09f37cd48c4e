"""Mapping Duban's exceptions to one line on stderr and an exit code, once for every command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from models.errors import BadInput, DubanError

P = ParamSpec("P")
R = TypeVar("R")


def reported(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command; a DubanError becomes `error: <message>` and its exit code, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DubanError as error:
            message = error.message if isinstance(error, BadInput) else str(error)
            print(f"error: {message}", file=sys.stderr)
            raise typer.Exit(error.exit_code) from None

    return wrapper
