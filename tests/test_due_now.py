"""The ladder worked out once per distinct set of task facts (models.reads.escalations.due_now) gives
every task the levels working it out task by task gives, on a real ledger (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

from workflow_ledger import D, plan, seed, settings_for

from models.reads.escalations import due_now, held_levels, task_facts
from models.rules.calendar import WorkCalendar
from models.rules.ladder import due_levels
from models.rules.ladder_sql import candidate_sql
from models.storage.db import read_session, write_session
from models.writes.ledger import import_plan
from workflows.escalate import raise_due


def test_tasks_sharing_their_facts_each_get_their_own_levels(engine, tmp_path):
    seed(engine)
    with write_session(engine) as session:  # the same points again: every task shares its facts
        import_plan(session, plan(), key="2021-again", actor="office")
    settings = settings_for(tmp_path, str(engine.url))
    ladder, checkin = settings.escalation, settings.checkin.day_of_month
    calendar = WorkCalendar(settings.calendar.extra_holidays)
    for day in (D(2021, 3, 20), D(2021, 3, 21), D(2021, 7, 5), D(2021, 12, 31)):
        with read_session(engine) as session:
            found = due_now(session, as_of=day, ladder=ladder, calendar=calendar, checkin_day=checkin)
            held = held_levels(session, candidate_sql(ladder, day))
            expected = [
                due
                for facts in task_facts(session, ladder, day)
                for due in due_levels(facts, day, ladder, calendar, checkin_day=checkin)
                if due.level not in held.get((due.task_id, due.occurrence), ())
            ]
        assert found == expected, day
        # Each point is in both plans: its levels come twice, once under each of its two tasks.
        copies = Counter((due.level, due.occurrence, due.trigger_date, due.skipped) for due in found)
        assert all(count == 2 for count in copies.values()), copies
        if day == D(2021, 3, 20):
            assert found  # the first run has levels to raise: the comparison is not of two empty lists
        raise_due(engine, settings, as_of=day)  # the next day's run then holds these
