"""One exception hierarchy for the whole application.

Every layer raises these; the CLI (and later the dashboard) maps them once to a message and an
exit code or HTTP status, so no caller needs to know where an error came from.
"""

from __future__ import annotations

from pathlib import Path


class DubanError(Exception):
    """Base of every error Duban reports to a user."""

    exit_code = 1


class BadInput(DubanError):
    """Input that cannot be used: names the file, the line (when known) and the problem."""

    exit_code = 2

    def __init__(self, problem: str, *, source: str | Path | None = None, line: int | None = None) -> None:
        self.problem = problem
        self.source = str(source) if source is not None else None
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.problem}"


class NotFound(DubanError):
    """A task, plan, unit or user that does not exist."""

    exit_code = 3


class Conflict(DubanError):
    """A write against a stale version, or a rule that forbids the change."""

    exit_code = 4


class PermissionDenied(DubanError):
    """The acting user may not do this."""

    exit_code = 5
