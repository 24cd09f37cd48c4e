"""The refusals of the use cases: typed, each with a code and the field it is about, so every face
can word them (a page shows the message next to the field; the API returns code and field too).

They subclass the application's error classes (models.errors), so the faces' existing handlers
(HTTP status, CLI exit code) keep working. Messages are the Chinese the faces already showed.
"""

from __future__ import annotations

from models.errors import BadInput, Conflict, NotFound, PermissionDenied
from models.rules.permissions import Action


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


# The wording of a refusal, by action (Simplified Chinese, as the pages showed it).
TASK_DENIED = "无权修改任务 {code}：只有其牵头、配合单位和政务公开办可以修改"
OFFICE_ONLY = "无权操作：只有政务公开办和管理员可以进行此操作"
ADMIN_ONLY = "无权操作：只有管理员可以进行此操作"
SUMMARY_DENIED = "无权提交{unit}的总结：单位用户只能提交本单位的总结"
