"""The ledger on SQLite and PostgreSQL: import, re-import with edits, journal, locking, units."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.errors import BadInput, Conflict, NotFound
from models.files.plan_file import dump_plan, read_plan_file
from models.reads import units as registry_reads
from models.reads.queries import unit_counts
from models.reads.task_query import TaskFilter, TaskQuery
from models.storage.db import read_session, write_session
from models.storage.tables import Assignment, Journal, Role, Task, Unit
from models.writes import units as registry
from models.writes.ledger import assign_unit, defer_task, get_task, update_task
from workflows.ingest import import_paths

PLANS = Path(__file__).resolve().parent.parent / "plans"
JILIN = PLANS / "2021-jilin-amr-gongkai-yaodian.plan.toml"


def import_files(engine, *paths):
    return import_paths(engine, list(paths), actor="office", max_bytes=20_000_000)


def count(engine, model) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def snapshot(engine) -> list[tuple]:
    with read_session(engine) as session:
        tasks = session.exec(select(Task).order_by(Task.id)).all()
        return [(t.code, t.title, t.status, t.progress, t.version, t.due_date, t.withdrawn) for t in tasks]


def test_importing_the_same_plans_twice_changes_nothing(engine):
    first = import_files(engine, *sorted(PLANS.glob("*.plan.toml")))
    assert sum(r.created for r in first) == 56
    before, journal = snapshot(engine), count(engine, Journal)
    second = import_files(engine, *sorted(PLANS.glob("*.plan.toml")))
    assert [r.changed for r in second] == [False] * 5
    assert sum(r.unchanged for r in second) == 56
    assert snapshot(engine) == before
    assert count(engine, Journal) == journal


def test_a_document_and_its_reviewed_file_are_the_same_plan(engine):
    import_files(engine, JILIN)
    again = import_files(engine, PLANS / "2021-jilin-amr-gongkai-yaodian.txt")
    assert again[0].plan_key == "2021-jilin-amr-gongkai-yaodian" and not again[0].changed


def test_reimport_with_edits_updates_in_place_and_keeps_progress(engine, tmp_path):
    import_files(engine, JILIN)
    with write_session(engine) as session:
        update_task(session, "T1", actor="办公室", status="in_progress", progress=40, note="已完成梳理")
        update_task(session, "T2", actor="办公室", progress=10)
    plan = read_plan_file(JILIN)
    plan.tasks[0].title = "保障法定公开内容的日常维护和更新"
    plan.tasks[0].lead_units = ["办公室"]
    plan.tasks[0].support_units = ["综合处"]
    removed = plan.tasks.pop(1)  # point 2 disappears from the edited plan
    plan.tasks.append(plan.tasks[-1].model_copy(update={"path": ["六", "18"], "title": "新增任务"}))
    edited = tmp_path / JILIN.name
    edited.write_text(dump_plan(plan), encoding="utf-8")

    report = import_files(engine, edited)[0]
    assert (report.created, report.updated, report.withdrawn) == (1, 1, 1)
    with read_session(engine) as session:
        first = get_task(session, "T1")
        assert (first.title, first.status, first.progress) == (
            "保障法定公开内容的日常维护和更新",
            "in_progress",
            40,
        )
        rows = TaskQuery(
            session,
            TaskFilter(plan="2021-jilin-amr-gongkai-yaodian"),
            as_of=dt.date(2021, 6, 1),
            due_soon_days=14,
        ).rows()
        assert next(r for r in rows if r.code == "T1").support == ["综合处"]
        gone = get_task(session, "T2")
        assert gone.withdrawn and gone.progress == 10 and gone.title == removed.title
        assert "T2" not in [r.code for r in rows]
        fields = [j.field for j in session.exec(select(Journal).where(Journal.task_id == first.id))]
        assert {"title", "units", "status", "progress"} <= set(fields)

    # The point comes back: the same task, restored, its history intact.
    report = import_files(engine, JILIN)[0]
    assert report.restored == 1 and report.withdrawn == 1  # 六 > 18 is withdrawn in turn
    with read_session(engine) as session:
        assert not get_task(session, "T2").withdrawn and get_task(session, "T2").progress == 10


def test_a_bad_file_among_several_imports_nothing(engine, tmp_path):
    bad = tmp_path / "broken.plan.toml"
    bad.write_text('[plan]\ntitle = "x"\n[[tasks]]\npath = "not a list"\ntitle = 1\n', encoding="utf-8")
    with pytest.raises(BadInput) as error:
        import_files(engine, JILIN, bad)
    assert "broken.plan.toml" in str(error.value) and ":3:" in str(error.value)
    assert count(engine, Task) == 0 and count(engine, Journal) == 0


def test_two_points_with_one_path_are_refused(engine, tmp_path):
    plan = read_plan_file(JILIN)
    plan.tasks[1].path = plan.tasks[0].path
    target = tmp_path / "dup.plan.toml"
    target.write_text(dump_plan(plan), encoding="utf-8")
    with pytest.raises(BadInput, match="的路径同为"):
        import_files(engine, target)
    assert count(engine, Task) == 0


def test_every_update_is_journalled_with_who_why_and_evidence(engine):
    import_files(engine, JILIN)
    with write_session(engine) as session:
        task = update_task(
            session, "t3", actor="法规处", status="done", note="已上线", evidence="https://example.gov.cn/x"
        )
        assert (task.status, task.progress, task.version) == ("done", 100, 2)
    with read_session(engine) as session:
        rows = session.exec(
            select(Journal).where(Journal.task_id == task.id, Journal.action == "update")
        ).all()
    assert {(j.field, j.old, j.new) for j in rows} == {
        ("status", "not_started", "done"),
        ("progress", "0", "100"),
    }
    assert all(j.actor == "法规处" and j.note == "已上线" and j.evidence.endswith("/x") for j in rows)


def test_a_stale_version_is_a_conflict_not_a_lost_update(engine):
    import_files(engine, JILIN)
    with write_session(engine) as session:
        update_task(session, "T5", actor="办公室", progress=30, expected_version=1)
    with pytest.raises(Conflict, match="任务 T5 在版本"), write_session(engine) as session:
        update_task(session, "T5", actor="宣传中心", progress=60, expected_version=1)
    with read_session(engine) as session:
        assert get_task(session, "T5").progress == 30


def test_concurrent_writers_with_the_same_version_one_wins(engine):
    import_files(engine, JILIN)
    results: list[str] = []
    barrier = threading.Barrier(4)

    def writer(value: int) -> None:
        barrier.wait()
        try:
            with write_session(engine) as session:
                update_task(session, "T7", actor=f"w{value}", progress=value, expected_version=1)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=writer, args=(10 * (i + 1),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict"] * 3 + ["ok"]
    with read_session(engine) as session:
        task = get_task(session, "T7")
        assert task.version == 2
        journal = session.exec(
            select(Journal).where(Journal.task_id == task.id, Journal.action == "update")
        ).all()
        assert [j.new for j in journal] == [str(task.progress)]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: update_task(s, "T999", actor="x", progress=1), NotFound),
        (lambda s: update_task(s, "T1", actor="x", status="finished"), BadInput),
        (lambda s: update_task(s, "T1", actor="x", progress=101), BadInput),
        (lambda s: update_task(s, "T1", actor="x"), BadInput),
        (lambda s: defer_task(s, "T1", to=dt.date(2022, 1, 1), reason=" ", actor="x"), BadInput),
        (lambda s: assign_unit(s, "T1", unit="没有的处", role=Role.LEAD, actor="x", remove=True), NotFound),
    ],
)
def test_bad_changes_are_refused_and_leave_the_ledger_unchanged(engine, call, error):
    import_files(engine, JILIN)
    before, journal = snapshot(engine), count(engine, Journal)
    with pytest.raises(error), write_session(engine) as session:
        call(session)
    assert snapshot(engine) == before and count(engine, Journal) == journal


def test_deferral_moves_the_date_and_keeps_the_reason(engine):
    import_files(engine, JILIN)
    with write_session(engine) as session:
        task = defer_task(session, "T17", to=dt.date(2021, 12, 31), reason="等待省厅统一部署", actor="办公室")
    assert (task.due_date, task.status, task.deadline_text) == (
        dt.date(2021, 12, 31),
        "deferred",
        "11月30日前",
    )
    with read_session(engine) as session:
        overdue = TaskQuery(
            session, TaskFilter(overdue=True), as_of=dt.date(2021, 12, 15), due_soon_days=14
        ).rows()
        assert "T17" not in [r.code for r in overdue]
        reasons = {j.note for j in session.exec(select(Journal).where(Journal.action == "defer"))}
    assert reasons == {"等待省厅统一部署"}


def test_the_registry_beside_the_plans_is_loaded_first(engine):
    import_files(engine, JILIN)  # plans/units.toml names 标准化管理处 an alias of 标准化处
    with read_session(engine) as session:
        names = [u.name for u in registry_reads.unresolved(session)]
        assert "标准化管理处" not in names and "办公室" not in names and "价监竞争处" in names
        tenth = get_task(session, "T10")
        lead = session.exec(select(Assignment).where(Assignment.task_id == tenth.id)).one()
        assert session.get(Unit, lead.unit_id).name == "标准化处"


def test_units_resolve_through_aliases_and_unknown_names_wait_for_review(engine, tmp_path):
    jilin = tmp_path / JILIN.name  # away from plans/units.toml: this test brings its own registry
    shutil.copy(JILIN, jilin)
    with write_session(engine) as session:
        registry.load_registry(
            session,
            [
                registry.UnitSpec(
                    name="办公室", aliases=["厅办公室", "辦公室"], kind="处室", leader="张副厅长"
                ),
                registry.UnitSpec(name="标准化处", aliases=["标准化管理处"]),
            ],
        )
    import_files(engine, jilin)
    with read_session(engine) as session:
        assert registry.find(session, "辦 公 室").name == "办公室"  # Traditional, stray space
        names = [u.name for u in registry_reads.unresolved(session)]
        assert "标准化管理处" not in names and "法规处" in names
        tenth = get_task(session, "T10")
        lead = session.exec(select(Assignment).where(Assignment.task_id == tenth.id)).one()
        assert session.get(Unit, lead.unit_id).name == "标准化处"
    with write_session(engine) as session:
        registry.load_registry(session, [registry.UnitSpec(name="政策法规处")])
        registry.merge(session, "法规处", "政策法规处", actor="office")
    with read_session(engine) as session:
        assert "法规处" not in [u.name for u in registry_reads.unresolved(session)]
        rows = TaskQuery(
            session, TaskFilter(unit="法规处"), as_of=dt.date(2021, 6, 1), due_soon_days=14
        ).rows()
        assert {r.code for r in rows} == {"T1", "T3", "T8"}
        assert all("政策法规处" in r.lead for r in rows)  # a bare 责任处室 list: all of it leads
        # Re-importing the plan resolves 法规处 through the new alias: nothing changes.
    assert not import_files(engine, jilin)[0].changed


def test_merging_into_a_registered_name_twice_is_refused(engine):
    with write_session(engine) as session:
        registry.load_registry(session, [registry.UnitSpec(name="办公室"), registry.UnitSpec(name="法规处")])
    with pytest.raises(BadInput, match="已登记的单位"), write_session(engine) as session:
        registry.merge(session, "法规处", "办公室", actor="office")


def test_overdue_due_soon_and_unit_counts(engine):
    import_files(engine, *sorted(PLANS.glob("*.plan.toml")))
    as_of = dt.date(2021, 12, 1)
    with write_session(engine) as session:
        update_task(session, "T29", actor="办公室", status="done")  # 六 > 17, due 11-30
    with read_session(engine) as session:
        overdue = TaskQuery(session, TaskFilter(overdue=True), as_of=as_of, due_soon_days=14).rows()
        assert [(r.code, r.light.value) for r in overdue] == [("T1", "red"), ("T2", "red")]
        soon = TaskQuery(session, TaskFilter(due_within=30), as_of=as_of, due_soon_days=14).rows()
        # 六 > 15 (年内) and 四 > （十二） (2021年年底前) fall due on 12-31: 30 days, beyond the 14 of yellow.
        assert {(r.code, r.light.value) for r in soon} == {("T27", "green"), ("T41", "green")}
        assert (
            TaskQuery(session, TaskFilter(due_within=14), as_of=dt.date(2021, 12, 20), due_soon_days=14)
            .rows()[0]
            .light.value
            == "yellow"
        )
        counts = {c.unit: c for c in unit_counts(session, as_of=as_of)}
        assert counts["办公室"].done == 1 and counts["办公室"].overdue == 0


def test_backup_of_the_plans_folder_is_not_touched(engine, tmp_path):
    # Importing reads the plan files; it never rewrites them.
    copy = tmp_path / JILIN.name
    shutil.copy(JILIN, copy)
    import_files(engine, copy)
    assert copy.read_bytes() == JILIN.read_bytes()
