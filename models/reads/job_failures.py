"""Tasks a scheduled job could not compute (models.writes.job_failures journals them): the failure,
its line in the job's result, and the task codes behind the ids a job noted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.storage.tables import Task
from models.vocabulary.i18n import _

JOB_NAMES = {
    "escalate": _("escalation"),
    "digest": _("weekly digest"),
    "lookback": _("look-back"),
    "send": _("delivery"),
}


@dataclass(frozen=True)
class TaskFailure:
    task_id: int
    code: str
    reason: str

    def line(self, job: str) -> str:
        return _("task {code} could not be computed and was skipped ({job}): {reason}").format(
            code=self.code, job=JOB_NAMES.get(job, job), reason=self.reason
        )


def reason_of(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}"[:500]


def describe(session: Session, failed: dict[int, str]) -> list[TaskFailure]:
    """The failures of `failed` (task id -> reason) with their task codes, in code order."""
    if not failed:
        return []
    codes = dict(session.execute(select(Task.id, Task.code).where(col(Task.id).in_(list(failed)))).all())
    found = [
        TaskFailure(task_id, codes.get(task_id, f"#{task_id}"), reason) for task_id, reason in failed.items()
    ]
    return sorted(found, key=lambda f: (len(f.code), f.code))
