"""The numbered 督办通报 issued so far (journal rows of action "bulletin", written by
models.writes.bulletins): the numbers of a year and the next one."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.storage.tables import Journal

ACTION = "bulletin"


def issued_numbers(session: Session, year: int) -> list[int]:
    rows = session.exec(
        select(Journal.new).where(
            Journal.action == ACTION, Journal.field == str(year), col(Journal.task_id).is_(None)
        )
    )
    return sorted(int(value) for value in rows if str(value).isdigit())


def next_number(session: Session, year: int) -> int:
    return max(issued_numbers(session, year), default=0) + 1
