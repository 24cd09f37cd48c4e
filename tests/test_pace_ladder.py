"""The ladder's rungs at shares of the time window (序时进度, `[[lifecycle.pace_levels]]`): the pure
rule, and `raise_due` raising them once per due date with their notices (SQLite and PostgreSQL).

The seeded ledger (tests/workflow_ledger.py): 更新权责清单, 法规处, due 2021-05-31, window from
2021-01-01 (150 days): 50 % is reached on 2021-03-17, 75 % on 2021-04-24.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlmodel import select
from workflow_ledger import seed, settings_for

from models.rules.pace import PaceLight, PaceRung, pace, pace_rungs_due, share_day
from models.settings import LifecycleSettings, PaceLevel, Settings
from models.storage.db import read_session, write_session
from models.storage.tables import Escalation, Notice, NoticeKind, Task
from models.writes import ledger
from workflows.escalate import raise_due
from workflows.notice_bodies import body

D = dt.date
START, DUE = D(2021, 1, 1), D(2021, 5, 31)
RUNGS = [PaceRung("pace_half", 50, "yellow"), PaceRung("pace_late", 75, "red")]
LEVELS = [
    PaceLevel(level="pace_half", name="序时提醒", share=50, light="yellow", recipients=["lead"]),
    PaceLevel(level="pace_late", name="序时督办", share=75, light="red", recipients=["lead", "leader"]),
]


def rungs_on(as_of: dt.date, progress: int) -> list[tuple[str, dt.date, bool]]:
    current = pace(
        status="in_progress",
        deadline_type="period_end",
        progress=progress,
        start=START,
        due=DUE,
        as_of=as_of,
        yellow=10,
        red=30,
    )
    return [(d.level, d.trigger_date, d.skipped) for d in pace_rungs_due(current, RUNGS, as_of)]


def test_a_rung_is_due_from_the_day_its_share_is_reached_while_the_task_lags_enough():
    assert share_day(START, DUE, 50) == D(2021, 3, 17) and share_day(START, DUE, 75) == D(2021, 4, 24)
    assert rungs_on(D(2021, 3, 16), 0) == []  # 49 % of the window: not yet
    assert rungs_on(D(2021, 3, 17), 0) == [("pace_half", D(2021, 3, 17), False)]
    assert rungs_on(D(2021, 3, 17), 45) == []  # 5 points behind: on pace, nothing to say
    assert rungs_on(D(2021, 3, 17), 40) == [("pace_half", D(2021, 3, 17), False)]  # 10 behind: yellow
    # At 75 % both shares are reached; red raises the higher rung and passes the lower one over.
    assert rungs_on(D(2021, 4, 24), 0) == [
        ("pace_half", D(2021, 3, 17), True),
        ("pace_late", D(2021, 4, 24), False),
    ]
    # Yellow only: the red rung waits.
    assert rungs_on(D(2021, 4, 24), 60) == [("pace_half", D(2021, 3, 17), False)]
    assert rungs_on(D(2021, 6, 1), 0) == []  # past the due date the due-date ladder is in charge


def test_pace_rungs_are_checked_where_the_config_loads():
    with pytest.raises(ValidationError, match="distinct"):
        LifecycleSettings(pace_levels=[LEVELS[0], LEVELS[0]])
    with pytest.raises(ValidationError):
        PaceLevel(level="x", name="x", share=100, recipients=["lead"])
    with pytest.raises(ValidationError, match="share the names"):
        Settings(lifecycle=LifecycleSettings(pace_levels=[LEVELS[0].model_copy(update={"level": "overdue"})]))
    assert PaceLight.RED.value == "red"


@pytest.fixture
def ledger_with_rungs(engine, tmp_path, ledger_url):
    seed(engine)
    settings = settings_for(tmp_path, ledger_url)
    settings = settings.model_copy(update={"lifecycle": LifecycleSettings(pace_levels=LEVELS)})
    return engine, settings


def held(engine, title: str) -> list[tuple[str, dt.date, dt.date, bool]]:
    with read_session(engine) as session:
        query = (
            select(Escalation.level, Escalation.occurrence, Escalation.raised_on, Escalation.skipped)
            .join(Task, Task.id == Escalation.task_id)
            .where(Task.title == title, Escalation.level.in_(["pace_half", "pace_late"]))  # type: ignore[attr-defined]
            .order_by(Escalation.id)
        )
        return list(session.exec(query))


def test_the_escalation_job_raises_each_rung_once_per_due_date(ledger_with_rungs):
    engine, settings = ledger_with_rungs
    title = "更新权责清单"
    first = raise_due(engine, settings, as_of=D(2021, 3, 17))
    assert first.raised.get("pace_half", 0) >= 1
    assert held(engine, title) == [("pace_half", DUE, D(2021, 3, 17), False)]
    with read_session(engine) as session:
        bodies = [
            body(notice, "text")
            for notice in session.exec(
                select(Notice).where(
                    Notice.kind == NoticeKind.ESCALATION.value, Notice.recipient == "unit:法规处"
                )
            )
        ]
    assert any("序时提醒" in told and title in told for told in bodies)

    again = raise_due(engine, settings, as_of=D(2021, 3, 17))
    assert "pace_half" not in again.raised and again.notices == 0  # once

    raise_due(engine, settings, as_of=D(2021, 4, 24))
    assert held(engine, title)[1] == ("pace_late", DUE, D(2021, 4, 24), False)

    # A deferral is a new due date: the rungs count again from it (a new window end).
    with write_session(engine) as session:
        code = session.exec(select(Task.code).where(Task.title == title)).one()
        ledger.defer_task(session, code, to=D(2021, 9, 30), reason="调整", actor="office", day=D(2021, 4, 25))
    raise_due(engine, settings, as_of=D(2021, 5, 20))  # 139 of 272 days used (51 %), nothing done
    assert held(engine, title)[-1] == ("pace_half", D(2021, 9, 30), D(2021, 5, 20), False)


def test_a_task_on_pace_raises_no_rung(ledger_with_rungs):
    engine, settings = ledger_with_rungs
    with write_session(engine) as session:
        code = session.exec(select(Task.code).where(Task.title == "更新权责清单")).one()
        ledger.update_task(session, code, progress=60, actor="法规处", day=D(2021, 3, 10))
    report = raise_due(engine, settings, as_of=D(2021, 3, 20), dry_run=True)
    assert code not in {raised.code for raised in report.preview if raised.level.startswith("pace")}
    raise_due(engine, settings, as_of=D(2021, 3, 20))
    assert held(engine, "更新权责清单") == []
