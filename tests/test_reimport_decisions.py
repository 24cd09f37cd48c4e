"""A re-import never undoes a decision made in the ledger (issue 11, item 8), on SQLite and
PostgreSQL: due dates the office set, deferrals, assignments, cancellations and sign-offs survive an
edited plan; a dry run lists what would change; confirmation applies a decided change; the same
document under another name is refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.errors import Conflict
from models.files.plan_file import dump_plan, read_plan_file
from models.plan import Deadline
from models.storage.db import read_session, write_session
from models.storage.tables import Assignment, Journal, Plan, Role, Task, Unit
from models.writes.decisions import EVERYTHING_CONFIRMED, Confirmed
from models.writes.ledger import assign_unit, defer_task, get_task, schedule_task, update_task
from workflows.ingest import import_paths

PLANS = Path(__file__).resolve().parent.parent / "plans"
JILIN = PLANS / "2021-jilin-amr-gongkai-yaodian.plan.toml"
KEY = "2021-jilin-amr-gongkai-yaodian"
D = dt.date


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """A copy of the reviewed plan the office can edit and re-import under its own key."""
    target = tmp_path / JILIN.name
    shutil.copy(JILIN, target)
    return target


def run_import(engine, path: Path, **options):
    return import_paths(engine, [path], actor="office", max_bytes=20_000_000, **options)[0]


def edit(path: Path, change) -> None:
    plan = read_plan_file(path)
    change(plan)
    path.write_text(dump_plan(plan), encoding="utf-8")


def units_of(session, code: str) -> dict[str, str]:
    task = get_task(session, code)
    rows = session.exec(
        select(Unit.name, Assignment.role).join(Unit).where(Assignment.task_id == task.id)
    ).all()
    return dict(rows)


def state(engine) -> list[tuple]:
    with read_session(engine) as session:
        tasks = session.exec(select(Task).order_by(Task.id)).all()
        rows = [
            (t.code, t.title, t.status, t.due_date, t.deadline_type, t.version, t.withdrawn) for t in tasks
        ]
        assignments = session.exec(
            select(Assignment.task_id, Assignment.unit_id, Assignment.role).order_by(Assignment.id)
        ).all()
        journal = session.exec(select(func.count()).select_from(Journal)).one()
        plans = session.exec(select(Plan.key, Plan.content_sha256).order_by(Plan.id)).all()
    return [rows, list(assignments), journal, list(plans)]


def rename_unit(old: str, new: str):
    def change(plan) -> None:
        for task in plan.tasks:
            task.lead_units = [new if name == old else name for name in task.lead_units]

    return change


def test_the_issues_case_an_edited_unit_name_keeps_the_offices_dates_and_deferral(engine, plan_file):
    """Re-importing the plan with one unit name edited wiped four due dates the office had set and
    reset an approved deferral while the status still read 已延期."""
    run_import(engine, plan_file)
    with write_session(engine) as session:
        for code, day in (
            ("T1", D(2021, 6, 30)),
            ("T2", D(2021, 7, 31)),
            ("T3", D(2021, 9, 30)),
            ("T4", D(2021, 10, 31)),
        ):
            schedule_task(session, code, to=day, actor="office")
        defer_task(session, "T17", to=D(2021, 12, 20), reason="等待省局统一部署", actor="office")
    edit(plan_file, rename_unit("宣传中心", "新闻宣传中心"))

    report = run_import(engine, plan_file)

    with read_session(engine) as session:
        assert [get_task(session, c).due_date for c in ("T1", "T2", "T3", "T4")] == [
            D(2021, 6, 30),
            D(2021, 7, 31),
            D(2021, 9, 30),
            D(2021, 10, 31),
        ]
        assert all(get_task(session, c).deadline_type == "date" for c in ("T1", "T2", "T3", "T4"))
        deferred = get_task(session, "T17")
        assert (deferred.due_date, deferred.status) == (D(2021, 12, 20), "deferred")
        # The document's own change, to a field nobody decided, is applied.
        assert "新闻宣传中心" in units_of(session, "T5") and "宣传中心" not in units_of(session, "T5")
    assert report.updated == 3  # T5, T12, T13 name 宣传中心
    kept = {task.code: task.kept for task in report.tasks if task.kept}
    assert set(kept) == {"T1", "T2", "T3", "T4", "T17"}
    assert kept["T17"][0].field == "deadline" and kept["T17"][0].old.startswith("2021-12-20")
    assert kept["T17"][0].new == "2021-11-30（11月30日前）" and kept["T17"][0].decided
    assert report.kept == 5

    # And again: nothing decided moves, nothing is written.
    before = state(engine)
    again = run_import(engine, plan_file)
    assert not again.changed and again.kept == 5
    assert state(engine) == before


def test_assignments_cancellations_and_sign_offs_survive_a_reimport(engine, plan_file):
    run_import(engine, plan_file)
    with write_session(engine) as session:
        assign_unit(session, "T9", unit="办公室", role=Role.SUPPORT, actor="office")  # a unit added
        assign_unit(session, "T16", unit="办公室", role=Role.SUPPORT, actor="office")  # a role changed
        assign_unit(session, "T13", unit="宣传中心", role=Role.LEAD, actor="office", remove=True)  # removed
        update_task(session, "T14", status="cancelled", note="并入第13项", actor="office")
        update_task(session, "T15", status="done", note="已办结", actor="office")
    edit(plan_file, rename_unit("宣传中心", "新闻宣传中心"))

    def document_edits(plan) -> None:
        by_path = {"/".join(task.path): task for task in plan.tasks}
        by_path["三/9"].lead_units = ["财务处"]  # the document renames T9's lead
        by_path["六/16"].lead_units = ["办公室", "法规处"]  # and adds a lead to T16
        by_path["五/14"].deadline = Deadline(type="date", date=D(2021, 8, 31), text="8月底前")
        by_path["六/15"].deadline = Deadline(type="date", date=D(2021, 9, 30), text="9月底前")

    edit(plan_file, document_edits)
    report = run_import(engine, plan_file)

    with read_session(engine) as session:
        # The added support unit stays; the document's new lead name is applied (undecided).
        assert units_of(session, "T9") == {"财务处": "lead", "办公室": "support"}
        # The office's role change stands; the unit the document adds is applied.
        assert units_of(session, "T16") == {"办公室": "support", "法规处": "lead"}
        # The unit the office removed is not put back; the name the document gives now is another
        # unit as far as the registry knows (until merged), so it follows the document.
        assert units_of(session, "T13") == {"办公室": "lead", "新闻宣传中心": "lead"}
        # Status is never the document's: a cancelled and a signed-off task stay so, dated anew.
        assert (get_task(session, "T14").status, get_task(session, "T14").due_date) == (
            "cancelled",
            D(2021, 8, 31),
        )
        assert (get_task(session, "T15").status, get_task(session, "T15").progress) == ("done", 100)
    t16 = next(task for task in report.tasks if task.code == "T16")
    assert [(c.decided, c.applied) for c in t16.fields] == [(False, True), (True, False)]
    assert t16.fields[1].new == "办公室、法规处"


def test_confirmation_applies_decided_changes_and_the_document_governs_again(engine, plan_file):
    run_import(engine, plan_file)
    with write_session(engine) as session:
        schedule_task(session, "T1", to=D(2021, 6, 30), actor="office")
        schedule_task(session, "T2", to=D(2021, 7, 31), actor="office")
        assign_unit(session, "T16", unit="法规处", role=Role.SUPPORT, actor="office")

    def document_edits(plan) -> None:
        plan.tasks[0].deadline = Deadline(type="period_end", date=D(2021, 12, 31), text="年底前")
        plan.tasks[1].deadline = Deadline(type="period_end", date=D(2021, 12, 31), text="年底前")
        plan.tasks[15].support_units = []

    edit(plan_file, document_edits)
    only_t1 = Confirmed(items=frozenset({("T1", "deadline")}))
    report = run_import(engine, plan_file, confirmed=only_t1)
    with read_session(engine) as session:
        assert get_task(session, "T1").due_date == D(2021, 12, 31)
        assert get_task(session, "T1").deadline_text == "年底前"
        assert get_task(session, "T2").due_date == D(2021, 7, 31)
        assert units_of(session, "T16") == {"办公室": "lead", "法规处": "support"}
    assert [task.code for task in report.tasks if task.kept] == ["T2", "T16"]

    # T1 follows the document again; T2's decision stands until confirmed.
    edit(
        plan_file,
        lambda plan: setattr(plan.tasks[0], "deadline", Deadline(type="date", date=D(2021, 10, 31))),
    )
    run_import(engine, plan_file)
    with read_session(engine) as session:
        assert get_task(session, "T1").due_date == D(2021, 10, 31)
        assert get_task(session, "T2").due_date == D(2021, 7, 31)

    run_import(engine, plan_file, confirmed=EVERYTHING_CONFIRMED)
    with read_session(engine) as session:
        assert get_task(session, "T2").due_date == D(2021, 12, 31)
        assert units_of(session, "T16") == {"办公室": "lead"}
        journal = session.exec(
            select(Journal.action, Journal.field, Journal.old, Journal.new)
            .where(Journal.task_id == get_task(session, "T16").id)
            .order_by(Journal.id)
        ).all()
        assert journal[-1] == ("import", "unit:法规处", "support", "")


def test_a_dry_run_lists_every_change_and_writes_nothing(engine, plan_file):
    run_import(engine, plan_file)
    with write_session(engine) as session:
        schedule_task(session, "T1", to=D(2021, 6, 30), actor="office")

    def document_edits(plan) -> None:
        plan.tasks[0].deadline = Deadline(type="date", date=D(2021, 5, 31), text="5月底前")
        plan.tasks[2].title = "规范政府信息公开环节和要素（修订）"
        del plan.tasks[3]  # 二、4 is withdrawn
        plan.tasks.append(plan.tasks[-1].model_copy(update={"path": ["六", "18"], "title": "新增任务"}))

    edit(plan_file, document_edits)
    before = state(engine)
    preview = run_import(engine, plan_file, dry_run=True)
    assert state(engine) == before
    kinds = {(task.kind, task.code or task.title) for task in preview.tasks}
    assert kinds == {("changed", "T1"), ("changed", "T3"), ("withdrawn", "T4"), ("new", "新增任务")}
    t1, t3 = (next(task for task in preview.tasks if task.code == code) for code in ("T1", "T3"))
    assert [(c.field, c.old, c.new, c.decided, c.applied) for c in t1.fields] == [
        ("deadline", "2021-06-30", "2021-05-31（5月底前）", True, False)
    ]
    assert [(c.field, c.new, c.decided) for c in t3.fields] == [
        ("title", "规范政府信息公开环节和要素（修订）", False)
    ]

    # The preview is what the import does.
    done = run_import(engine, plan_file)
    assert [(t.kind, t.code, t.fields) for t in done.tasks if t.kind != "new"] == [
        (t.kind, t.code, t.fields) for t in preview.tasks if t.kind != "new"
    ]
    with read_session(engine) as session:
        assert get_task(session, "T1").due_date == D(2021, 6, 30)
        assert get_task(session, "T4").withdrawn


def test_the_same_document_under_another_name_is_refused_naming_its_plan(engine, tmp_path):
    run_import(engine, JILIN)
    before = state(engine)
    for name in ("吉林要点副本.plan.toml", "吉林要点副本.txt"):
        copy = tmp_path / name
        shutil.copy(JILIN if name.endswith(".toml") else PLANS / f"{KEY}.txt", copy)
        with pytest.raises(Conflict) as error:
            run_import(engine, copy)
        assert error.value.code == "plan.duplicate.document"
        assert KEY in str(error.value) and "吉林要点副本" in str(error.value)
        assert state(engine) == before
    # Under its own name it is the re-import it always was.
    assert not run_import(engine, PLANS / f"{KEY}.txt").changed


def test_the_same_title_and_number_under_another_name_is_refused(engine, tmp_path):
    run_import(engine, JILIN)
    other = tmp_path / "另一份.plan.toml"
    shutil.copy(JILIN, other)
    edit(other, lambda plan: setattr(plan, "source_sha256", "0" * 64))  # a retyped copy: other bytes
    before = state(engine)
    with pytest.raises(Conflict) as error:
        run_import(engine, other)
    assert error.value.code == "plan.duplicate.number"
    assert KEY in str(error.value) and "吉市监办字〔2021〕76号" in str(error.value)
    assert state(engine) == before


def test_a_refused_duplicate_leaves_the_other_files_of_the_import_unwritten(engine, tmp_path):
    run_import(engine, JILIN)
    before = state(engine)
    twin = tmp_path / "twin.plan.toml"
    shutil.copy(JILIN, twin)
    fresh = PLANS / "2021-linyi-health-gongkai-fangan.plan.toml"
    with pytest.raises(Conflict):
        import_paths(engine, [fresh, twin], actor="office", max_bytes=20_000_000)
    assert state(engine) == before
    # Two names for one document within one import are refused just the same.
    copy = tmp_path / "copy.plan.toml"
    shutil.copy(fresh, copy)
    with pytest.raises(Conflict) as error:
        import_paths(engine, [fresh, copy], actor="office", max_bytes=20_000_000)
    assert "2021-linyi-health-gongkai-fangan" in str(error.value)
    assert state(engine) == before


def test_a_document_imported_twice_before_the_check_stays_re_importable_under_each_key(engine, tmp_path):
    """A ledger from before this check may hold one document under two keys: each re-imports."""
    run_import(engine, JILIN)
    with write_session(engine) as session:  # the second key, as an older Duban wrote it
        first = session.exec(select(Plan).where(Plan.key == KEY)).one()
        session.add(Plan(**first.model_dump(exclude={"id", "key"}), key="吉林要点"))
    copy = tmp_path / "吉林要点.plan.toml"
    shutil.copy(JILIN, copy)
    assert run_import(engine, copy).created == 17
    assert not run_import(engine, JILIN).changed
