"""The ladder worked out once per distinct set of task facts (models.reads.escalations.due_now) gives
every task the levels working it out task by task gives, on a real ledger (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlmodel import select
from workflow_ledger import D, plan, seed, settings_for

from models.reads.escalations import due_now, held_levels, task_facts
from models.rules.calendar import WorkCalendar
from models.rules.ladder import due_levels, reached_until
from models.rules.ladder_sql import candidate_sql, pending_sql
from models.settings import EscalationLevel
from models.storage.db import read_session, write_session
from models.storage.tables import Task
from models.writes.ledger import defer_task, import_plan, update_task
from workflows.escalate import raise_due


def test_tasks_sharing_their_facts_each_get_their_own_levels(engine, tmp_path):
    seed(engine)
    with write_session(engine) as session:  # the same points again: every task shares its facts
        import_plan(session, plan(), key="2021-again", actor="office")
        # Reports on both copies of the quarterly and the ongoing point: the first quarter is met
        # and April's check-in is quiet, by the last report due_now reads in its own statement.
        for title in ("报送政务公开工作进展", "持续做好政策解读"):
            for code in session.exec(select(Task.code).where(Task.title == title)).all():
                update_task(session, code, actor="office", progress=10, note="进展", day=D(2021, 3, 10))
    settings = settings_for(tmp_path, str(engine.url))
    ladder, checkin = settings.escalation, settings.checkin.day_of_month
    calendar = WorkCalendar(settings.calendar.extra_holidays)
    for day in (D(2021, 3, 20), D(2021, 3, 21), D(2021, 4, 1), D(2021, 7, 5), D(2021, 12, 31)):
        with read_session(engine) as session:
            found = due_now(session, as_of=day, ladder=ladder, calendar=calendar, checkin_day=checkin)
            held = held_levels(session, candidate_sql(ladder, day))
            expected = [
                due
                for facts in task_facts(session, ladder, day)
                for due in due_levels(facts, day, ladder, calendar, checkin_day=checkin)
                if due.level not in held.get((due.task_id, due.occurrence), ())
            ]
        if engine.dialect.name == "postgresql":
            # Neither statement has an ORDER BY: PostgreSQL returns the tasks in its plan's order,
            # which differs between them once tasks were updated (the reports above). SQLite's is
            # the ix_task_open_due scan in both.
            found, expected = sorted(found, key=_key), sorted(expected, key=_key)
        assert found == expected, day
        # Each point is in both plans: its levels come twice, once under each of its two tasks.
        copies = Counter((due.level, due.occurrence, due.trigger_date, due.skipped) for due in found)
        assert all(count == 2 for count in copies.values()), copies
        if day == D(2021, 3, 20):
            assert found  # the first run has levels to raise: the comparison is not of two empty lists
        raise_due(engine, settings, as_of=day)  # the next day's run then holds these


def _key(due):
    return due.task_id, due.occurrence, due.level


def pending_titles(engine, settings, day) -> set[str]:
    """The titles of the tasks the escalation run reads on `day` (pending_sql)."""
    where = pending_sql(
        settings.escalation,
        day,
        WorkCalendar(settings.calendar.extra_holidays),
        checkin_day=settings.checkin.day_of_month,
    )
    with read_session(engine) as session:
        return set(session.exec(select(Task.title).where(where)).all())


def test_the_next_day_reads_only_tasks_with_a_level_left_to_raise(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))  # reminder -7, overdue 0, supervise +14, notify +30
    raise_due(engine, settings, as_of=D(2021, 3, 16))  # 修订… (due 3-15): reminder and overdue; the check-in
    # Every level reached by 3-17 is held for the dated and the ongoing task: only the recurring one
    # (its occurrences are computed) is read.
    assert pending_titles(engine, settings, D(2021, 3, 17)) == {"报送政务公开工作进展"}
    # 3-29 reaches 修订…'s supervise (3-15 + 14 days).
    assert "修订政府信息公开指南" in pending_titles(engine, settings, D(2021, 3, 29))
    # A new month's check-in is due for the ongoing task.
    assert "持续做好政策解读" in pending_titles(engine, settings, D(2021, 4, 1))
    # A deferral makes a new occurrence (3-20), whose reminder (3-13) is reached and not held.
    with write_session(engine) as session:
        code = session.exec(select(Task.code).where(Task.title == "修订政府信息公开指南")).one()
        defer_task(session, code, to=D(2021, 3, 20), reason="等待", actor="office", day=D(2021, 3, 17))
    assert "修订政府信息公开指南" in pending_titles(engine, settings, D(2021, 3, 17))
    raise_due(engine, settings, as_of=D(2021, 3, 17))
    assert pending_titles(engine, settings, D(2021, 3, 18)) == {"报送政务公开工作进展"}


def test_a_level_is_reached_for_every_due_date_up_to_its_threshold():
    calendar = WorkCalendar()
    ladder = [
        EscalationLevel(
            level=f"l{n}{working:d}", name="x", offset_days=n, working_days=working, recipients=["lead"]
        )
        for n in (-12, -5, 0, 3, 10)
        for working in (False, True)
        if n or not working
    ]
    for as_of in (D(2021, 9, 28), D(2021, 10, 8), D(2021, 2, 10), D(2021, 12, 31)):  # 国庆, 春节, year end
        until = reached_until(ladder, as_of, WorkCalendar())
        for level in ladder:
            for n in range(-40, 40):
                day = as_of + dt.timedelta(days=n)
                reached = calendar.shift(day, level.offset_days, working_days=level.working_days) <= as_of
                assert reached == (day <= until[level.level]), (as_of, level.level, day)
