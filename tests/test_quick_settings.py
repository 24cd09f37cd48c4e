"""models.quick_settings: the values load_settings gives, validated once per configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.errors import BadInput
from models.quick_settings import QuickSettings, quick_settings
from models.settings import load_settings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUBAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DUBAN_CONFIG", raising=False)
    monkeypatch.delenv("DUBAN_DATABASE_URL", raising=False)
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Asia/Urumqi"\n[ledger]\ndue_soon_days = 5\n', encoding="utf-8")
    return path


def counted() -> tuple[list[int], object]:
    calls: list[int] = []

    def load():
        calls.append(1)
        return load_settings()

    return calls, load


def test_kept_values_are_load_settings_values(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, load = counted()
    first = quick_settings(load)
    assert first == QuickSettings.of(load_settings())
    assert (first.timezone, first.due_soon_days, first.pace_yellow) == ("Asia/Urumqi", 5, 10)
    assert first.database_url == f"sqlite:///{config.parent / 'var' / 'duban.sqlite3'}"
    assert quick_settings(load) == first and len(calls) == 1  # the second run validates nothing

    # Whatever load_settings reads makes another key: the file, the database variable, the folder.
    config.write_text('timezone = "Asia/Urumqi"\n[ledger]\ndue_soon_days = 6\n', encoding="utf-8")
    assert quick_settings(load).due_soon_days == 6 and len(calls) == 2
    monkeypatch.setenv("DUBAN_DATABASE_URL", "sqlite:////elsewhere.sqlite3")
    assert quick_settings(load).database_url == "sqlite:////elsewhere.sqlite3" and len(calls) == 3
    other = config.parent / "other"
    other.mkdir()
    monkeypatch.chdir(other)  # no config.toml here: the defaults
    assert quick_settings(load).timezone == "Asia/Shanghai" and len(calls) == 4


def test_a_refused_configuration_is_refused_every_time(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_text("[ledger]\ndue_soon_days = -1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(BadInput):
            quick_settings(load_settings)
    monkeypatch.setenv("DUBAN_CONFIG", str(config.parent / "missing.toml"))
    for _ in range(2):
        with pytest.raises(BadInput):
            quick_settings(load_settings)


def test_an_unwritable_cache_only_means_validating_again(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = config.parent / "blocker"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("DUBAN_CACHE_DIR", str(blocker))  # a file, not a folder
    calls, load = counted()
    assert quick_settings(load) == quick_settings(load) == QuickSettings.of(load_settings())
    assert len(calls) == 2
