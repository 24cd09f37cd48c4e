"""The refusals of the use cases: typed, each with a code and the field it is about, so every face
can word them (a page shows the message next to the field; the API returns code and field too).

They subclass the application's error classes (models.errors), so the faces' existing handlers
(HTTP status, CLI exit code) keep working. Messages come from the catalog (the Chinese the faces already showed).
"""

from __future__ import annotations

from models.errors import BadInput, Conflict, NotFound, PermissionDenied
from models.rules.permissions import Action
from models.vocabulary import _


class Denied(PermissionDenied):
    """The permission table refuses this actor this action (on this task)."""

    def __init__(self, message: str, *, action: Action, code: str = "denied", field: str = "") -> None:
        self.action = action
        self.code = code
        self.field = field
        super().__init__(message)


class Invalid(BadInput):
    """A value a use case cannot take; `field` names it (status, progress, to, reason …)."""

    def __init__(self, problem: str, *, code: str, field: str = "", source: str | None = None) -> None:
        self.code = code
        self.field = field
        super().__init__(problem, source=source)

    @property
    def message(self) -> str:
        # A form value or an option, not a file: no "<input>:" in front of the problem.
        return super().message if self.source else self.problem


class Stale(Conflict):
    """A write against a version someone else changed since it was read."""

    code = "stale"
    field = "version"


class Missing(NotFound):
    code = "not_found"
    field = ""


# The wording of a refusal, by action.
TASK_DENIED = _("no right to change task {code}: only its lead and supporting units and the office may")
OFFICE_ONLY = _("not allowed: only the office and administrators may do this")
ADMIN_ONLY = _("not allowed: only administrators may do this")
SUMMARY_DENIED = _("no right to submit the summary of {unit}: a unit user submits only their own unit's")
