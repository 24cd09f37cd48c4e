"""Prefect flows: one per file, each only orchestrating the plain steps of workflows/ as tasks.

Imported only by `duban deploy`, `--prefect` and the Prefect workers: importing Prefect costs over a
second, and a flow called without a server starts a temporary one, so nothing else imports this.
"""

from __future__ import annotations

from typing import Any

from workflows.flows.digest import digest_flow
from workflows.flows.escalate import escalate_flow
from workflows.flows.ingest import ingest_flow
from workflows.flows.lookback import lookback_flow

FLOWS: dict[str, Any] = {
    "escalate": escalate_flow,
    "digest": digest_flow,
    "lookback": lookback_flow,
    "ingest": ingest_flow,
}
# Where a Prefect worker finds each flow (relative to the project folder), for `duban deploy`.
ENTRYPOINTS = {
    "escalate": "workflows/flows/escalate.py:escalate_flow",
    "digest": "workflows/flows/digest.py:digest_flow",
    "lookback": "workflows/flows/lookback.py:lookback_flow",
}
