"""The ladder's clock through the lifecycle's requests, a simulated year on SQLite and PostgreSQL:
a pending request stops nothing, a rejection changes nothing, an approval restarts the ladder from
the new date, a return keeps the task on it and a sign-off takes it off."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select
from workflow_ledger import D, seed, settings_for

from models.storage.db import read_session, write_session
from models.storage.tables import Escalation, Task
from models.writes.users import add_user
from workflows.escalate import raise_due
from workflows.use_cases import requests as uc
from workflows.use_cases.actor import Actor


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def raised(engine) -> dict[str, list[tuple[str, dt.date, dt.date]]]:
    """task code -> (level, occurrence, raised_on) of the levels sent, in order."""
    with read_session(engine) as session:
        rows = session.exec(select(Escalation, Task.code).join(Task).order_by(Escalation.id)).all()
    found: dict[str, list] = {}
    for escalation, code in rows:
        if not escalation.skipped:
            found.setdefault(code, []).append((escalation.level, escalation.occurrence, escalation.raised_on))
    return found


def test_the_ladder_through_requests_approvals_rejections_and_returns(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    with write_session(engine) as session:
        bgs = Actor.of_user(add_user(session, "bgs", role="unit", unit="办公室", password="long enough"))
        fagui = Actor.of_user(add_user(session, "fagui", role="unit", unit="法规处", password="long enough"))
    office = Actor.operator("office")
    refs: dict[str, str] = {}

    def ask(key: str, actor: Actor, code: str, to: dt.date):
        def step(day: dt.date) -> None:
            refs[key] = uc.request_extension(
                engine, settings, actor, code, to=to, reason="需协调", today=day
            ).ref

        return step

    def complete(key: str, code: str):
        def step(day: dt.date) -> None:
            refs[key] = uc.request_completion(engine, settings, bgs, code, summary="已完成", today=day).ref

        return step

    events = {
        # T1 (办公室, due 03-15): asked before the date, rejected after it; asked again, approved.
        D(2021, 3, 10): ask("t1a", bgs, "T1", D(2021, 4, 30)),
        D(2021, 3, 20): lambda day: uc.reject_extension(
            engine, settings, office, refs["t1a"], comment="理由不足", today=day
        ),
        D(2021, 3, 22): ask("t1b", bgs, "T1", D(2021, 5, 31)),
        D(2021, 3, 25): lambda day: uc.approve_extension(engine, settings, office, refs["t1b"], today=day),
        # T5 (办公室, due 04-30): completion returned, then resubmitted and signed off.
        D(2021, 4, 20): complete("t5a", "T5"),
        D(2021, 4, 26): lambda day: uc.return_completion(
            engine, settings, office, refs["t5a"], reason="缺少材料", today=day
        ),
        D(2021, 5, 10): complete("t5b", "T5"),
        D(2021, 5, 12): lambda day: uc.sign_off(engine, settings, office, refs["t5b"], today=day),
        # T2 (法规处, due 05-31): asked, never decided: the old date's ladder runs in full.
        D(2021, 5, 20): ask("t2", fagui, "T2", D(2021, 6, 30)),
    }
    for day in days(D(2021, 1, 1), D(2021, 12, 31)):
        if day in events:
            events[day](day)
        raise_due(engine, settings, as_of=day)

    found = raised(engine)
    assert found["T1"] == [
        ("reminder", D(2021, 3, 15), D(2021, 3, 8)),
        ("overdue", D(2021, 3, 15), D(2021, 3, 15)),  # a request pending since 03-10 stopped nothing
        # approved on 03-25 (before 督办 on 03-29): the ladder starts again from 05-31
        ("reminder", D(2021, 5, 31), D(2021, 5, 24)),
        ("overdue", D(2021, 5, 31), D(2021, 5, 31)),
        ("supervise", D(2021, 5, 31), D(2021, 6, 14)),
        ("notify", D(2021, 5, 31), D(2021, 6, 30)),
    ]
    assert found["T5"] == [
        ("reminder", D(2021, 4, 30), D(2021, 4, 23)),  # completion pending since 04-20: still on the clock
        ("overdue", D(2021, 4, 30), D(2021, 4, 30)),  # returned on 04-26: open, overdue
        # signed off 05-12: no 督办 on 05-14, nothing after
    ]
    assert found["T2"] == [
        ("reminder", D(2021, 5, 31), D(2021, 5, 24)),
        ("overdue", D(2021, 5, 31), D(2021, 5, 31)),
        ("supervise", D(2021, 5, 31), D(2021, 6, 14)),
        ("notify", D(2021, 5, 31), D(2021, 6, 30)),
    ]
    with read_session(engine) as session:
        t1, t5, t2 = (session.exec(select(Task).where(Task.code == c)).one() for c in ("T1", "T5", "T2"))
        assert (t1.status, t1.due_date) == ("deferred", D(2021, 5, 31))
        assert (t5.status, t5.progress) == ("done", 100)
        assert (t2.status, t2.due_date) == ("not_started", D(2021, 5, 31))
