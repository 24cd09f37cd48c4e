"""config.toml: the shipped file loads, every setting is documented, typos are refused."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.errors import BadInput
from models.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.toml"


def test_the_shipped_config_loads_with_the_documented_defaults():
    settings = load_settings(CONFIG)
    assert settings.timezone == "Asia/Shanghai"
    assert [level.name for level in settings.escalation] == ["提醒", "逾期催办", "督办", "通报"]
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'duban.sqlite3'}"


def test_every_setting_is_in_the_shipped_config():
    """A setting added to Settings but not to config.toml (with its comment) is undocumented."""
    text = CONFIG.read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        if name == "base_dir":
            continue
        assert re.search(rf"^#?\s*\[*{name}\]*\s*=|^#?\s*\[\[?{name}\]?\]", text, re.M), name
        sub = getattr(field.annotation, "model_fields", {})
        for key in sub:
            if key != "url":  # DUBAN_DATABASE_URL is how the URL is set; documented beside path
                assert re.search(rf"^\s*{key}\s*=", text, re.M), f"{name}.{key}"


def test_a_typo_in_the_config_is_an_error_naming_the_key(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[ledger]\ndue_son_days = 3\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"config.toml: ledger.due_son_days"):
        load_settings(config)


def test_the_environment_overrides_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_DATABASE_URL", "postgresql://duban@127.0.0.1/duban")
    assert load_settings(CONFIG).database_url == "postgresql://duban@127.0.0.1/duban"


def test_units_registered_in_the_config_resolve_on_import(cli_env, tmp_path, monkeypatch):
    from cli import context

    config = tmp_path / "config.toml"
    config.write_text('[[units]]\nname = "反垄断处"\naliases = ["反垄断执法处"]\n', encoding="utf-8")
    monkeypatch.setenv("DUBAN_CONFIG", str(config))
    context.settings.cache_clear()
    runner = CliRunner()
    plan = ROOT / "plans" / "2021-jilin-amr-gongkai-yaodian.plan.toml"
    assert runner.invoke(app, ["import", str(plan)]).exit_code == 0
    unresolved = runner.invoke(app, ["units", "--unresolved"]).stdout
    assert "反垄断处" not in unresolved and "价监竞争处" in unresolved


LEVEL = '[[escalation]]\nlevel = "supervise"\nname = "督办"\noffset_days = 14\nrecipients = ["lead"]\n'


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{days:%Y}", "Invalid format specifier"),
        ("{title!x}", "Unknown conversion specifier x"),
        ("{days[0]}", "not subscriptable"),
        ("{title:d}", "Unknown format code 'd'"),
        ("{dayz}", "用了 dayz；可用的字段为 as_of, code"),
        ("逾期 {} 天", "用了 {}"),
    ],
)
def test_a_template_that_would_not_format_is_refused_at_load_naming_its_level(tmp_path, template, problem):
    config = tmp_path / "config.toml"
    config.write_text(LEVEL + f"template = {template!r}\n", encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_settings(config)
    message = caught.value.message
    assert message.startswith(f"{config}: escalation.0: 级别 'supervise'：") and problem in message
    assert "\n" not in message and "Value error" not in message


@pytest.mark.parametrize("offset", [100_000_000, -367, 367])
def test_an_offset_beyond_a_year_is_refused_at_load(tmp_path, offset):
    config = tmp_path / "config.toml"
    config.write_text(LEVEL.replace("offset_days = 14", f"offset_days = {offset}"), encoding="utf-8")
    with pytest.raises(BadInput, match=r"config.toml: escalation.0.offset_days: Input should be"):
        load_settings(config)


def test_an_offset_of_a_year_either_way_loads(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(LEVEL.replace("offset_days = 14", "offset_days = -366"), encoding="utf-8")
    assert load_settings(config).escalation[0].offset_days == -366


def test_a_level_named_checkin_is_refused_since_the_check_in_has_that_name(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(LEVEL.replace('level = "supervise"', 'level = "checkin"'), encoding="utf-8")
    with pytest.raises(BadInput, match=r"config.toml: escalation: 'checkin' 是内置的每月进展调度"):
        load_settings(config)


def test_an_empty_ladder_is_refused_rather_than_silently_switching_escalation_off(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("escalation = []\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"config.toml: escalation: 督办级别为空"):
        load_settings(config)
