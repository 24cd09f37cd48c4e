"""Figures computed once per state of the ledger, shared by the requests that ask for them.

The overview aggregates every task (about half a second on a 100,000-task ledger); fifty people
opening it at nine o'clock would queue behind each other for that. Its figures only change when
the ledger does, so they are kept under a key that includes `models.reads.overview.ledger_mark` (every
change to a task, its units or the unit registry moves it) and reused until it moves. One request
computes a missing entry while the others asking for the same key wait for it instead of
computing it too. Entries also expire after `max_age` seconds, for the few writes no journal row
records (a plan's title corrected by a re-import). The ledger page (dashboard/pages/ledger.py) keeps
its count, the recurring tasks' due-date range and its rows here the same way. A second cache holds
the pages' HTML, rendered once for everyone at the same state (dashboard.context.Ctx.render_shared).

Bounded: at most `entries` values, and a lock lives only while its key is being computed. A key
whose computation fails (an unknown plan in the query string) leaves nothing behind, so requests
with thousands of distinct unknown keys use no more memory than one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ViewCache:
    def __init__(self, *, entries: int = 64, max_age: float = 60.0) -> None:
        self.entries = entries
        self.max_age = max_age
        self._values: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value stored under `key`, computing it (once, whoever asks meanwhile) if missing."""
        found = self._fresh(key)
        if found is not None:
            return found[1]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        try:
            with lock:
                found = self._fresh(key)  # computed by the request this one waited for
                if found is not None:
                    return found[1]
                value = compute()
                with self._guard:
                    self._values[key] = (time.monotonic(), value)
                    self._values.move_to_end(key)
                    while len(self._values) > self.entries:
                        self._values.popitem(last=False)
                return value
        finally:
            # Done with the key, computed or failed: its lock goes. A request still waiting on it
            # holds its own reference and then finds the value (or computes it, after a failure).
            with self._guard:
                if self._locks.get(key) is lock:
                    del self._locks[key]

    def __len__(self) -> int:
        """Values and locks held: what a test of the bound measures."""
        with self._guard:
            return len(self._values) + len(self._locks)

    def _fresh(self, key: Hashable) -> tuple[float, Any] | None:
        with self._guard:
            found = self._values.get(key)
            if found is None or time.monotonic() - found[0] > self.max_age:
                return None
            self._values.move_to_end(key)
            return found
