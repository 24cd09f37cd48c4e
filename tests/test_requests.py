"""延期申请 → 审批 and 办结申请 → 销号 / 退回, and the office's cancellation (workflows.use_cases.requests)
on a real ledger, SQLite and PostgreSQL: each transition, each refusal, each notice once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select
from workflow_ledger import D, seed, settings_for

from models.errors import BadInput
from models.reads.requests import of_task, pending, returns_of
from models.storage.db import read_session, write_session
from models.storage.tables import Attachment, Journal, Notice, NoticeKind, TaskRequest
from models.writes import units as registry
from models.writes.ledger import get_task
from models.writes.users import add_user
from workflows import request_notices
from workflows.use_cases import requests as uc
from workflows.use_cases import tasks
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid, Stale

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lifecycle(engine, tmp_path):
    """T1: 办公室 leads, 法规处 supports, due 2021-03-15; T2: 法规处, due 2021-05-31; T5: 办公室, due
    2021-04-30. Accounts: a 法规处 and a 办公室 unit user, the office, a leader."""
    seed(engine)
    with write_session(engine) as session:
        made = {
            "fagui": add_user(session, "fagui", role="unit", unit="法规处", password="long enough"),
            "bangongshi": add_user(session, "bgs", role="unit", unit="办公室", password="long enough"),
            "office": add_user(session, "o", role="office", password="long enough"),
            "leader": add_user(session, "l", role="leader", password="long enough"),
        }
    settings = settings_for(tmp_path, str(engine.url))
    settings = settings.model_copy(
        update={
            "lifecycle": settings.lifecycle.model_copy(update={"attachments_dir": str(tmp_path / "files")})
        }
    )
    return settings, {name: Actor.of_user(user) for name, user in made.items()}


def task_state(engine, code: str) -> tuple[str, int, dt.date | None, int]:
    with read_session(engine) as session:
        task = get_task(session, code)
        return task.status, task.progress, task.due_date, task.version


def lifecycle_notices(engine) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        query = select(Notice.period, Notice.recipient).where(Notice.kind == NoticeKind.LIFECYCLE.value)
        return sorted(session.exec(query.order_by(col(Notice.id))).all())


def test_an_extension_waits_for_the_office_and_an_approval_moves_the_date(engine, lifecycle):
    settings, people = lifecycle
    before = task_state(engine, "T2")
    filed = uc.request_extension(
        engine,
        settings,
        people["fagui"],
        "T2",
        to=D(2021, 7, 31),
        reason="等待上级清单",
        progress=60,
        today=D(2021, 5, 20),
    )
    assert (filed.code, filed.kind, filed.late, filed.due_date) == ("T2", "extension", False, D(2021, 5, 31))
    assert task_state(engine, "T2") == before  # nothing on the task changes, not even its version
    with read_session(engine) as session:
        [row] = pending(session)
        assert (row.ref, row.unit, row.new_due_date, row.progress) == (
            filed.ref,
            "法规处",
            D(2021, 7, 31),
            60,
        )
        # A unit's queue holds the requests on its own tasks only.
        assert [r.ref for r in pending(session, unit_id=registry.get(session, "法规处").id)] == [filed.ref]
        assert pending(session, unit_id=registry.get(session, "信息中心").id) == []
    assert lifecycle_notices(engine) == [(f"{filed.ref}/filed", "office")]
    with write_session(engine) as session:  # the same event composed again queues nothing
        request = session.get(TaskRequest, int(filed.ref[1:]))
        task = get_task(session, "T2")
        assert request_notices.request_filed(session, settings, task, request, "法规处") == 0
    assert len(lifecycle_notices(engine)) == 1

    decided = uc.approve_extension(
        engine, settings, people["office"], filed.ref, comment="同意", today=D(2021, 5, 25)
    )
    assert (decided.state, decided.status, decided.due_date) == ("approved", "deferred", D(2021, 7, 31))
    status, _progress, due, version = task_state(engine, "T2")
    assert (status, due, version) == ("deferred", D(2021, 7, 31), before[3] + 1)
    assert lifecycle_notices(engine) == [
        (f"{filed.ref}/approved", "unit:法规处"),
        (f"{filed.ref}/filed", "office"),
    ]
    with pytest.raises(Stale):  # decided once: a second decision is refused, nothing changes
        uc.approve_extension(engine, settings, people["office"], filed.ref, today=D(2021, 5, 26))
    with pytest.raises(Stale):
        uc.reject_extension(engine, settings, people["office"], filed.ref, comment="不", today=D(2021, 5, 26))
    assert task_state(engine, "T2")[3] == before[3] + 1
    with read_session(engine) as session:
        actions = [
            j.action
            for j in session.exec(select(Journal).where(Journal.task_id == get_task(session, "T2").id))
        ]
    assert actions[-4:] == ["request_extension", "approve_extension", "defer", "defer"]  # due_date, status


def test_a_rejection_changes_only_the_request(engine, lifecycle):
    settings, people = lifecycle
    filed = uc.request_extension(
        engine, settings, people["fagui"], "T2", to=D(2021, 6, 30), reason="人手不足", today=D(2021, 6, 3)
    )
    assert filed.late  # asked after 05-31: allowed, marked
    before = task_state(engine, "T2")
    with pytest.raises(Invalid):  # a rejection says why
        uc.reject_extension(engine, settings, people["office"], filed.ref, comment=" ", today=D(2021, 6, 4))
    decided = uc.reject_extension(
        engine, settings, people["office"], filed.ref, comment="理由不充分", today=D(2021, 6, 4)
    )
    assert (decided.state, decided.due_date) == ("rejected", D(2021, 5, 31))
    assert task_state(engine, "T2") == before
    with read_session(engine) as session:
        [row] = of_task(session, get_task(session, "T2").id)
        assert (row.state, row.decision_note, row.decided_on, row.late) == (
            "rejected",
            "理由不充分",
            D(2021, 6, 4),
            True,
        )
    assert (f"{filed.ref}/rejected", "unit:法规处") in lifecycle_notices(engine)


def test_the_rules_of_an_extension_request(engine, lifecycle):
    settings, people = lifecycle
    fagui = people["fagui"]

    def ask(to: dt.date, today: dt.date, rules=settings):
        return uc.request_extension(engine, rules, fagui, "T2", to=to, reason="理由", today=today)

    with pytest.raises(Invalid) as refused:
        ask(D(2021, 5, 31), D(2021, 5, 1))  # not later than the current date
    assert refused.value.code == "date_not_later"
    strict = settings.model_copy(
        update={"lifecycle": settings.lifecycle.model_copy(update={"late_extension_allowed": False})}
    )
    with pytest.raises(Invalid) as refused:
        ask(D(2021, 7, 1), D(2021, 6, 1), strict)
    assert refused.value.code == "late"
    first = ask(D(2021, 6, 30), D(2021, 5, 1))
    with pytest.raises(Invalid) as refused:  # one pending request per task and kind
        ask(D(2021, 7, 30), D(2021, 5, 2))
    assert refused.value.code == "pending"
    # … a completion request is another kind
    uc.request_completion(engine, settings, fagui, "T2", summary="已完成大半", today=D(2021, 5, 2))
    uc.approve_extension(engine, settings, people["office"], first.ref, today=D(2021, 5, 3))
    second = ask(D(2021, 7, 30), D(2021, 5, 4))
    uc.approve_extension(engine, settings, people["office"], second.ref, today=D(2021, 5, 5))
    with pytest.raises(Invalid) as refused:  # max_extensions = 2
        ask(D(2021, 8, 30), D(2021, 5, 6))
    assert refused.value.code == "too_many_extensions"
    with pytest.raises(Invalid) as refused:  # an undated (ongoing) task has nothing to extend
        uc.request_extension(
            engine, settings, fagui, "T4", to=D(2021, 8, 30), reason="x", today=D(2021, 5, 6)
        )
    assert refused.value.code == "no_due_date"


def test_a_completion_stays_open_until_signed_off_and_a_return_reopens_it(engine, lifecycle, tmp_path):
    settings, people = lifecycle
    unit, office = people["bangongshi"], people["office"]
    uc_tasks_update = tasks.update_task(
        engine, unit, "T5", today=D(2021, 4, 1), status="in_progress", progress=50
    )
    assert uc_tasks_update.status == "in_progress"
    filed = uc.request_completion(
        engine,
        settings,
        unit,
        "T5",
        summary="年度报告已发布",
        evidence="https://example.gov.cn/ndbg",
        uploads=[("年度报告.pdf", PDF)],
        today=D(2021, 4, 20),
    )
    assert (filed.status, filed.attachments) == ("in_progress", 1)
    assert task_state(engine, "T5")[:3] == ("in_progress", 50, D(2021, 4, 30))
    returned = uc.return_completion(
        engine, settings, office, filed.ref, reason="缺少发布链接截图", today=D(2021, 4, 22)
    )
    assert (returned.state, returned.status, returned.returns) == ("rejected", "in_progress", 1)
    again = uc.request_completion(engine, settings, unit, "T5", summary="已补充截图", today=D(2021, 4, 26))
    signed = uc.sign_off(engine, settings, office, again.ref, comment="同意销号", today=D(2021, 4, 28))
    assert (signed.state, signed.status, signed.returns) == ("approved", "done", 1)
    assert task_state(engine, "T5")[:2] == ("done", 100)
    with read_session(engine) as session:
        task = get_task(session, "T5")
        assert returns_of(session, task.id) == 1 and task.progress_note == "已补充截图"
        [stored] = session.exec(select(Attachment)).all()
        assert stored.filename == "年度报告.pdf" and stored.stored_name.endswith(".pdf")
    assert (tmp_path / "files" / stored.stored_name).read_bytes() == PDF
    assert lifecycle_notices(engine) == sorted(
        [
            (f"{filed.ref}/filed", "office"),
            (f"{filed.ref}/returned", "unit:办公室"),
            (f"{again.ref}/filed", "office"),
            (f"{again.ref}/signed_off", "unit:办公室"),
        ]
    )
    with pytest.raises(Invalid):  # a closed task takes no more requests
        uc.request_completion(engine, settings, unit, "T5", summary="再报", today=D(2021, 5, 1))


@pytest.mark.parametrize(
    ("name", "data"),
    [("报告.exe", b"MZ\x90\x00"), ("报告.pdf", b"MZ\x90\x00 renamed"), ("报告.png", b"")],
)
def test_a_bad_upload_leaves_nothing_behind(engine, lifecycle, tmp_path, name, data):
    settings, people = lifecycle
    with pytest.raises(BadInput):  # BadInput
        uc.request_completion(
            engine,
            settings,
            people["bangongshi"],
            "T5",
            summary="完成",
            uploads=[("a.pdf", PDF), (name, data)],
            today=D(2021, 4, 20),
        )
    with read_session(engine) as session:
        assert session.exec(select(TaskRequest)).all() == []
    assert not (tmp_path / "files").exists()
    small = settings.model_copy(
        update={"lifecycle": settings.lifecycle.model_copy(update={"attachment_max_mb": 0.00001})}
    )
    with pytest.raises(BadInput, match="MB"):
        uc.request_completion(
            engine,
            small,
            people["bangongshi"],
            "T5",
            summary="完成",
            uploads=[("a.pdf", PDF)],
            today=D(2021, 4, 20),
        )


def test_only_the_office_cancels_with_a_reason(engine, lifecycle):
    settings, people = lifecycle
    filed = uc.request_extension(
        engine, settings, people["fagui"], "T1", to=D(2021, 4, 30), reason="x", today=D(2021, 3, 1)
    )
    before = task_state(engine, "T1")
    for who in ("fagui", "bangongshi", "leader"):
        with pytest.raises(Denied):
            uc.cancel_task(engine, settings, people[who], "T1", reason="不需要了", today=D(2021, 3, 2))
    with pytest.raises(Denied):  # not by an update either, not even the office's
        tasks.update_task(engine, people["office"], "T1", today=D(2021, 3, 2), status="cancelled")
    with pytest.raises(Invalid):
        uc.cancel_task(engine, settings, people["office"], "T1", reason="", today=D(2021, 3, 2))
    assert task_state(engine, "T1") == before
    done = uc.cancel_task(
        engine, settings, people["office"], "T1", reason="上级已取消该项工作", today=D(2021, 3, 2)
    )
    assert done.status == "cancelled"
    with read_session(engine) as session:
        assert session.get(TaskRequest, int(filed.ref[1:])).state == "withdrawn"
    cancelled = [n for n in lifecycle_notices(engine) if "/cancelled/" in n[0]]
    assert sorted(r for _p, r in cancelled) == ["unit:办公室", "unit:法规处"]


@pytest.mark.parametrize(
    "attempt",
    [
        "approve",
        "reject",
        "signoff",
        "return",
        "cancel",
        "defer",
        "set_done",
        "set_deferred",
        "set_cancelled",
    ],
)
def test_what_a_unit_may_not_do(engine, lifecycle, attempt):
    settings, people = lifecycle
    extension = uc.request_extension(
        engine, settings, people["fagui"], "T2", to=D(2021, 7, 1), reason="x", today=D(2021, 5, 1)
    )
    completion = uc.request_completion(
        engine, settings, people["fagui"], "T2", summary="完成", today=D(2021, 5, 1)
    )
    unit, today = people["fagui"], D(2021, 5, 2)
    attempts = {
        "approve": lambda: uc.approve_extension(engine, settings, unit, extension.ref, today=today),
        "reject": lambda: uc.reject_extension(
            engine, settings, unit, extension.ref, comment="x", today=today
        ),
        "signoff": lambda: uc.sign_off(engine, settings, unit, completion.ref, today=today),
        "return": lambda: uc.return_completion(
            engine, settings, unit, completion.ref, reason="x", today=today
        ),
        "cancel": lambda: uc.cancel_task(engine, settings, unit, "T2", reason="x", today=today),
        "defer": lambda: tasks.defer_task(engine, unit, "T2", to=D(2099, 12, 31), reason="x", today=today),
        "set_done": lambda: tasks.update_task(engine, unit, "T2", status="done", today=today),
        "set_deferred": lambda: tasks.update_task(engine, unit, "T2", status="deferred", today=today),
        "set_cancelled": lambda: tasks.update_task(engine, unit, "T2", status="cancelled", today=today),
    }
    before = task_state(engine, "T2")
    with read_session(engine) as session:
        journal = len(session.exec(select(Journal.id)).all())
    with pytest.raises(Denied):
        attempts[attempt]()
    assert task_state(engine, "T2") == before
    with read_session(engine) as session:
        assert len(session.exec(select(Journal.id)).all()) == journal
        assert {r.state for r in session.exec(select(TaskRequest))} == {"pending"}


def test_a_unit_asks_only_on_its_own_tasks_and_a_leader_neither_asks_nor_updates(engine, lifecycle):
    settings, people = lifecycle
    with pytest.raises(Denied):  # T5 is 办公室's
        uc.request_extension(
            engine, settings, people["fagui"], "T5", to=D(2021, 6, 1), reason="x", today=D(2021, 4, 1)
        )
    with pytest.raises(Denied):
        uc.request_completion(engine, settings, people["fagui"], "T5", summary="x", today=D(2021, 4, 1))
    with pytest.raises(Denied):
        tasks.update_task(engine, people["leader"], "T5", progress=10, today=D(2021, 4, 1))
    with pytest.raises(Denied):
        uc.request_extension(
            engine, settings, people["leader"], "T5", to=D(2021, 6, 1), reason="x", today=D(2021, 4, 1)
        )
    # A unit still reports progress and moves its task between 未开始 and 办理中.
    assert (
        tasks.update_task(
            engine, people["bangongshi"], "T5", status="in_progress", progress=30, today=D(2021, 4, 1)
        ).status
        == "in_progress"
    )


def test_a_leader_decides_extensions_when_config_says_so(engine, lifecycle):
    settings, people = lifecycle
    filed = uc.request_extension(
        engine, settings, people["fagui"], "T2", to=D(2021, 7, 1), reason="x", today=D(2021, 5, 1)
    )
    with pytest.raises(Denied, match="政务公开办"):
        uc.approve_extension(engine, settings, people["leader"], filed.ref, today=D(2021, 5, 2))
    leaders = settings.model_copy(
        update={"lifecycle": settings.lifecycle.model_copy(update={"extension_approver": "leader"})}
    )
    assert (
        uc.approve_extension(engine, leaders, people["leader"], filed.ref, today=D(2021, 5, 2)).state
        == "approved"
    )
    completion = uc.request_completion(
        engine, leaders, people["fagui"], "T2", summary="完成", today=D(2021, 5, 3)
    )
    with pytest.raises(Denied):  # sign-off stays the office's
        uc.sign_off(engine, leaders, people["leader"], completion.ref, today=D(2021, 5, 4))


def test_two_deciding_at_once_decide_once(engine, lifecycle):
    """Two office users approving the same request at the same moment: one wins, the other is told
    it was decided; the due date moves once and one notice goes to the unit."""
    from concurrent.futures import ThreadPoolExecutor

    settings, people = lifecycle
    filed = uc.request_extension(
        engine, settings, people["fagui"], "T2", to=D(2021, 7, 31), reason="x", today=D(2021, 5, 1)
    )
    version = task_state(engine, "T2")[3]

    def approve(_: int) -> str:
        try:
            uc.approve_extension(engine, settings, people["office"], filed.ref, today=D(2021, 5, 2))
        except Stale:
            return "stale"
        except Exception as error:
            return type(error).__name__
        return "approved"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(approve, range(2)))
    assert outcomes.count("approved") == 1 and set(outcomes) - {"approved"} <= {"stale", "Conflict"}, outcomes
    assert task_state(engine, "T2")[2:] == (D(2021, 7, 31), version + 1)
    assert [n for n in lifecycle_notices(engine) if n[0].endswith("/approved")] == [
        (f"{filed.ref}/approved", "unit:法规处")
    ]
