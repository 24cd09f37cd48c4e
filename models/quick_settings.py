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
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def cache_dir() -> Path:
    root = os.environ.get("DUBAN_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(root) / "duban" if root else Path.home() / ".cache" / "duban"
    return folder / "settings"


def settings_key() -> str:
    """A hash of what load_settings reads (models.settings.load_settings: the same file choice)."""
    import importlib.util  # finds pydantic without importing it

    named = os.environ.get("DUBAN_CONFIG")
    chosen = Path(named or "config.toml")
    try:
        content: str | None = hashlib.sha256(chosen.read_bytes()).hexdigest()
        where: str | None = os.path.realpath(chosen)
    except OSError:
        content = where = None
    code: list[Any] = [sys.version_info[:3], FORMAT]
    for folder in (MODELS, MODELS / "files", MODELS / "vocabulary"):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                stat = entry.stat()
                code.append([entry.path, stat.st_mtime_ns, stat.st_size])
    spec = importlib.util.find_spec("pydantic")
    if spec is not None and spec.origin:
        stat = os.stat(spec.origin)
        code.append([spec.origin, stat.st_mtime_ns, stat.st_size])
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
    path = cache_dir() / f"{settings_key()}.json"
    try:
        return QuickSettings(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    found = QuickSettings.of(load())
    # A cache that cannot be written only means validating again next time.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in kept[: len(kept) // 2] if len(kept) > KEPT else []:
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as handle:
            json.dump(asdict(found), handle)
        os.replace(handle.name, path)
    return found
