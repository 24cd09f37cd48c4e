"""What the CLI's quick path keeps between runs: JSON files under a cache folder, named by a hash of
all they depend on (models.reads.quick: compiled SQL; models.quick_settings: validated settings).

Standard library only: the quick path imports this before anything heavy.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def cache_dir(kind: str) -> Path:
    """$DUBAN_CACHE_DIR (else $XDG_CACHE_HOME, else ~/.cache)/duban/<kind>."""
    root = os.environ.get("DUBAN_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return (Path(root) if root else Path.home() / ".cache") / "duban" / kind


def code_fingerprint(folders: Iterable[Path], package: str, form: int) -> list[Any]:
    """The Python files of `folders` (path, mtime, size), `package`'s own module found without
    importing it, the interpreter's version and the entry's `form`: what a kept file was made by, so
    that changed code is another key, not a stale answer."""
    found: list[Any] = [sys.version_info[:3], form]
    for folder in folders:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                stat = entry.stat()
                found.append([entry.path, stat.st_mtime_ns, stat.st_size])
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.origin:
        stat = os.stat(spec.origin)
        found.append([spec.origin, stat.st_mtime_ns, stat.st_size])
    return found


def read_kept(folder: Path, key: str) -> Any:
    """The kept value, or None when there is none (or it cannot be read)."""
    try:
        return json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def keep(folder: Path, key: str, value: Any, *, most: int) -> None:
    """Keep `value` under `key`, written whole or not at all (a temporary file renamed); beyond
    `most` files the oldest half is dropped. A cache that cannot be written only means the work is
    done again next time."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in kept[: len(kept) // 2] if len(kept) > most else []:
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False
        ) as handle:
            json.dump(value, handle, ensure_ascii=False)
        os.replace(handle.name, folder / f"{key}.json")
