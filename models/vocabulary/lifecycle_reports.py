"""The words of 签收, periodic reports (报送) and the inboxes: defined once for every face."""

from __future__ import annotations

from models.vocabulary.i18n import _

# The lifecycle's own chases (models.rules.report_cycle), as notices and pages name them.
LEVEL_NAMES: dict[str, str] = {
    "ack": _("acknowledgement chase"),
    "report": _("report chase"),
}

# The inboxes' sections, by key (models.reads.inbox), in the order a page shows them.
INBOX_SECTIONS: dict[str, str] = {
    # a unit's
    "to_acknowledge": _("to acknowledge"),
    "to_report": _("reports due"),
    "returned": _("returned completions"),
    "extension_results": _("extension decisions"),
    # the office's
    "extensions_pending": _("extensions to approve"),
    "completions_pending": _("completions to review"),
    "unacknowledged": _("not acknowledged"),
    "unreported": _("not reported"),
    # a leader's
    "attention": _("needs attention"),
    "instruction_replies": _("replies to instructions"),
}

# What each section says when it is empty.
INBOX_EMPTY = _("nothing here")

# An extension request's outcome, as the unit reads it; a pending one (the office's section) awaits it.
DECISIONS: dict[str, str] = {
    "pending": _("awaiting a decision"),
    "approved": _("extension granted"),
    "rejected": _("extension refused"),
}

# Who an inbox is for.
INBOX_OWNERS: dict[str, str] = {
    "unit": _("inbox of {name}"),
    "office": _("inbox of the office"),
    "leader": _("inbox of {name}"),
}

# The words of the 签收 and 报送 section of a task's page, and of the inbox page.
PAGE_WORDS: dict[str, str] = {
    "inbox": _("inbox"),
    "acknowledgement": _("acknowledgement"),
    "handed_over": _("handed over"),
    "acknowledged": _("acknowledged"),
    "not_acknowledged": _("not acknowledged"),
    "before_lifecycle": _("handed over before acknowledgements were kept"),
    "acknowledge": _("acknowledge"),
    "acknowledged_saved": _("acknowledged."),
    "report_saved": _("report filed."),
    "reports": _("periodic reports"),
    "no_reports": _("no report yet."),
    "report_form": _("report for {period}"),
    "report_hint": _(
        "a lead unit's report is also the task's progress update; a supporting unit reports its part to the lead unit"
    ),
    "period": _("period"),
    "unit": _("unit"),
    "role": _("role"),
    "day": _("day"),
    "progress": _("progress (%)"),
    "text": _("what was done this period"),
    "evidence": _("evidence (file, document number or link)"),
    "status": _("task status (lead unit)"),
    "unchanged": _("unchanged"),
    "submit": _("submit"),
    "no_lead_report": _("no report of the lead unit yet"),
    "task": _("task"),
    "plan": _("plan"),
    "title": _("title"),
    "state": _("state"),
    "detail": _("detail"),
    "late": _("past due"),
    "first_rows": _("the first {count} are listed"),
}
