"""Writing command output: to stdout, or to a file only once it is complete."""

from __future__ import annotations

from pathlib import Path

from models.files.files import atomic_path


def emit(text: str, output: Path | None) -> None:
    """Print text, or write it to `output` atomically (a crash never leaves half a file)."""
    if not text.endswith("\n"):
        text += "\n"
    if output is None:
        print(text, end="")
        return
    with atomic_path(output) as temporary:
        temporary.write_text(text, encoding="utf-8")
