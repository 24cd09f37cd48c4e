"""Accounts: argon2 hashes, roles, and `duban user add|list|passwd`."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner
from workflow_ledger import seed

from cli.main import app
from models.errors import BadInput, Conflict
from models.reads.users import authenticate, may_update
from models.storage.db import read_session, write_session
from models.writes.ledger import get_task
from models.writes.users import BUSY, LoginThrottle, add_user
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import business_day

runner = CliRunner()


def test_passwords_are_hashed_with_argon2_and_checked(engine):
    seed(engine)
    with write_session(engine) as session:
        user = add_user(session, "office", role="office", password="long enough")
        assert user.password_hash.startswith("$argon2") and "long enough" not in user.password_hash
    with write_session(engine) as session:
        assert authenticate(session, "office", "long enough") is not None
        assert authenticate(session, "office", "wrong one!") is None
        assert authenticate(session, "nobody", "long enough") is None


def test_bad_accounts_are_refused_with_a_reason(engine):
    seed(engine)
    with write_session(engine) as session:
        with pytest.raises(BadInput) as unknown:
            add_user(session, "x", role="boss", password="long enough")
        assert (unknown.value.code, unknown.value.params["value"]) == ("user.role.unknown", "boss")
        with pytest.raises(BadInput) as refused:
            add_user(session, "x", role="unit", password="long enough")
        # The domain names the field; the CLI says the flag (--unit), a page its label.
        assert (refused.value.code, refused.value.field) == ("user.unit_required", "unit")
        with pytest.raises(BadInput, match="至少 8 个字符"):
            add_user(session, "x", role="office", password="short")
        add_user(session, "x", role="office", password="long enough")
        with pytest.raises(Conflict):
            add_user(session, "x", role="office", password="long enough")


def test_a_unit_user_may_update_only_its_units_tasks_and_a_leader_none(engine):
    seed(engine)
    with write_session(engine) as session:
        unit = add_user(session, "u", role="unit", unit="法规处", password="long enough")
        leader = add_user(session, "l", role="leader", password="long enough")
        office = add_user(session, "o", role="office", password="long enough")
    with read_session(engine) as session:
        supported = get_task(session, "T1")  # 办公室 leads, 法规处 supports
        foreign = get_task(session, "T3")  # 信息中心 only
        assert may_update(session, unit, supported) and not may_update(session, unit, foreign)
        assert not may_update(session, leader, supported)
        assert may_update(session, office, foreign)


def test_only_the_office_and_admins_choose_the_day_of_a_change(engine):
    seed(engine)
    with write_session(engine) as session:
        users = {
            role: add_user(
                session, role, role=role, password="long enough", unit="办公室" if role == "unit" else None
            )
            for role in ("admin", "office", "unit", "leader")
        }
    today, asked = dt.date(2021, 5, 6), dt.date(2099, 12, 31)
    actors = {role: Actor.of_user(user) for role, user in users.items()}
    assert business_day(actors["admin"], asked, today=today) == asked
    assert business_day(actors["office"], asked, today=today) == asked
    assert business_day(actors["office"], None, today=today) == today
    assert business_day(actors["unit"], asked, today=today) == today
    assert business_day(actors["leader"], asked, today=today) == today
    assert business_day(Actor.system("demo"), asked, today=today) == asked


def test_user_commands(cli_env):
    from models.storage.db import open_ledger

    seed(open_ledger(cli_env))
    added = runner.invoke(
        app,
        ["user", "add", "zhang", "--role", "unit", "--unit", "办公室", "--password-stdin"],
        input="a good password\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["user", "list", "-f", "csv"])
    assert "zhang,unit,办公室,yes" in listed.stdout
    bad = runner.invoke(
        app,
        ["user", "add", "li", "--role", "unit", "--unit", "不存在的处", "--password-stdin"],
        input="a good password\n",
    )
    assert bad.exit_code != 0 and "不存在的处" in bad.stderr
    changed = runner.invoke(app, ["user", "passwd", "zhang", "--password-stdin"], input="another password\n")
    assert changed.exit_code == 0


def test_the_login_throttle_counts_failures_per_name_within_the_window(engine):
    now = [1_000_000.0]
    throttle = LoginThrottle(engine, clock=lambda: now[0])

    def fail(name: str = "zhang") -> None:
        assert throttle.reserve(name) == 0  # reserved: the password may be checked
        throttle.failed(name)

    for _ in range(3):
        fail()
    assert throttle.reserve("zhang") == 0
    throttle.succeeded("zhang")  # a success releases its reservation, and clears no failure
    fail(" zhang ")
    assert throttle.reserve("zhang") == 0  # the fifth check …
    throttle.failed("zhang")  # … wrong: the name is locked
    assert throttle.reserve("zhang") == 15 * 60 and throttle.reserve("li") == 0
    now[0] += 10 * 60
    assert throttle.reserve("zhang") == 5 * 60
    now[0] += 5 * 60
    for _ in range(4):  # after the lockout the allowance is whole again
        fail()
    now[0] += 15 * 60  # the window passed with four failures: counted from zero again
    for _ in range(4):
        fail()
    # Five checks in flight at once fill the allowance: a sixth waits, unchecked.
    for _ in range(5):
        assert throttle.reserve("wang") == 0
    assert throttle.reserve("wang") == BUSY
    for _ in range(5):
        throttle.succeeded("wang")
    assert throttle.reserve("wang") == 0
