"""What a coded error says. The domain raises an error with a code, the field it is about and the
values it names; each face words it through this table, naming the field its own way (the CLI by
its flag, a page by its form label, the default by the field's word in FIELD_NAMES)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.vocabulary import FIELDS, STATUSES, USER_ROLES
from models.vocabulary.i18n import _

# `{field}` is the field as the face names it; the other placeholders are the error's params.
MESSAGES: dict[str, str] = {
    "task.not_found": _("no task {task}"),
    "plan.not_found": _("no plan {plan}"),
    "unit.not_found": _("no unit named {unit}{suggestion}"),
    "user.not_found": _("no user {user}"),
    "task.status.unknown": _("unknown status {value} for {field}: one of {choices}"),
    "task.progress.out_of_range": _("{field} must be between 0 and 100, not {value}"),
    "task.update.nothing": _("nothing to update: give {field}"),
    "task.defer.reason_required": _("a deferral needs a reason ({field})"),
    "task.assign.not_assigned": _("{unit} is not assigned to {task}"),
    "task.assign.one_choice": _("give exactly one of {field}"),
    "task.version.stale": _(
        "task {task} was changed by someone else since version {version}: reload it and try again"
    ),
    "task.permission_denied": _(
        "you may not change task {task}: only its lead and supporting units and the office may"
    ),
    "filter.due_within.negative": _("{field} takes a number of days, 0 or more"),
    "user.unit_required": _("a unit user needs {field} (the unit whose tasks they update)"),
    "user.name_required": _("a user needs a name ({field})"),
    "user.role.unknown": _("unknown role {value} for {field}: one of {choices}"),
    "user.unit_not_allowed": _("only unit users belong to a unit ({field}), not {role} users"),
    "user.password.too_short": _("the password must have at least {min} characters"),
    "user.exists": _("a user named {user} exists already"),
    "summary.empty": _("the summary is empty"),
    "plan.duplicate.document": _(
        "{source}: this document was imported already as plan {plan} (same checksum); "
        "to bring in a new version, import it under {plan}"
    ),
    "plan.duplicate.number": _(
        "{source}: a document with this title and number {number} was imported already as plan {plan}; "
        "to bring in a new version, import it under {plan}"
    ),
    "plan.short_name.too_long": _("{field} is {count} characters long: at most {limit}"),
    "plan.none_for_year": _(
        "no plans for {year} in the ledger (see `duban plans`; a plan's year comes from its file)"
    ),
    "lookback.scope": _("give exactly one of {field} for the look-back"),
    "request.not_found": _("no request {request}"),
    "request.decided": _("request {request} has been decided already: reload it and see the decision"),
}

# The default name of each field an error can be about (a page or the CLI may name it otherwise).
FIELD_NAMES: dict[str, str] = {
    **FIELDS,
    "note": _("progress note"),
    "evidence": _("evidence"),
    "reason": _("reason"),
    "version": _("version"),
    "due_within": _("due within (days)"),
    "unit": _("unit"),
    "lead": _("lead unit"),
    "support": _("supporting unit"),
    "remove": _("unit to remove"),
    "name": _("login name"),
    "role": _("role"),
    "password": _("password"),
    "short_name": _("short name"),
    "plan": _("plan"),
    "year": _("year"),
}


def field_list(fields: tuple[str, ...] | list[str], names: Mapping[str, str]) -> str:
    """Several fields as one phrase: `--status, --progress or --note` / `状态、进度或进展情况`."""
    named = [names.get(name) or FIELD_NAMES.get(name, name) for name in fields]
    if len(named) < 2:
        return "".join(named)
    return _("{first} or {last}").format(first=_(", ").join(named[:-1]), last=named[-1])


def describe(
    code: str,
    field: str | tuple[str, ...] | None,
    params: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
) -> str:
    """The message of a coded error, with the field as `names` calls it (FIELD_NAMES otherwise)."""
    template = MESSAGES.get(code)
    if template is None:  # a code without wording yet: still tell the reader something exact
        return f"{code} {dict(params)}"
    values = {key: _shown(key, value) for key, value in params.items()}
    if field is not None:
        fields = (field,) if isinstance(field, str) else field
        values["field"] = field_list(fields, names or {})
    return template.format(**values)


def _shown(key: str, value: Any) -> str:
    if key == "choices" and isinstance(value, list | tuple):
        return _(", ").join(STATUSES.get(v) or USER_ROLES.get(v) or str(v) for v in value)
    if key == "role":
        return USER_ROLES.get(str(value), str(value))
    return str(value)
