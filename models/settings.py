"""One validated Settings object, read from config.toml and the environment, passed explicitly."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.errors import BadInput
from models.files.archive_limits import ArchiveLimits
from models.files.units_file import UnitSpec
from models.vocabulary.i18n import LANGUAGES, _, normalise


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


Recipient = Literal["lead", "support", "office", "leader"]
# What a message template may name, with a value of the type workflows.escalate.line_for fills in
# ({days} is an int, the rest are text): a template that formats these formats every message.
TEMPLATE_SAMPLE: dict[str, object] = {
    "code": "T1",
    "title": "修订政府信息公开指南",
    "plan": "2021-gongkai",
    "path": "一 > 1",
    "due": "2021-03-15",
    "days": 14,
    "lead": "办公室",
    "support": "法规处",
    "deadline": "3月15日前",
    "level": "督办",
    "as_of": "2021-03-29",
}
TEMPLATE_FIELDS = frozenset(TEMPLATE_SAMPLE)


MAX_FORMAT_WIDTH = 200  # the widest `{title:<N}` or `{days:.N}` a template may ask for


def template_problem(template: str) -> str | None:
    """What would make this template fail when a message is composed, or None.

    Checked at load by formatting sample values: a bad conversion or format spec (`{days:%Y}`,
    `{title!x}`) parses fine and would otherwise crash every escalate run."""
    from string import Formatter

    try:
        parsed = [(name, spec) for _, name, spec, _ in Formatter().parse(template) if name is not None]
    except ValueError as error:
        return _("bad template {template!r}: {error}").format(template=template, error=error)
    fields = [name for name, _ in parsed]
    # Width and precision bounded before anything is formatted: `{days:>300000000}` would build a
    # 300-million-character line at load and in every message after.
    for name, spec in parsed:
        if "{" in (spec or ""):
            return _("bad template {template!r}: the format spec of {{{name}}} may not nest fields").format(
                template=template, name=name
            )
        if any(int(number) > MAX_FORMAT_WIDTH for number in re.findall(r"\d+", spec or "")):
            return _(
                "bad template {template!r}: the width or precision of {{{name}}} is over the limit of {limit}"
            ).format(template=template, name=name, limit=MAX_FORMAT_WIDTH)
    # `{days[0]}` and `{title.x}` name `days` and `title`; what they do with them is formatting's to judge.
    unknown = {name.split(".")[0].split("[")[0] or "{}" for name in fields} - TEMPLATE_FIELDS
    if unknown:
        return _("template {template!r} names {unknown}; it may use {known}").format(
            template=template, unknown=", ".join(sorted(unknown)), known=", ".join(sorted(TEMPLATE_FIELDS))
        )
    try:
        template.format_map(TEMPLATE_SAMPLE)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        return _("bad template {template!r}: {error}").format(template=template, error=error)
    return None


class EscalationLevel(_Strict):
    level: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str
    # A year either way is more than any plan-year ladder needs; far beyond it the trigger date
    # overflows datetime.date and every escalate run would crash.
    offset_days: int = Field(ge=-366, le=366)
    working_days: bool = False
    recipients: list[Recipient] = Field(min_length=1)
    template: str = "{level}：{plan} {path} {title}（{deadline}，期限 {due}）"

    @model_validator(mode="after")
    def _template(self) -> EscalationLevel:
        # Checked on the whole level so the message names it (the list index alone does not).
        problem = template_problem(self.template)
        if problem:
            raise ValueError(_("level {level!r}: {problem}").format(level=self.level, problem=problem))
        return self


# The level name of the monthly check-in of ongoing tasks (models.rules.ladder): not a ladder rung's name.
CHECKIN = "checkin"

DEFAULT_LADDER = [
    EscalationLevel(level="reminder", name="提醒", offset_days=-7, recipients=["lead"]),
    EscalationLevel(level="overdue", name="逾期催办", offset_days=0, recipients=["lead", "support"]),
    EscalationLevel(level="supervise", name="督办", offset_days=14, recipients=["lead", "leader"]),
    EscalationLevel(level="notify", name="通报", offset_days=30, recipients=["lead", "office", "leader"]),
]


class CheckinSettings(_Strict):
    day_of_month: int = Field(default=1, ge=0, le=28)  # 0: no check-ins
    recipients: list[Recipient] = Field(default_factory=lambda: ["lead"])  # type: ignore[arg-type]
    template: str = "{level}：请报送 {plan} {path} {title} 的最新进展（{deadline}）"

    @field_validator("template")
    @classmethod
    def _template(cls, value: str) -> str:
        problem = template_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class DigestSettings(_Strict):
    due_within_days: int = Field(default=14, ge=0)
    stale_days: int = Field(default=30, ge=1)
    # A unit's digest with nothing overdue, due soon or done that week is not sent: a weekly
    # mail listing only tasks months away teaches units to ignore the digest.
    skip_empty: bool = True


def cron_problem(expression: str) -> str | None:
    """What is wrong with a job's cron for Duban, or None. Checked where config.toml loads, so the
    scheduler and `duban deploy` refuse the same crons with the same message.

    APScheduler 3 (`duban scheduler`) counts weekday numbers from Monday (0 = Monday), cron and
    Prefect from Sunday (1 = Monday): "0 9 * * 1" would fire on Tuesday in one setup and Monday in
    the other, so weekdays must be names (mon…sun), which mean the same in both. The fields' values
    are left to APScheduler, which is not imported here (it costs time every command would pay).
    """
    fields = expression.split()
    if len(fields) != 5:
        return _(
            "bad cron expression {expression!r}: five fields expected (minute hour day month weekday)"
        ).format(expression=expression)
    if any(ch.isdigit() for ch in fields[4]):
        return _(
            "bad cron expression {expression!r}: weekday numbers mean different days to APScheduler "
            "(0 = Monday) and to cron and Prefect (1 = Monday); use day names (mon, tue, …, sun)"
        ).format(expression=expression)
    return None


class ScheduleSettings(_Strict):
    escalate: str = "0 8 * * *"
    digest: str = "0 9 * * mon"
    lookback: str = "0 9 30 11 *"
    jobstore: str = "var/scheduler.sqlite3"
    misfire_grace_days: int = Field(default=7, ge=1)

    @field_validator("escalate", "digest", "lookback")
    @classmethod
    def _cron(cls, value: str) -> str:
        problem = cron_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class NotifySettings(_Strict):
    outbox: str = "var/outbox"
    office: list[str] = Field(default_factory=list)
    leaders: dict[str, list[str]] = Field(default_factory=dict)
    retries: int = Field(default=3, ge=1)
    retry_delay_seconds: float = Field(default=2.0, ge=0)
    claim_seconds: int = Field(default=600, ge=0)


class LookbackSettings(_Strict):
    output: str = "var/lookback"
    formats: list[Literal["md", "xlsx", "docx"]] = Field(default_factory=lambda: ["md", "xlsx", "docx"])  # type: ignore[arg-type]
    # Processes writing the formats side by side: 1 the job's own alone, 0 as many as help.
    processes: int = Field(default=0, ge=0)


class UiSettings(_Strict):
    # Read at import by models.vocabulary.i18n (typer needs the words before any command runs);
    # here so that a typo is refused like any other key.
    language: str = "zh_CN"

    @field_validator("language")
    @classmethod
    def _known(cls, language: str) -> str:
        if normalise(language) is None:
            raise ValueError(
                _("no catalog for {language!r}: one of {choices}").format(
                    language=language, choices=", ".join(LANGUAGES)
                )
            )
        return language


class DashboardSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_file: str = "var/dashboard.secret"
    session_hours: int = Field(default=12, ge=1)
    cookie_secure: bool = False
    # The address office PCs open the dashboard at (http://duban.example.gov.cn:8000): notices link
    # each task to its page there. Empty: notices carry no links.
    base_url: str = ""

    def task_url(self, code: str) -> str | None:
        return f"{self.base_url.rstrip('/')}/tasks/{code}" if self.base_url.strip() else None

    def page_url(self, path: str) -> str | None:
        return f"{self.base_url.rstrip('/')}{path}" if self.base_url.strip() else None


class PrefectSettings(_Strict):
    """What `duban deploy` gives the deployments: each flow run sends a heartbeat every
    heartbeat_seconds (Prefect's minimum is 30), and a run silent for zombie_after_seconds is marked
    Crashed by the automation `duban deploy` creates (its machine or process is gone)."""

    heartbeat_seconds: int = Field(default=30, ge=30, le=3600)
    zombie_after_seconds: int = Field(default=120, ge=45, le=86400)

    @model_validator(mode="after")
    def _margin(self) -> PrefectSettings:
        if self.zombie_after_seconds < self.heartbeat_seconds + 15:
            raise ValueError(
                _(
                    "zombie_after_seconds must exceed heartbeat_seconds by at least 15 s, or a live run "
                    "whose heartbeat is a little late would be marked Crashed"
                )
            )
        return self


class PaceLevel(_Strict):
    """A rung of the ladder at a share of a task's time window (序时进度), raised by the escalation
    job once per due date when the share is reached and the pace light is at least `light`."""

    level: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str
    share: int = Field(ge=1, le=99)  # percent of the window used
    light: Literal["yellow", "red"] = "red"
    recipients: list[Recipient] = Field(min_length=1)
    template: str = (
        "{level}：{plan} {path} {title}，时间已过半程而进度滞后，期限 {due}（{deadline}），请加快推进。"
    )

    @model_validator(mode="after")
    def _template(self) -> PaceLevel:
        problem = template_problem(self.template)
        if problem:
            raise ValueError(f"pace level {self.level!r}: {problem}")
        return self


class LifecycleSettings(_Strict):
    """The 督办 lifecycle ([lifecycle] in config.toml): 签收 and periodic reports; who approves
    extensions, how many a task may get, where the evidence units upload is kept (outside the web
    root) and what it may be; 序时进度. Each group of keys belongs to one step."""

    # "office": the office (and admins) decide 延期申请; "leader": leaders may decide them too.
    extension_approver: Literal["office", "leader"] = "office"
    max_extensions: int = Field(default=2, ge=0)  # approved extensions per task
    late_extension_allowed: bool = True  # a request after the due date: allowed (marked late) or refused
    attachments_dir: str = "var/attachments"
    attachment_max_mb: float = Field(default=10, gt=0)
    attachment_types: list[str] = Field(
        default_factory=lambda: ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip"]
    )

    # --- 签收 and periodic reports (报送) ---
    # A new lead unit acknowledges (签收) within this many Chinese working days, else a 签收催办 is
    # raised once (0: never chased).
    ack_working_days: int = Field(default=3, ge=0, le=60)
    # Each open task expects one report per period from its lead unit, due by report_day of the
    # period's last month; "none": reports are taken (filed by month) but never expected or chased.
    report_cycle: Literal["monthly", "quarterly", "none"] = "none"
    report_day: int = Field(default=25, ge=1, le=28)
    ack_template: str = "{level}：{plan} {path} {title} 已于 {due} 交办贵单位，请及时签收。"
    report_template: str = "{level}：请于 {due} 前报送 {plan} {path} {title} 的本期进展。"

    @field_validator("ack_template", "report_template")
    @classmethod
    def _template(cls, value: str) -> str:
        problem = template_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    # --- end of 签收 and periodic reports ---

    # 序时进度 (models.rules.pace): points behind the share of the window used that turn the pace
    # light yellow (from pace_yellow, included) and red (beyond pace_red); and the ladder's rungs at
    # shares of the window (none unless configured).
    pace_yellow: int = Field(default=10, ge=0, le=100)
    pace_red: int = Field(default=30, ge=0, le=100)
    pace_levels: list[PaceLevel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _pace(self) -> LifecycleSettings:
        if self.pace_yellow > self.pace_red:
            raise ValueError(f"pace_yellow ({self.pace_yellow}) must not exceed pace_red ({self.pace_red})")
        names = [level.level for level in self.pace_levels]
        if len(set(names)) != len(names) or CHECKIN in names:
            raise ValueError(f"pace levels must have distinct names other than {CHECKIN!r}, got {names}")
        # Climbed in order of share, like the ladder by offset.
        self.pace_levels.sort(key=lambda level: level.share)
        return self

    @field_validator("attachment_types")
    @classmethod
    def _types(cls, types: list[str]) -> list[str]:
        return [kind.strip().lower().lstrip(".") for kind in types if kind.strip()]


class Settings(_Strict):
    timezone: str = "Asia/Shanghai"
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    plans: PlansSettings = Field(default_factory=PlansSettings)
    archives: ArchiveLimits = Field(default_factory=ArchiveLimits)
    ledger: LedgerSettings = Field(default_factory=LedgerSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    escalation: list[EscalationLevel] = Field(default_factory=lambda: list(DEFAULT_LADDER))
    checkin: CheckinSettings = Field(default_factory=CheckinSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    lookback: LookbackSettings = Field(default_factory=LookbackSettings)
    lifecycle: LifecycleSettings = Field(default_factory=LifecycleSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    lifecycle: LifecycleSettings = Field(default_factory=LifecycleSettings)
    prefect: PrefectSettings = Field(default_factory=PrefectSettings)
    units: list[UnitSpec] = Field(default_factory=list)  # more usually kept in plans/units.toml
    base_dir: Path = Path(".")  # folder of config.toml: relative paths are taken from here

    @field_validator("escalation")
    @classmethod
    def _ladder(cls, levels: list[EscalationLevel]) -> list[EscalationLevel]:
        if not levels:
            # `escalation = []` would silently stop all chasing, check-ins included (the ladder
            # climbs nothing) and nothing would say so: refused as the likely slip it is.
            raise ValueError(
                _(
                    "the ladder is empty, which would switch off every escalation and check-in; "
                    "leave `escalation` out for the default ladder, or give at least one [[escalation]] level"
                )
            )
        names = [level.level for level in levels]
        if CHECKIN in names:
            # Raised escalations are keyed by level name: a rung called "checkin" would be taken
            # for the monthly check-in of ongoing tasks (and vice versa).
            raise ValueError(
                _("{name!r} is the built-in monthly check-in ([checkin]); name the level otherwise").format(
                    name=CHECKIN
                )
            )
        taken = sorted(set(names) & {"ack", "report"})
        if taken:
            # The lifecycle's 签收催办 and 报送催办 are recorded under these level names.
            raise ValueError(
                f"{taken[0]!r} is the lifecycle's own chase ([lifecycle]); name the level otherwise"
            )
        if len(set(names)) != len(names):
            raise ValueError(_("escalation levels must have distinct names, got {names}").format(names=names))
        # The ladder is climbed in order of offset: a later rung never fires before an earlier one.
        return sorted(levels, key=lambda level: level.offset_days)

    @model_validator(mode="after")
    def _pace_levels_apart(self) -> Settings:
        # Escalations are keyed by level name: a pace rung named like a ladder rung would be taken
        # for it (raised once for both, named wrongly).
        clash = {level.level for level in self.escalation} & {
            level.level for level in self.lifecycle.pace_levels
        }
        if clash:
            raise ValueError(f"pace levels and escalation levels share the names {sorted(clash)}")
        return self

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("unknown time zone {value!r}").format(value=value)) from None
        return value

    def resolve(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.resolve(self.database.path)}"


# User-facing text (the catalog gives the Chinese).
CONFIG_MISSING = _(
    "the configuration file DUBAN_CONFIG names does not exist (the defaults are not used instead: notices"
    " and reports would then be written elsewhere); correct the path, or unset DUBAN_CONFIG to use"
    " config.toml in the current folder"
)


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from config.toml (DUBAN_CONFIG or ./config.toml; defaults if neither exists).

    A file named by DUBAN_CONFIG must exist: a worker or scheduler silently running on the defaults
    would write notices and reports to a folder of its own, on a ledger of its own."""
    named = os.environ.get("DUBAN_CONFIG")
    chosen = Path(path or named or "config.toml")
    data: dict = {}
    if path is None and named and not chosen.is_file():
        raise BadInput(CONFIG_MISSING, source=chosen, code="config.missing")
    if chosen.exists():
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise BadInput(
                _("not valid TOML: {error}").format(error=error), source=chosen, code="config.toml"
            ) from error
        except RecursionError:
            raise BadInput(
                _("TOML nested too deeply: cannot be read"), source=chosen, code="config.toml"
            ) from None
    elif path is not None:
        raise BadInput(_("configuration file not found"), source=chosen, code="config.missing")
    if os.environ.get("DUBAN_DATABASE_URL"):
        data.setdefault("database", {})["url"] = os.environ["DUBAN_DATABASE_URL"]
    data["base_dir"] = chosen.resolve().parent
    try:
        return Settings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        # pydantic prefixes a validator's own message with "Value error, ": noise to a reader.
        problem = first["msg"].removeprefix("Value error, ")
        raise BadInput(f"{where}: {problem}", source=chosen, code="config.invalid", field=where) from error
