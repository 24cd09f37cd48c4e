"""The ledger as a face holds it: the engine, opened once, and read sessions over it.

Faces (the CLI, the dashboard, the scheduler, the Prefect flows, the demo, `duban deploy`) import no
models.storage and no models.writes (an import-linter contract). They still need two things from
storage: an engine to hand to the use cases, and a session to hand to models.reads. Both come from
here rather than from models.reads because opening the ledger is itself a change: it brings the
schema up to the newest migration. The use-case package is the faces' one door into the ledger for
everything but a query: writes through its functions, the engine and a read session through this
module; what a read session reads is models.reads.
"""

from __future__ import annotations

from models.storage.db import open_ledger, read_session

__all__ = ["open_ledger", "read_session"]
