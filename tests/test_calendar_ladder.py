"""Working days on the Chinese calendar and the ladder: pure functions of (task, as-of date), and once
through the ledger (config.toml, a SQLite file, the escalate job)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select
from workflow_ledger import UNITS, task

from models.errors import BadInput
from models.plan import Deadline, ParsedPlan
from models.rules.calendar import WorkCalendar
from models.rules.ladder import CHECKIN, TaskFacts, due_levels
from models.settings import DEFAULT_LADDER, EscalationLevel, load_settings
from models.storage.db import open_ledger, read_session, write_session
from models.storage.tables import Escalation, Task
from models.writes.ledger import import_plan
from models.writes.units import load_registry
from workflows.use_cases import jobs
from workflows.use_cases.actor import Actor

D = dt.date


def test_working_days_skip_the_national_day_holiday_and_count_the_make_up_saturday():
    calendar = WorkCalendar()
    # 2021-09-30 (Thu) + 1 working day: 10-01..10-07 are 国庆 holidays; 10-08 (Fri) is a working day.
    assert calendar.shift(D(2021, 9, 30), 1, working_days=True) == D(2021, 10, 8)
    # 2021-10-09 is a Saturday made a working day (调休): one working day after 10-08.
    assert calendar.shift(D(2021, 10, 8), 1, working_days=True) == D(2021, 10, 9)
    # Counting back from Monday 10-11: 10-09 (Sat, 调休), 10-08, then over the holiday to 09-30.
    assert calendar.shift(D(2021, 10, 11), -3, working_days=True) == D(2021, 9, 30)
    assert calendar.unknown_years == set()


def test_calendar_days_ignore_holidays():
    assert WorkCalendar().shift(D(2021, 9, 30), 14, working_days=False) == D(2021, 10, 14)


def test_a_year_the_holiday_calendar_does_not_know_falls_back_to_weekends_and_listed_days():
    calendar = WorkCalendar(["2027-01-04"])
    # Friday 2027-01-01 + 1 working day: the weekend and the listed Monday are skipped.
    assert calendar.shift(D(2027, 1, 1), 1, working_days=True) == D(2027, 1, 5)
    assert calendar.unknown_years == {2027}
    assert "2027" in calendar.warnings()[0]


def test_a_bad_extra_holiday_is_a_clear_error():
    with pytest.raises(BadInput, match=r"extra_holidays.*2027-13-01"):
        WorkCalendar(["2027-13-01"])


def facts(**changes) -> TaskFacts:
    values = dict(
        task_id=1,
        status="not_started",
        deadline_type="date",
        due_date=D(2021, 6, 30),
        recurrence=None,
        plan_year=2021,
        last_report=None,
    )
    values.update(changes)
    return TaskFacts(**values)


def levels_on(day: dt.date, fact: TaskFacts, ladder=DEFAULT_LADDER) -> list[tuple[str, bool]]:
    return [(d.level, d.skipped) for d in due_levels(fact, day, ladder, WorkCalendar())]


def test_the_default_ladder_climbs_on_its_days():
    fact = facts()
    assert levels_on(D(2021, 6, 22), fact) == []
    assert levels_on(D(2021, 6, 23), fact) == [("reminder", False)]
    assert levels_on(D(2021, 6, 30), fact) == [("reminder", True), ("overdue", False)]
    assert levels_on(D(2021, 7, 14), fact)[-1] == ("supervise", False)
    assert levels_on(D(2021, 7, 30), fact)[-1] == ("notify", False)


def test_a_working_day_level_waits_for_the_holiday_to_pass():
    ladder = [
        EscalationLevel(level="overdue", name="催办", offset_days=1, working_days=True, recipients=["lead"])
    ]
    fact = facts(due_date=D(2021, 9, 30))
    assert levels_on(D(2021, 10, 7), fact, ladder) == []
    assert levels_on(D(2021, 10, 8), fact, ladder) == [("overdue", False)]


def test_closed_tasks_and_tasks_without_dates_are_never_escalated():
    assert levels_on(D(2021, 12, 31), facts(status="done")) == []
    assert levels_on(D(2021, 12, 31), facts(status="cancelled")) == []
    assert levels_on(D(2021, 12, 31), facts(deadline_type="none", due_date=None)) == []


def test_a_quarterly_task_escalates_per_quarter_unless_reported_within_it():
    fact = facts(deadline_type="recurring", due_date=None, recurrence="quarterly")
    found = due_levels(fact, D(2021, 7, 1), DEFAULT_LADDER, WorkCalendar())
    live = sorted({(d.occurrence, d.level) for d in found if not d.skipped})
    # Q1 is 92 days late (通报), Q2 is due (催办), Q3's reminder is not yet due.
    assert live == [(D(2021, 3, 31), "notify"), (D(2021, 6, 30), "overdue")]
    reported = facts(
        deadline_type="recurring", due_date=None, recurrence="quarterly", last_report=D(2021, 4, 2)
    )
    occurrences = {d.occurrence for d in due_levels(reported, D(2021, 7, 1), DEFAULT_LADDER, WorkCalendar())}
    # A report on 04-02 falls in Q2 (so Q2 is met) and after Q1 (so Q1 counts as caught up).
    assert occurrences == set()


def test_a_monthly_task_has_twelve_occurrences_in_its_year():
    fact = facts(deadline_type="recurring", due_date=None, recurrence="monthly")
    found = due_levels(fact, D(2022, 3, 1), DEFAULT_LADDER, WorkCalendar())
    assert len({d.occurrence for d in found}) == 12  # only the plan year, 2021, not 2022


def test_an_ongoing_task_gets_a_monthly_check_in_unless_it_reported_lately():
    fact = facts(deadline_type="ongoing", due_date=None)
    assert levels_on(D(2021, 5, 1), fact) == [(CHECKIN, False)]
    assert due_levels(fact, D(2021, 5, 20), DEFAULT_LADDER, WorkCalendar())[0].occurrence == D(2021, 5, 1)
    assert (
        levels_on(D(2021, 5, 1), facts(deadline_type="ongoing", due_date=None, last_report=D(2021, 4, 20)))
        == []
    )
    assert levels_on(D(2022, 5, 1), fact) == []  # outside its plan year
    assert due_levels(fact, D(2021, 5, 1), DEFAULT_LADDER, WorkCalendar(), checkin_day=0) == []


WORKING_DAY_LADDER = """
[notify]
outbox = {outbox!r}
retry_delay_seconds = 0.0

