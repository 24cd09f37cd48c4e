"""The few settings `duban tasks` and `duban show` read, kept once the whole configuration was
validated.

Why: loading the settings validates config.toml through the pydantic models of models.settings:
importing pydantic and building those models is ~0.15 s of CPU, more than the rest of `duban
tasks` on its quick path. These commands need five values of it.

How it stays the same as load_settings: the values are taken from a Settings that load_settings
returned (so a configuration it refuses is refused as before, and never kept), and kept in a cache
file whose name is a hash of everything load_settings reads to make them: the working folder, the
DUBAN_CONFIG and DUBAN_DATABASE_URL variables, the configuration file's path and bytes, and the
code that validates it (the files of models/, models/files/ and models/vocabulary/, and pydantic's
own). Any change to one of those is another key, so the next run validates again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.kept_files import cache_dir, code_fingerprint, keep, read_kept

if TYPE_CHECKING:
    from models.settings import Settings

MODELS = Path(__file__).resolve().parent
# Bumped when the fields below change.
FORMAT = 1
KEPT = 64  # beyond this many kept configurations the oldest half is dropped


@dataclass(frozen=True)
class QuickSettings:
    database_url: str
    timezone: str
    due_soon_days: int  # [ledger]
    pace_yellow: int  # [lifecycle]
    pace_red: int  # [lifecycle]

    @classmethod
    def of(cls, settings: Settings) -> QuickSettings:
        return cls(
            database_url=settings.database_url,
            timezone=settings.timezone,
            due_soon_days=settings.ledger.due_soon_days,
            pace_yellow=settings.lifecycle.pace_yellow,
            pace_red=settings.lifecycle.pace_red,
        )


def settings_key() -> str:
    """A hash of what load_settings reads (models.settings.load_settings: the same file choice)."""
    named = os.environ.get("DUBAN_CONFIG")
    chosen = Path(named or "config.toml")
    try:
        content: str | None = hashlib.sha256(chosen.read_bytes()).hexdigest()
        where: str | None = os.path.realpath(chosen)
    except OSError:
        content = where = None
    code = code_fingerprint((MODELS, MODELS / "files", MODELS / "vocabulary"), "pydantic", FORMAT)
    described = [
        os.getcwd(),
        named,
        os.environ.get("DUBAN_DATABASE_URL"),
        str(chosen),
        where,
        content,
        code,
    ]
    text = json.dumps(described, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quick_settings(load: Callable[[], Settings]) -> QuickSettings:
    """The kept values for this configuration, else load() (load_settings: it validates, and
    refuses a bad configuration as always) and keep them."""
    folder, key = cache_dir("settings"), settings_key()
    with contextlib.suppress(TypeError):  # kept by another form of the fields: validated again
        kept = read_kept(folder, key)
        if isinstance(kept, dict):
            return QuickSettings(**kept)
    found = QuickSettings.of(load())
    keep(folder, key, asdict(found), most=KEPT)
    return found
