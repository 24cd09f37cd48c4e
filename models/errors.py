"""One exception hierarchy for the whole application.

Every layer raises these; the CLI (and later the dashboard) maps them once to a message and an
exit code or HTTP status, so no caller needs to know where an error came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


class DubanError(Exception):
    """Base of every error Duban reports to a user.

    An error raised with a `code` (`task.defer.reason_required`) names the `field` it is about and
    the values it quotes (`params`), never a face's words: each face words it through
    `models.vocabulary.errors.describe`, naming the field its own way (a CLI flag, a form label).
    `str(error)` is the default wording."""

    exit_code = 1
    # Defaults a subclass may set (workflows/use_cases/errors); an instance's own code wins.
    code: str | None = None
    field: str | tuple[str, ...] | None = None

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        field: str | tuple[str, ...] | None = None,
        **params: object,
    ) -> None:
        if code is not None:
            self.code = code
        if field is not None:
            self.field = field
        self.params = params
        super().__init__(message or self._worded({}))

    def _worded(self, names: Mapping[str, str]) -> str:
        from models.vocabulary.errors import describe

        return describe(self.code, self.field, self.params, names) if self.code else ""

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """The message, with fields named as `names` has them (a face's own words)."""
        from models.vocabulary.errors import MESSAGES

        if self.code not in MESSAGES:  # uncoded, or worded where it was raised (the use cases)
            return self.message if isinstance(self, BadInput) else str(self)
        text = self._worded(names or {})
        return f"{self._where()}: {text}" if isinstance(self, BadInput) and self._where() else text


class BadInput(DubanError):
    """Input that cannot be used: names the file, the line (when known) and the problem."""

    exit_code = 2

    def __init__(
        self,
        problem: str = "",
        *,
        source: str | Path | None = None,
        line: int | None = None,
        code: str | None = None,
        field: str | tuple[str, ...] | None = None,
        **params: object,
    ) -> None:
        self.source = str(source) if source is not None else None
        self.line = line
        if code is not None:
            self.code = code
        if field is not None:
            self.field = field
        self.params = params
        self.problem = problem or self._worded({})
        Exception.__init__(self, self.message)

    def _where(self) -> str:  # the file and line, when the input came from one
        if self.source is None:
            return ""
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    @property
    def message(self) -> str:
        if self.source is None:  # a value typed in (an option, a form field): no file to name
            return self.problem
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
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
