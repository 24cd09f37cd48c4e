"""Writing command output: to stdout, or to a file only once it is complete."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from models.errors import BadInput


def emit(text: str, output: Path | None) -> None:
    """Print text, or write it to `output` atomically (a crash never leaves half a file)."""
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    target = output.resolve()
    if target.is_dir():
        raise BadInput("is a directory, not a file to write", source=output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text if text.endswith("\n") else text + "\n")
        os.replace(temporary, target)
    except OSError as error:
        raise BadInput(f"cannot write: {error.strerror or error}", source=output) from error
