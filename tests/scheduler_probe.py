"""A job target for the scheduler tests: importable by name, as the job store requires."""

from __future__ import annotations

import os
from pathlib import Path


def record(name: str) -> None:
    with Path(os.environ["DUBAN_PROBE_FILE"]).open("a", encoding="utf-8") as file:
        file.write(f"{name}\n")
