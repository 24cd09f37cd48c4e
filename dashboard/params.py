"""Query parameters shared by the ledger's pages and API: the as-of date and the task filters.

HTML forms send empty fields (`due_within=`), so the pages read the filters as text; the API takes
them typed, so its OpenAPI schema says what each one is. Both end in models.reads.task_query.TaskFilter.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Depends, Query, Request

from dashboard.context import CtxDep
from models.clock import parse_date
from models.errors import BadInput
from models.reads.task_query import TaskFilter
from models.vocabulary.i18n import _

Sort = Literal["due", "plan", "status", "code"]
# models.storage.tables.TaskStatus as a type the OpenAPI schema can list (a test keeps the two equal).
Status = Literal["not_started", "in_progress", "done", "deferred", "cancelled"]


def as_of_date(
    ctx: CtxDep,
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD; default today (Asia/Shanghai)")] = None,
) -> dt.date:
    return parse_date(as_of, what="as_of") if as_of else ctx.today


AsOf = Annotated[dt.date, Depends(as_of_date)]


def percent(text: str) -> int | None:
    """A progress field of a form: empty is no change; the range is the core's rule (bounds)."""
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise BadInput(
            _("progress must be a whole number from 0 to 100, not {text!r}").format(text=text)
        ) from None


def _days(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise BadInput(
            _("the number of days must be a whole number, not {text!r}").format(text=text)
        ) from None


def form_filter(
    plan: str = "", unit: str = "", status: str = "", overdue: str = "", due_within: str = ""
) -> TaskFilter:
    """The filters as a GET form sends them: blank means no filter."""
    return TaskFilter(
        plan=plan.strip() or None,
        unit=unit.strip() or None,
        status=status.strip() or None,
        overdue=overdue not in ("", "0", "false"),
        due_within=_days(due_within),
    )


def api_filter(
    plan: Annotated[str | None, Query(description="plan key")] = None,
    unit: Annotated[str | None, Query(description="unit name or alias: tasks it leads or supports")] = None,
    status: Status | None = None,
    overdue: Annotated[bool, Query(description="open and due before the as-of date")] = False,
    due_within: Annotated[int | None, Query(ge=0, description="open, due within N days of as-of")] = None,
) -> TaskFilter:
    return TaskFilter(plan=plan, unit=unit, status=status, overdue=overdue, due_within=due_within)


FormFilter = Annotated[TaskFilter, Depends(form_filter)]
ApiFilter = Annotated[TaskFilter, Depends(api_filter)]


def link(request: Request, path: str, **changes: object) -> str:
    """`path` with the request's query parameters, some changed (None or "" drops one): pagination
    and sort links keep the filters and the as-of date."""
    params = {key: value for key, value in request.query_params.items()}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{path}?{urlencode(params)}" if params else path


def as_of_query(request: Request) -> str:
    """ "?as_of=…" when the page was asked for a date, so links to other pages keep it."""
    as_of = request.query_params.get("as_of")
    return f"?{urlencode({'as_of': as_of})}" if as_of else ""
