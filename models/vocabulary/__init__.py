"""Every word a user reads for a stored value, defined once.

The ledger stores English values (`not_started`, `lead`, `red` …); the CLI, the pages, the digests
and notices, the workbooks and the look-back show the words below, in the language chosen by
`models.vocabulary.i18n` (Simplified Chinese unless DUBAN_LANG or `[ui] language` says English).
Keys are the stored values as plain strings, so this module imports nothing of the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping

from models.vocabulary.i18n import LANGUAGES, N_, _, in_language

# msgids, English; shown through `_()` below. Kept as msgids too so that a file written in one
# language (a 台账 workbook) can be read back under the other.
_STATUS_IDS = {
    "not_started": N_("not started"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "deferred": N_("deferred"),
    "cancelled": N_("cancelled"),
}
STATUSES: dict[str, str] = {value: _(msgid) for value, msgid in _STATUS_IDS.items()}

# The traffic light of a task on the ledger.
LIGHTS: dict[str, str] = {
    "red": _("overdue"),
    "yellow": _("due soon"),
    "green": _("on track"),
    "grey": _("ongoing/undated"),
    "done": _("closed"),
}
# The light as one colour word, for the Excel cell that is filled in that colour.
LIGHT_COLOURS: dict[str, str] = {
    "red": _("red"),
    "yellow": _("yellow"),
    "green": _("green"),
    "grey": _("grey"),
    "done": _("closed"),
}

DEADLINE_TYPES: dict[str, str] = {
    "date": _("fixed date"),
    "period_end": _("end of period"),
    "recurring": _("recurring"),
    "ongoing": _("ongoing"),
    "none": _("unspecified"),
}

RECURRENCES: dict[str, str] = {
    "weekly": _("weekly"),
    "monthly": _("monthly"),
    "quarterly": _("quarterly"),
    "half-yearly": _("half-yearly"),
    "yearly": _("yearly"),
}

# A unit's part in a task.
ROLES: dict[str, str] = {"lead": _("lead"), "support": _("support")}

# A person's role on the dashboard.
USER_ROLES: dict[str, str] = {
    "admin": _("administrator"),
    "office": _("office"),
    "unit": _("unit"),
    "leader": _("leader"),
}

# What a journal line records.
ACTIONS: dict[str, str] = {
    "import": _("import"),
    "update": _("progress report"),
    "defer": _("deferral"),
    "schedule": _("deadline set"),
    "assign": _("units changed"),
    "withdraw": _("withdrawn"),
    "merge": _("units merged"),
    "carry_over": _("carried over"),
    # 领导批示 and 催办记录 (models.writes.instructions)
    "instruct": _("leader's instruction"),
    "reply": _("reply to an instruction"),
    "chase": _("chase record"),
    "request_extension": _("extension requested"),
    "request_completion": _("completion submitted"),
    "approve_extension": _("extension approved"),
    "reject_extension": _("extension rejected"),
    "signoff": _("signed off"),
    "return": _("returned"),
    "cancel": _("cancelled by the office"),
    "acknowledge": _("acknowledged"),
    "report": _("periodic report"),
}

# A request of the 督办 lifecycle (models.storage.tables.TaskRequest): its kind and where it stands.
REQUEST_KINDS: dict[str, str] = {"extension": _("extension request"), "completion": _("completion request")}
REQUEST_STATES: dict[str, str] = {
    "pending": _("pending"),
    "approved": _("approved"),
    "rejected": _("rejected"),
    "withdrawn": _("withdrawn"),
}
# What a task shows while a request is pending (no status of its own: the task's status stands).
PENDING_LABELS: dict[str, str] = {
    "extension": _("extension awaiting approval"),
    "completion": _("completion awaiting review"),
}

# The fields of a task a journal line names.
FIELDS: dict[str, str] = {
    "status": _("status"),
    "progress": _("progress"),
    "due_date": _("due date"),
    "deadline_type": _("deadline type"),
    "title": _("title"),
    "body": _("text"),
    "created": _("created"),
    "withdrawn": _("withdrawn"),
    "units": _("responsible units"),
    # A re-import's preview names the deadline as one field, and the plan's other parts.
    "deadline": _("deadline"),
    "section": _("part of the plan"),
    "units_open_ended": _("other units unnamed"),
    "request": _("request"),
}

# Where a point of a plan stands: the tracked work, or the plan's general parts.
SECTIONS: dict[str, str] = {
    "tasks": _("work tasks"),
    "requirements": _("general requirements"),
    "safeguards": _("safeguards"),
}

PLAN_KINDS: dict[str, str] = {"plan": _("plan"), "report": _("report")}

# The look-back puts every task in one category.
CATEGORIES: dict[str, str] = {
    "done": _("done"),
    "overdue": _("overdue, unfinished"),
    "ongoing": _("ongoing"),
    "in_progress": _("in progress"),
    "not_started": _("not started"),
    "cancelled": _("cancelled"),
}

NOTICE_KINDS: dict[str, str] = {
    "escalation": _("escalation"),
    "digest": _("weekly digest"),
    "lookback": _("look-back"),
    "lifecycle": _("requests and decisions"),
    "instruction": _("leader's instruction"),
}

# 序时进度: the pace light (models.rules.pace) beside the due-date light.
PACE_LIGHTS: dict[str, str] = {
    "green": _("on pace"),
    "yellow": _("behind pace"),
    "red": _("far behind pace"),
    "grey": _("no pace"),
    "done": _("closed"),
}

# How the office reached a unit when it chased by hand (催办记录).
CHASE_METHODS: dict[str, str] = {
    "phone": _("phone"),
    "wechat": _("WeChat"),
    "visit": _("visit"),
    "other": _("other"),
}

# Who a notice goes to, beside the units themselves.
RECIPIENTS: dict[str, str] = {"office": _("the office")}

SORTS: dict[str, str] = {"due": _("due date"), "plan": _("plan"), "status": _("status"), "code": _("task id")}


def word(table: Mapping[str, str], value: object) -> str:
    """The word for a stored value (an enum member or its string); the value itself if it has none."""
    key = getattr(value, "value", value)
    return table.get(str(key), str(key)) if key is not None else ""


def status_from_word(text: str) -> str | None:
    """A status as a person may write it: the stored value, or its word in any language."""
    cleaned = text.strip()
    for value, msgid in _STATUS_IDS.items():
        if cleaned in {value, msgid, *(in_language(msgid, language) for language in LANGUAGES)}:
            return value
    return None


__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "CHASE_METHODS",
    "DEADLINE_TYPES",
    "FIELDS",
    "LIGHTS",
    "LIGHT_COLOURS",
    "NOTICE_KINDS",
    "PACE_LIGHTS",
    "PENDING_LABELS",
    "PLAN_KINDS",
    "RECIPIENTS",
    "RECURRENCES",
    "REQUEST_KINDS",
    "REQUEST_STATES",
    "ROLES",
    "SECTIONS",
    "SORTS",
    "STATUSES",
    "USER_ROLES",
    "_",
    "status_from_word",
    "word",
]
