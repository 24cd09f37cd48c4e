"""The permission table (models.rules.permissions) and the use cases that apply it: each role and
action, a unit acting on another unit's task, from the use cases, the CLI and the web faces, on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_client import add_users, dashboard_settings, login, token
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner
from workflow_ledger import seed, settings_for

from cli.main import app as cli_app
from models.rules import permissions
from models.rules.permissions import Action, Grant, Role, allowed, grant, may_set_status
from models.storage.db import read_session, write_session
from models.storage.tables import Journal, Plan, UnitSummary
from models.storage.tables import Role as UnitRole
from models.writes.ledger import get_task
from models.writes.users import add_user
from workflows.use_cases import jobs, summaries, tasks, units, users
from workflows.use_cases.actor import Actor
from workflows.use_cases.errors import Denied, Invalid
from workflows.use_cases.imports import import_plans

TODAY = dt.date(2021, 4, 20)
Y, OWN, N = Grant.YES, Grant.OWN_UNIT, Grant.NO

# The policy, written out by hand: admin, office, leader, unit, system.
EXPECTED = {
    Action.VIEW: (Y, Y, Y, Y, Y),
    Action.IMPORT_PLAN: (Y, Y, N, N, Y),
    Action.IMPORT_WORKBOOK: (Y, Y, N, OWN, Y),
    Action.EXPORT_WORKBOOK: (Y, Y, Y, Y, Y),
    Action.UPDATE_TASK: (Y, Y, N, OWN, Y),
    Action.DEFER_TASK: (Y, Y, N, N, Y),  # a unit asks (REQUEST_EXTENSION) instead
    Action.SCHEDULE_TASK: (Y, Y, N, N, Y),
    Action.ASSIGN_UNIT: (Y, Y, N, N, Y),
    Action.BACKDATE: (Y, Y, N, N, Y),
    Action.MERGE_UNITS: (Y, Y, N, N, Y),
    Action.LOAD_UNITS: (Y, Y, N, N, Y),
    Action.ESCALATE: (Y, Y, N, N, Y),
    Action.DIGEST: (Y, Y, N, N, Y),
    Action.SEND_NOTICES: (Y, Y, N, N, Y),
    Action.LOOK_BACK: (Y, Y, N, N, Y),
    Action.SUBMIT_SUMMARY: (Y, Y, N, OWN, Y),
    Action.ISSUE_BULLETIN: (Y, Y, N, N, Y),
    Action.RENAME_PLAN: (Y, Y, N, N, Y),
    Action.MANAGE_USERS: (Y, N, N, N, N),
    Action.ACKNOWLEDGE: (Y, Y, N, OWN, N),
    Action.SUBMIT_REPORT: (Y, Y, N, OWN, N),
    Action.REQUEST_EXTENSION: (Y, Y, N, OWN, N),
    Action.DECIDE_EXTENSION: (Y, Y, N, N, N),
    Action.REQUEST_COMPLETION: (Y, Y, N, OWN, N),
    Action.REVIEW_COMPLETION: (Y, Y, N, N, N),
    Action.CANCEL_TASK: (Y, Y, N, N, N),
    Action.WRITE_INSTRUCTION: (Y, N, Y, N, N),
    Action.REPLY_INSTRUCTION: (Y, Y, N, OWN, N),
    Action.RECORD_CHASE: (Y, Y, N, N, N),
    Action.BACKUP: (Y, Y, N, N, Y),
    Action.RESTORE: (Y, N, N, N, N),
}
ROLES = (Role.ADMIN, Role.OFFICE, Role.LEADER, Role.UNIT, Role.SYSTEM)


def test_every_action_has_a_row():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_and_action(role: Role, action: Action):
    expected = EXPECTED[action][ROLES.index(role)]
    assert grant(role, action) is expected
    assert allowed(role, action, own=True) is (expected is not Grant.NO)
    # Another unit's task (or summary): only a grant for every one allows it.
    assert allowed(role, action, own=False) is (expected is Grant.YES)


def test_an_unknown_role_may_do_nothing():
    assert grant("boss", Action.VIEW) is Grant.NO and not allowed("boss", Action.VIEW)
    assert not may_set_status("boss", "not_started", "done")


def test_the_status_transitions():
    # Nobody sets cancelled by an update: only the office's cancel (with a reason) does.
    for role in (Role.ADMIN, Role.OFFICE, Role.SYSTEM):
        for old in permissions.STATUSES:
            assert all(may_set_status(role, old, new) for new in permissions.STATUSES if new != "cancelled")
            assert may_set_status(role, old, "cancelled") is (old == "cancelled")
    # A unit moves an open task between 未开始 and 办理中; done and deferred are the office's decisions
    # (it asks for them), and a closed task is not the unit's to reopen.
    for old in ("not_started", "in_progress", "deferred"):
        assert may_set_status(Role.UNIT, old, "in_progress") and may_set_status(Role.UNIT, old, "not_started")
        for new in ("done", "deferred", "cancelled"):
            assert may_set_status(Role.UNIT, old, new) is (old == new)
    for old in ("done", "cancelled"):
        assert not any(may_set_status(Role.UNIT, old, new) for new in permissions.STATUSES if new != old)
    assert not may_set_status(Role.LEADER, "not_started", "done")
    assert may_set_status(Role.LEADER, "done", "done")  # staying put is no transition


def test_a_stored_system_role_never_gets_job_powers():
    from models.storage.tables import User

    assert Actor.of_user(User(name="x", role="system", password_hash="")).role is Role.LEADER
    assert Actor.of_user(User(name="x", role="office", password_hash="")).role is Role.OFFICE


# --- The use cases apply it -------------------------------------------------------------------


@pytest.fixture
def people(engine):
    """T1: 办公室 leads, 法规处 supports; T3: 信息中心 only (workflow_ledger.seed)."""
    seed(engine)
    with write_session(engine) as session:
        made = {
            "unit": add_user(session, "u", role="unit", unit="法规处", password="long enough"),
            "leader": add_user(session, "l", role="leader", password="long enough"),
            "office": add_user(session, "o", role="office", password="long enough"),
            "admin": add_user(session, "a", role="admin", password="long enough"),
        }
    return {name: Actor.of_user(user) for name, user in made.items()}


def state(engine, code: str) -> tuple[str, int, int, dt.date | None, int]:
    with read_session(engine) as session:
        task = get_task(session, code)
        entries = len(list(session.exec(select(Journal.id).where(Journal.task_id == task.id))))
        return task.status, task.progress, task.version, task.due_date, entries


def test_a_unit_changes_its_own_task_but_not_another_units(engine, people):
    unit = people["unit"]
    done = tasks.update_task(
        engine, unit, "T1", today=TODAY, day=dt.date(2099, 1, 1), progress=40, note="推进"
    )
    assert (done.code, done.progress, done.day) == ("T1", 40, TODAY)  # a unit cannot backdate
    before = state(engine, "T3")
    for attempt in (
        lambda: tasks.update_task(engine, unit, "T3", today=TODAY, progress=50),
        lambda: tasks.defer_task(engine, unit, "T3", today=TODAY, to=dt.date(2021, 12, 31), reason="x"),
    ):
        with pytest.raises(Denied) as refused:
            attempt()
        assert refused.value.code == "denied" and refused.value.field == "task"
        assert str(refused.value).startswith("无权修改任务 T3")
    assert state(engine, "T3") == before


OFFICE_WORK = {
    "schedule": lambda e, a: tasks.schedule_task(e, a, "T1", to=dt.date(2021, 6, 1), today=TODAY),
    "assign": lambda e, a: tasks.assign_unit(e, a, "T1", unit="信息中心", role=UnitRole.SUPPORT, today=TODAY),
    "update": lambda e, a: tasks.update_task(e, a, "T1", today=TODAY, progress=10),
}


@pytest.mark.parametrize(
    ("who", "what"),
    [
        ("unit", "schedule"),
        ("unit", "assign"),
        ("leader", "schedule"),
        ("leader", "assign"),
        ("leader", "update"),
    ],
)
def test_what_a_unit_or_a_leader_may_not_do_to_a_task(engine, people, who, what):
    before = state(engine, "T1")  # a task 法规处 (the unit user's) supports
    with pytest.raises(Denied):
        OFFICE_WORK[what](engine, people[who])
    assert state(engine, "T1") == before
    OFFICE_WORK[what](engine, people["office"])  # … the office may
    assert state(engine, "T1") != before


def test_registry_imports_users_and_jobs_are_refused_to_those_without_the_grant(engine, people, tmp_path):
    settings = settings_for(tmp_path, str(engine.url))
    for who in ("unit", "leader"):
        with pytest.raises(Denied, match="只有政务公开办和管理员"):
            units.merge_units(engine, people[who], "某某处", "法规处")
        with pytest.raises(Denied):
            import_plans(engine, settings, people[who], [])
        with pytest.raises(Denied):
            jobs.escalate(engine, settings, people[who], as_of=TODAY)
        with pytest.raises(Denied):
            jobs.look_back(engine, settings, people[who], as_of=TODAY, year=2021, output=tmp_path / "x")
    with pytest.raises(Denied, match="只有管理员"):
        users.add_user(engine, people["office"], "new", role="leader", password="long enough")
    assert users.add_user(engine, people["admin"], "new", role="leader", password="long enough").name == "new"
    with read_session(engine) as session:
        assert session.exec(select(Plan)).all()  # the seed only: nothing imported by the refused ones
    assert not (tmp_path / "x").exists()


def test_a_unit_files_its_own_summary_only(engine, people):
    with pytest.raises(Denied) as refused:
        summaries.submit_summary(engine, people["unit"], unit="信息中心", year=2021, text="总结")
    assert refused.value.field == "unit"
    done = summaries.submit_summary(engine, people["unit"], unit="法规处", year=2021, text="本处总结")
    assert (done.unit, done.characters) == ("法规处", 4)
    with read_session(engine) as session:
        assert len(session.exec(select(UnitSummary)).all()) == 1


def test_an_update_that_changes_nothing_is_refused_from_every_face(engine, people):
    """`duban update T1 --status <unchanged>` used to journal an "update" (silencing check-ins)
    where the page refused it: one rule now, in the use case."""
    before = state(engine, "T1")
    for actor in (people["office"], Actor.operator("office"), Actor.system("demo")):
        with pytest.raises(Invalid) as refused:
            tasks.update_task(engine, actor, "T1", today=TODAY, status=before[0], progress=before[1])
        assert refused.value.code == "nothing_to_update"
    assert state(engine, "T1") == before


# --- From the CLI and the web ----------------------------------------------------------------


def test_the_cli_acts_as_the_account_named_by_as(cli_env):
    from models.storage.db import open_ledger

    engine = open_ledger(cli_env)
    seed(engine)
    with write_session(engine) as session:
        add_user(session, "fagui", role="unit", unit="法规处", password="long enough")
    runner = CliRunner()
    before = state(engine, "T3")
    refused = runner.invoke(cli_app, ["update", "T3", "--progress", "50", "--as", "fagui"])
    assert refused.exit_code == 5 and "无权修改任务 T3" in refused.stderr
    assert state(engine, "T3") == before
    unchanged = runner.invoke(cli_app, ["update", "T3", "--status", before[0]])
    assert unchanged.exit_code == 2 and "没有要更新的内容" in unchanged.stderr
    assert state(engine, "T3") == before
    assert runner.invoke(cli_app, ["update", "T1", "--progress", "30", "--as", "fagui"]).exit_code == 0
    # A unit of the registry acts as that unit; a name nobody knows is refused (a typo never lands
    # in the journal as somebody new); the commands' default, office, is the operator at the server.
    assert runner.invoke(cli_app, ["update", "T3", "--progress", "50", "--as", "某人"]).exit_code == 2
    assert runner.invoke(cli_app, ["update", "T3", "--progress", "50", "--as", "office"]).exit_code == 0
    engine.dispose()


@pytest.fixture
def web(ledger_url, tmp_path):
    from dashboard.app import create_app
    from models.storage.db import open_ledger

    engine = open_ledger(ledger_url)
    seed(engine)
    add_users(engine)  # unit: 办公室, other: 法规处
    engine.dispose()
    app = create_app(dashboard_settings(tmp_path, ledger_url))
    yield app
    app.state.engine.dispose()


def api(app, name: str) -> TestClient:
    client = login(TestClient(app), name)
    client.headers["X-CSRF-Token"] = token(client)
    return client


@pytest.mark.parametrize("name", ["unit", "leader"])
def test_the_web_faces_refuse_what_the_table_refuses(web, name):
    client = api(web, name)
    merge = client.post("/api/units/merge", json={"alias": "某某处", "canonical": "法规处"})
    assert merge.status_code == 403 and "只有政务公开办和管理员" in merge.json()["error"]
    assert client.get("/plans/import").status_code == 403
    foreign = client.post("/api/tasks/T3/update", json={"version": 1, "progress": 5})
    assert foreign.status_code == 403 and foreign.json()["error"].startswith("无权修改任务 T3")
    assert (foreign.json()["code"], foreign.json()["field"]) == ("denied", "task")
    office = api(web, "office")
    assert office.post("/api/tasks/T3/update", json={"version": 1, "progress": 5}).status_code == 200
    assert office.get("/plans/import").status_code == 200


def _fill(path, code: str, progress: int) -> None:
    from openpyxl import load_workbook

    from models.files.excel import HEADERS

    workbook = load_workbook(path)
    sheet = workbook["台账"]
    number = next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == code)
    sheet.cell(row=number, column=HEADERS.index("进度(%)") + 1, value=progress)
    workbook.save(path)


def test_a_unit_account_imports_the_rows_of_its_own_tasks_only(cli_env, tmp_path):
    from models.storage.db import open_ledger

    engine = open_ledger(cli_env)
    seed(engine)
    with write_session(engine) as session:
        add_user(session, "fagui", role="unit", unit="法规处", password="long enough")
    runner = CliRunner()
    sheet = tmp_path / "台账.xlsx"
    assert runner.invoke(cli_app, ["export", "--xlsx", str(sheet), "--as-of", "2021-04-20"]).exit_code == 0
    _fill(sheet, "T1", 30)  # 法规处 supports T1 …
    _fill(sheet, "T3", 50)  # … but has nothing to do with T3
    before = state(engine, "T3")
    result = runner.invoke(cli_app, ["import", "--xlsx", str(sheet), "--as", "fagui"])
    # Row by row: the row of its own task is applied, the other refused and named; exit 1.
    assert result.exit_code == 1, result.output
    assert "行未导入" in result.stdout and "无权修改任务 T3" in result.stdout, result.output
    assert state(engine, "T1")[1] == 30 and state(engine, "T3") == before
    engine.dispose()
