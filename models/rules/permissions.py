"""Who may do what: the per-role permission table and the status transitions, in one place.

Every use case (workflows/use_cases) asks this table before it writes, and every face (CLI, pages,
API, scheduler, flows, demo) goes through a use case, so no face decides on its own. Pure: the
caller states the actor's role and, for actions on a task, whether the actor's unit is assigned to
it (`own`); nothing here reads the database.

The table is the home of the 督办 lifecycle too: a new step (签收, 延期申请 and its approval, 办结审核,
退回, 批示) is a new Action row and, where it moves a task's status, a transition row below.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Role(StrEnum):
    """Who acts. The first four are the dashboard's account roles (models.storage.tables.UserRole);
    SYSTEM is a job (the scheduler, a Prefect flow, the demo's script)."""

    ADMIN = "admin"
    OFFICE = "office"  # 政务公开办 / 督查室: runs the ledger
    LEADER = "leader"  # reads, and (next issue) writes 批示
    UNIT = "unit"  # a 承办单位's clerk, bound to one unit
    SYSTEM = "system"


class Action(StrEnum):
    """One thing a person or a job does (one use case each)."""

    VIEW = "view"  # read the ledger, the overview, the look-back page and downloads
    IMPORT_PLAN = "import_plan"  # documents / reviewed plan files into the ledger
    IMPORT_WORKBOOK = "import_workbook"  # a 台账 workbook a unit filled in
    EXPORT_WORKBOOK = "export_workbook"
    UPDATE_TASK = "update_task"  # status, progress, note, evidence
    DEFER_TASK = "defer_task"  # a new due date with its reason
    SCHEDULE_TASK = "schedule_task"  # a due date for an undated point, or 长期坚持
    ASSIGN_UNIT = "assign_unit"  # add, change or remove a task's unit
    BACKDATE = "backdate"  # name the business day a change is journalled for
    MERGE_UNITS = "merge_units"  # an unresolved name into a registered unit
    LOAD_UNITS = "load_units"  # the registry from a units file
    ESCALATE = "escalate"
    DIGEST = "digest"
    SEND_NOTICES = "send_notices"
    LOOK_BACK = "look_back"  # write the look-back files (and carry unfinished items over)
    SUBMIT_SUMMARY = "submit_summary"  # a unit's 落实情况总结 of its year
    ISSUE_BULLETIN = "issue_bulletin"  # 督办通知书 / 通报
    RENAME_PLAN = "rename_plan"  # a plan's short name, as people call it
    MANAGE_USERS = "manage_users"
    # The 督办 lifecycle (migration 0006): units ask, the office decides.
    ACKNOWLEDGE = "acknowledge"  # 签收: the unit takes the task on
    SUBMIT_REPORT = "submit_report"  # 报送: a periodic report (a supporting unit's goes to the lead)
    REQUEST_EXTENSION = "request_extension"  # 延期申请: new date, reason, progress
    DECIDE_EXTENSION = "decide_extension"  # 审批: approve or reject with a comment
    REQUEST_COMPLETION = "request_completion"  # 办结申请: summary and evidence
    REVIEW_COMPLETION = "review_completion"  # 办结审核: 销号 (sign off) or 退回 (return)
    CANCEL_TASK = "cancel_task"  # only the office cancels, with a reason
    WRITE_INSTRUCTION = "write_instruction"  # 领导批示
    REPLY_INSTRUCTION = "reply_instruction"  # a unit answers a 批示
    RECORD_CHASE = "record_chase"  # 催办记录: phone, WeChat, visit
    BACKUP = "backup"
    RESTORE = "restore"


class Grant(StrEnum):
    YES = "yes"
    OWN_UNIT = "own_unit"  # only on tasks (or summaries) of the actor's own unit
    NO = "no"


Y, OWN, N = Grant.YES, Grant.OWN_UNIT, Grant.NO

# Rows: actions; columns: admin, office, leader, unit, system. A missing cell is NO.
_COLUMNS = (Role.ADMIN, Role.OFFICE, Role.LEADER, Role.UNIT, Role.SYSTEM)
_ROWS: dict[Action, tuple[Grant, Grant, Grant, Grant, Grant]] = {
    Action.VIEW: (Y, Y, Y, Y, Y),
    Action.IMPORT_PLAN: (Y, Y, N, N, Y),
    Action.IMPORT_WORKBOOK: (Y, Y, N, OWN, Y),
    Action.EXPORT_WORKBOOK: (Y, Y, Y, Y, Y),
    Action.UPDATE_TASK: (Y, Y, N, OWN, Y),
    # A unit asks (REQUEST_EXTENSION) and the office decides: it no longer moves its own dates.
    Action.DEFER_TASK: (Y, Y, N, N, Y),
    Action.SCHEDULE_TASK: (Y, Y, N, N, Y),
    Action.ASSIGN_UNIT: (Y, Y, N, N, Y),
    Action.BACKDATE: (Y, Y, N, N, Y),
    Action.MERGE_UNITS: (Y, Y, N, N, Y),
    Action.LOAD_UNITS: (Y, Y, N, N, Y),
    Action.ESCALATE: (Y, Y, N, N, Y),
    Action.DIGEST: (Y, Y, N, N, Y),
    Action.SEND_NOTICES: (Y, Y, N, N, Y),
    Action.LOOK_BACK: (Y, Y, N, N, Y),
    Action.SUBMIT_SUMMARY: (Y, Y, N, OWN, Y),
    Action.ISSUE_BULLETIN: (Y, Y, N, N, Y),
    Action.RENAME_PLAN: (Y, Y, N, N, Y),
    Action.MANAGE_USERS: (Y, N, N, N, N),
    Action.ACKNOWLEDGE: (Y, Y, N, OWN, N),
    Action.SUBMIT_REPORT: (Y, Y, N, OWN, N),
    Action.REQUEST_EXTENSION: (Y, Y, N, OWN, N),
    Action.DECIDE_EXTENSION: (Y, Y, N, N, N),
    Action.REQUEST_COMPLETION: (Y, Y, N, OWN, N),
    Action.REVIEW_COMPLETION: (Y, Y, N, N, N),
    Action.CANCEL_TASK: (Y, Y, N, N, N),
    Action.WRITE_INSTRUCTION: (Y, N, Y, N, N),
    Action.REPLY_INSTRUCTION: (Y, Y, N, OWN, N),
    Action.RECORD_CHASE: (Y, Y, N, N, N),
    Action.BACKUP: (Y, Y, N, N, Y),
    Action.RESTORE: (Y, N, N, N, N),
}
PERMISSIONS: Mapping[tuple[Role, Action], Grant] = {
    (role, action): grants[index] for action, grants in _ROWS.items() for index, role in enumerate(_COLUMNS)
}


def grant(role: Role | str, action: Action) -> Grant:
    """The cell of the table (NO for a role or action it does not know)."""
    try:
        return PERMISSIONS.get((Role(role), action), Grant.NO)
    except ValueError:
        return Grant.NO


def allowed(role: Role | str, action: Action, *, own: bool | None = None) -> bool:
    """Whether `role` may do `action`. For an OWN_UNIT grant, `own` says whether the thing acted
    on belongs to the actor's unit; None (not known, e.g. before a task is named) counts as the
    action being open to the role at all — the use case asks again with the task."""
    cell = grant(role, action)
    if cell is Grant.OWN_UNIT:
        return own is None or own
    return cell is Grant.YES


def roles_allowed(action: Action) -> list[Role]:
    """The roles with any grant for `action` (for help texts and refusals)."""
    return [role for role in _COLUMNS if grant(role, action) is not Grant.NO]


# --- Status transitions ----------------------------------------------------------------------

# The statuses of a task (models.storage.tables.TaskStatus, restated: this module imports no storage).
STATUSES = ("not_started", "in_progress", "done", "deferred", "cancelled")


# role -> current status -> the statuses that role may set through an update (models.writes.ledger).
# `cancelled` is reached only through the cancel action (the office, with a reason), never by an
# update, so it is in no row. `done` and `deferred` are the office's decisions: a unit reaches them
# by asking (办结申请, 延期申请) and the office signing off or approving. A unit moves its open task
# between 未开始 and 办理中 only, and never reopens a closed one; leaders update nothing.
_OFFICE_SETS = ("not_started", "in_progress", "done", "deferred")
_UNIT_SETS = frozenset({"not_started", "in_progress"})
_OPEN = ("not_started", "in_progress", "deferred")


def _office_rows() -> dict[str, frozenset[str]]:
    return {old: frozenset(_OFFICE_SETS) for old in STATUSES}


TRANSITIONS: Mapping[Role, Mapping[str, frozenset[str]]] = {
    Role.ADMIN: _office_rows(),
    Role.OFFICE: _office_rows(),
    Role.UNIT: {old: _UNIT_SETS for old in _OPEN},
    Role.SYSTEM: _office_rows(),  # the jobs and the demo's script play the office
    Role.LEADER: {},
}


def may_set_status(role: Role | str, old: str, new: str) -> bool:
    """Whether `role` may move a task from status `old` to `new` (staying put is always allowed)."""
    if old == new:
        return True
    try:
        rows = TRANSITIONS.get(Role(role), {})
    except ValueError:
        return False
    return new in rows.get(old, frozenset())
