"""One validated Settings object, read from config.toml and the environment, passed explicitly."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.errors import BadInput
from models.units import UnitSpec


class _Strict(BaseModel):
    # An unknown key is a typo in config.toml; say so instead of ignoring it.
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Strict):
    path: str = "var/duban.sqlite3"
    url: str | None = None


class PlansSettings(_Strict):
    dir: str = "plans"
    max_document_bytes: int = Field(default=20 * 1024 * 1024, gt=0)


class LedgerSettings(_Strict):
    due_soon_days: int = Field(default=14, ge=0)


class CalendarSettings(_Strict):
    extra_holidays: list[str] = Field(default_factory=list)


class EscalationLevel(_Strict):
    level: str
    name: str
    offset_days: int
    working_days: bool = False
    recipients: list[Literal["lead", "support", "office", "leader"]]


class ScheduleSettings(_Strict):
    escalate: str = "0 8 * * *"
    digest: str = "0 9 * * mon"
    lookback: str = "0 9 30 11 *"


class NotifySettings(_Strict):
    outbox: str = "var/outbox"


class Settings(_Strict):
    timezone: str = "Asia/Shanghai"
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    plans: PlansSettings = Field(default_factory=PlansSettings)
    ledger: LedgerSettings = Field(default_factory=LedgerSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    escalation: list[EscalationLevel] = Field(default_factory=list)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    units: list[UnitSpec] = Field(default_factory=list)  # more usually kept in plans/units.toml
    base_dir: Path = Path(".")  # folder of config.toml: relative paths are taken from here

    def resolve(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.resolve(self.database.path)}"


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from config.toml (DUBAN_CONFIG or ./config.toml; defaults if neither exists)."""
    chosen = Path(path or os.environ.get("DUBAN_CONFIG") or "config.toml")
    data: dict = {}
    if chosen.exists():
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise BadInput(f"not valid TOML: {error}", source=chosen) from error
    elif path is not None:
        raise BadInput("configuration file not found", source=chosen)
    if os.environ.get("DUBAN_DATABASE_URL"):
        data.setdefault("database", {})["url"] = os.environ["DUBAN_DATABASE_URL"]
    data["base_dir"] = chosen.resolve().parent
    try:
        return Settings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadInput(f"{where}: {first['msg']}", source=chosen) from error
