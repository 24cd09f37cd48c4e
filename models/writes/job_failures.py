"""Tasks a scheduled job could not compute: reported and skipped, so the others go on.

A task whose data cannot be computed (a due date from before the bounds of models.rules.bounds were kept,
say) must not stop escalation, the digest or the look-back for every other task. The job catches
the failure per task, leaves that task out, and reports it three ways: a Chinese line in the job's
result naming the task, a non-zero exit code of the command, and a journal row on the task
(action `job_error`, written at most once per job and day), where the office sees it on the task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.storage.tables import Journal, Task

ACTION = "job_error"
JOB_NAMES = {"escalate": "催办", "digest": "周报", "lookback": "回头看", "send": "发送"}


@dataclass(frozen=True)
class TaskFailure:
    task_id: int
    code: str
    reason: str

    def line(self, job: str) -> str:
        return f"任务 {self.code} 无法计算，已跳过（{JOB_NAMES.get(job, job)}）：{self.reason}"


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


def journal(session: Session, job: str, failures: list[TaskFailure], *, day: dt.date) -> None:
    """One journal row per failed task, once per job and day (a rerun adds nothing)."""
    if not failures:
        return
    held = set(
        session.scalars(
            select(Journal.task_id).where(
                col(Journal.action) == ACTION,
                col(Journal.field) == job,
                col(Journal.day) == day,
                col(Journal.task_id).in_([f.task_id for f in failures]),
            )
        )
    )
    for failure in failures:
        if failure.task_id not in held:
            session.add(
                Journal(
                    task_id=failure.task_id,
                    day=day,
                    actor="system",
                    action=ACTION,
                    field=job,
                    note=failure.line(job),
                )
            )
    session.flush()
