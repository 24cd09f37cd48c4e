"""The notices of the 督办 lifecycle: a request filed goes to the office, a decision to the unit that
asked (or, when the office filed it itself, to the task's lead units); a cancellation to the task's
units. Queued in the caller's transaction, keyed (kind, period, recipient), so each event reaches
each of them once however often it is composed; the senders (`duban notify`) deliver them.
"""

from __future__ import annotations

import html

from sqlmodel import Session, select

from models.settings import Settings
from models.storage.tables import Assignment, NoticeKind, Task, TaskRequest, Unit
from models.storage.tables import Role as UnitRole
from models.vocabulary.i18n import _
from models.writes.notices import Draft, queue

OFFICE = "office"


def _draft(period: str, recipient: str, subject: str, lines: list[str], link: str | None) -> Draft:
    body = [*lines, *([link] if link else [])]
    text = "\n".join(body)
    markup = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    if link:
        markup += f'<p><a href="{html.escape(link)}">{html.escape(link)}</a></p>'
    return Draft(NoticeKind.LIFECYCLE.value, period, recipient, subject, text, text, markup)


def units_of(session: Session, task: Task, *, lead_only: bool) -> list[str]:
    query = (
        select(Unit.name).join(Assignment, Assignment.unit_id == Unit.id).where(Assignment.task_id == task.id)
    )
    if lead_only:
        query = query.where(Assignment.role == UnitRole.LEAD.value)
    return sorted(session.exec(query))


def _askers(session: Session, task: Task, request: TaskRequest) -> list[str]:
    unit = session.get(Unit, request.unit_id) if request.unit_id else None
    return [unit.name] if unit is not None else units_of(session, task, lead_only=True)


def request_filed(session: Session, settings: Settings, task: Task, request: TaskRequest, unit: str) -> int:
    """A new 延期申请 or 办结申请: the office is told, once."""
    who = unit or request.requested_by
    if request.new_due_date is not None:
        subject = _("{unit} asks to extend {code} to {date}").format(
            unit=who, code=task.code, date=request.new_due_date.isoformat()
        )
        late = _("(asked after the due date)") if request.late else ""
        lines = [
            _("Extension request {ref} on {code} {title}").format(
                ref=f"R{request.id}", code=task.code, title=task.title
            ),
            _("Due date now {old}, asked for {new} {late}")
            .format(
                old=request.due_date_then.isoformat() if request.due_date_then else "-",
                new=request.new_due_date.isoformat(),
                late=late,
            )
            .strip(),
            _("Reason: {reason}").format(reason=request.reason),
            _("Progress: {progress}%").format(progress=request.progress),
        ]
    else:
        subject = _("{unit} reports {code} completed: awaiting review").format(unit=who, code=task.code)
        lines = [
            _("Completion request {ref} on {code} {title}").format(
                ref=f"R{request.id}", code=task.code, title=task.title
            ),
            _("Summary: {summary}").format(summary=request.reason),
        ]
        if request.evidence:
            lines.append(_("Evidence: {evidence}").format(evidence=request.evidence))
    draft = _draft(f"R{request.id}/filed", OFFICE, subject, lines, settings.dashboard.task_url(task.code))
    return queue(session, [draft])


def request_decided(
    session: Session, settings: Settings, task: Task, request: TaskRequest, outcome: str
) -> int:
    """The office's decision (approved, rejected, signed off, returned): the unit that asked is told, once."""
    ref = f"R{request.id}"
    subjects = {
        "approved": _("Extension of {code} approved: new due date {date}"),
        "rejected": _("Extension of {code} not approved: the due date stands"),
        "signed_off": _("{code} signed off (closed)"),
        "returned": _("Completion of {code} returned: work on it continues"),
    }
    subject = subjects[outcome].format(
        code=task.code, date=request.new_due_date.isoformat() if request.new_due_date else ""
    )
    lines = [_("{ref} on {code} {title}").format(ref=ref, code=task.code, title=task.title)]
    if request.decision_note:
        lines.append(_("The office says: {note}").format(note=request.decision_note))
    link = settings.dashboard.task_url(task.code)
    drafts = [
        _draft(f"{ref}/{outcome}", f"unit:{name}", subject, lines, link)
        for name in _askers(session, task, request)
    ]
    return queue(session, drafts)


def task_cancelled(session: Session, settings: Settings, task: Task, reason: str, number: int) -> int:
    """The office cancelled a task: each of its units is told, once per cancellation."""
    subject = _("{code} cancelled by the office").format(code=task.code)
    lines = [task.title, _("Reason: {reason}").format(reason=reason)]
    link = settings.dashboard.task_url(task.code)
    drafts = [
        _draft(f"{task.code}/cancelled/{number}", f"unit:{name}", subject, lines, link)
        for name in units_of(session, task, lead_only=False)
    ]
    return queue(session, drafts)
