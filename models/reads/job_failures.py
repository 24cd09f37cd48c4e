"""Tasks a scheduled job could not compute (models.writes.job_failures journals them): the failure,
its line in the job's result, and the task codes behind the ids a job noted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.storage.tables import Task

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
