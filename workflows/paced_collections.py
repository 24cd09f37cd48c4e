"""The garbage collector paced for a long job: the look-back, the digest and the escalation make
millions of short-lived objects (rows, items, cells), and at CPython's default pace (a young
collection every 700 allocations, the older generations every 10 of those) the collector ran
through the process's whole heap (SQLAlchemy, pydantic, the loaded modules) over and over: a
quarter of the look-back's first read of its lists at 100,000 tasks (4.3–5.5 s → 2.6–3.3 s CPU).

Only the pace changes: the collector still runs, reference cycles are still freed, every 50,000
allocations rather than every 700. Process-wide, so jobs running side by side (the dashboard's
threads) share one pacing: the first to start sets it and the last to finish puts the old one back.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

PACE = (50_000, 20, 20)  # gc.set_threshold's three thresholds while a long job runs

_lock = threading.Lock()
_running = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def paced_collections() -> Iterator[None]:
    """Run the body with the collector at PACE (see the module); nested and concurrent uses share it."""
    global _running, _saved
    with _lock:
        if _running == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*PACE)
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
