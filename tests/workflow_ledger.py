"""A small hand-made ledger for the workflow tests: every kind of deadline, known units and leaders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from models.plan import Deadline, ParsedPlan, ParsedTask
from models.settings import Settings, load_settings
from models.storage.db import write_session
from models.writes.ledger import import_plan
from models.writes.units import UnitSpec, load_registry

ROOT = Path(__file__).resolve().parent.parent
D = dt.date

UNITS = [
    UnitSpec(name="办公室", leader="张副局长"),
    UnitSpec(name="法规处"),
    UnitSpec(name="信息中心", leader="李副局长"),
]


def task(path: str, title: str, lead: str, deadline: Deadline, support: str | None = None) -> ParsedTask:
    return ParsedTask(
        path=path.split("/"),
        title=title,
        lead_units=[lead],
        support_units=[support] if support else [],
        deadline=deadline,
    )


def plan() -> ParsedPlan:
    return ParsedPlan(
        title="2021年政务公开工作要点",
        issuer="某市市场监督管理局",
        year=2021,
        tasks=[
            task(
                "一/1",
                "修订政府信息公开指南",
                "办公室",
                Deadline(type="date", date=D(2021, 3, 15), text="3月15日前"),
                "法规处",
            ),
            task(
                "一/2",
                "更新权责清单",
                "法规处",
                Deadline(type="period_end", date=D(2021, 5, 31), text="5月底前"),
            ),
            task(
                "一/3",
                "报送政务公开工作进展",
                "信息中心",
                Deadline(type="recurring", text="每季度", recurrence="quarterly"),
            ),
            task("二/1", "持续做好政策解读", "法规处", Deadline(type="ongoing", text="持续推进")),
            task(
                "二/2", "发布年度报告", "办公室", Deadline(type="date", date=D(2021, 4, 30), text="4月30日前")
            ),
            task("二/3", "加强队伍建设", "办公室", Deadline()),
        ],
    )


def seed(engine: Engine, *, key: str = "2021-gongkai") -> None:
    with write_session(engine) as session:
        load_registry(session, UNITS)
        import_plan(session, plan(), key=key, actor="office")


def settings_for(tmp_path: Path, url: str, **notify: object) -> Settings:
    """The shipped config with the outbox and reports under tmp_path, retries without waiting."""
    settings = load_settings(ROOT / "config.toml")
    changes = {"outbox": str(tmp_path / "outbox"), "retry_delay_seconds": 0.0, **notify}
    return settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"url": url}),
            "notify": settings.notify.model_copy(update=changes),
            "lookback": settings.lookback.model_copy(update={"output": str(tmp_path / "lookback")}),
            "schedule": settings.schedule.model_copy(update={"jobstore": str(tmp_path / "jobs.sqlite3")}),
        }
    )


def write_config(tmp_path: Path, **notify: object) -> Path:
    """A config.toml for a `duban` subprocess: the shipped one with the outbox under tmp_path."""
    import tomllib

    import tomli_w

    data = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    data["notify"].update({"outbox": str(tmp_path / "outbox"), "retry_delay_seconds": 0.0, **notify})
    data["lookback"]["output"] = str(tmp_path / "lookback")
    data["schedule"]["jobstore"] = str(tmp_path / "jobs.sqlite3")
    data["plans"]["dir"] = str(ROOT / "plans")
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def set_channels(engine: Engine, unit: str, channels: list[str]) -> None:
    from sqlalchemy import update

    from models.storage.tables import Unit

    with write_session(engine) as session:
        session.execute(update(Unit).where(Unit.name == unit).values(channels=channels))


def seed_without_lead(engine: Engine, *, key: str = "2021-no-lead") -> None:
    """A second plan whose points name no unit at all (as the 2024 工作要点 seed does): one dated
    point due 2021-03-15 and one quarterly point."""
    leadless = ParsedPlan(
        title="2021年无责任单位的工作要点",
        year=2021,
        tasks=[
            ParsedTask(
                path=["一", "1"],
                title="无牵头单位的事项",
                deadline=Deadline(type="date", date=D(2021, 3, 15), text="3月15日前"),
            ),
        ],
    )
    with write_session(engine) as session:
        import_plan(session, leadless, key=key, actor="office")