[[escalation]]
level = "reminder"
name = "提醒"
offset_days = -2
working_days = true
recipients = ["lead"]

[[escalation]]
level = "overdue"
name = "逾期催办"
offset_days = 1
working_days = true
recipients = ["lead"]
"""


def test_working_day_levels_from_config_toml_fire_on_the_right_days_around_national_day(tmp_path):
    """Through the ledger: config.toml, a SQLite file, the escalate job run every day of autumn 2021
    (中秋 09-19..21 with 09-18 worked; 国庆 10-01..07 with Sunday 09-26 and Saturday 10-09 worked)."""
    config = tmp_path / "config.toml"
    config.write_text(WORKING_DAY_LADDER.format(outbox=str(tmp_path / "outbox")), encoding="utf-8")
    settings = load_settings(config)
    engine = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    dates = {"九月末事项": D(2021, 9, 30), "节后事项": D(2021, 10, 11), "九月下旬事项": D(2021, 9, 24)}
    plan = ParsedPlan(
        title="2021年工作要点",
        year=2021,
        tasks=[
            task(
                f"一/{n}",
                title,
                "办公室",
                Deadline(type="date", date=due, text=f"{due.month}月{due.day}日前"),
            )
            for n, (title, due) in enumerate(dates.items(), start=1)
        ],
    )
    with write_session(engine) as session:
        load_registry(session, UNITS)
        import_plan(session, plan, key="2021-autumn", actor="office")
    day = D(2021, 9, 15)
    while day <= D(2021, 10, 15):
        assert jobs.escalate(engine, settings, Actor.system(), as_of=day).failed == 0
        day += dt.timedelta(days=1)
    with read_session(engine) as session:
        rows = session.exec(
            select(Task.title, Escalation.level, Escalation.raised_on, Escalation.skipped).join(Task)
        )
        raised = {(title, level): (on, skipped) for title, level, on, skipped in rows}
    engine.dispose()
    assert raised == {
        # Thursday 09-30: two working days back is Tuesday; one forward skips 国庆 to Friday 10-08.
        ("九月末事项", "reminder"): (D(2021, 9, 28), False),
        ("九月末事项", "overdue"): (D(2021, 10, 8), False),
        # Monday 10-11: two working days back are Saturday 10-09 (调休) and Friday 10-08.
        ("节后事项", "reminder"): (D(2021, 10, 8), False),
        ("节后事项", "overdue"): (D(2021, 10, 12), False),
        # Friday 09-24: one working day on is Sunday 09-26 (调休), not Monday.
        ("九月下旬事项", "reminder"): (D(2021, 9, 22), False),
        ("九月下旬事项", "overdue"): (D(2021, 9, 26), False),
    }
