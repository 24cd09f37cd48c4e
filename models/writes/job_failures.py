"""Tasks a scheduled job could not compute: reported and skipped, so the others go on.

A task whose data cannot be computed (a due date from before the bounds of models.rules.bounds were kept,
say) must not stop escalation, the digest or the look-back for every other task. The job catches
the failure per task, leaves that task out, and reports it three ways: a Chinese line in the job's
result naming the task, a non-zero exit code of the command, and a journal row on the task
(action `job_error`, written at most once per job and day), where the office sees it on the task.
The failure and its line are models.reads.job_failures; this module writes the journal rows.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.reads.job_failures import TaskFailure
from models.storage.tables import Journal

ACTION = "job_error"


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
