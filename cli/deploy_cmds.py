"""`duban deploy`: register the scheduled jobs as Prefect deployments (the multi-machine setup).

Prefect is imported inside the command only (through workflows.deploy): it costs over a second to
import, and the commands that only read the ledger must never pay for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from models.vocabulary.i18n import _

# User-facing text, in one place (the catalog gives the Chinese).
HARDENED = _(
    "each deployment runs once at a time (more runs queue), and workers do not relay a run's output"
    " (a worker exiting does not affect running tasks)"
)
ZOMBIES = _(
    "a run sends a heartbeat every {heartbeat} s; after {after} s without one the automation “{name}”"
    " marks it Crashed (its machine or process is gone)"
)
SHARED = _(
    "every worker must see these shared folders at the same path (a marker is written; a worker that"
    " disagrees refuses to write):"
)
LEASED = _(
    "the ledger's scheduled jobs now run as Prefect deployments: duban scheduler will refuse to start"
    " (to switch back, use duban scheduler --take-over)"
)

WorkPool = Annotated[
    str, typer.Option("--work-pool", help=_("Process work pool to deploy to (created if missing)."))
]
Flows = Annotated[
    list[str] | None,
    typer.Option(
        "--flow", help=_("Deploy only this job: escalate, digest or lookback (repeatable; default all).")
    ),
]


def register(app: typer.Typer) -> None:
    app.command(name="deploy")(reported(deploy))


def project_dir() -> Path:
    """The folder of the installed code, which the workers run (an editable install: the checkout)."""
    import workflows

    return Path(workflows.__file__).resolve().parent.parent


def deploy(work_pool: WorkPool = "duban", flow: Flows = None) -> None:
    """Register escalate, digest and lookback as Prefect deployments on the server at PREFECT_API_URL,
    on the crons and time zone of config.toml, for process workers. Re-running updates them."""
    # Offline machines: no usage reports from this process (the server has its own switch).
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from sqlalchemy.engine import make_url

    from workflows import deploy as deployments

    settings = context.settings()
    names = list(dict.fromkeys(flow or deployments.JOBS))  # --flow digest --flow digest: once
    deployed = deployments.deploy(settings, work_pool=work_pool, project_dir=project_dir(), flows=names)
    print(
        _("deployed to work pool {pool!r} (time zone {zone}):").format(pool=work_pool, zone=settings.timezone)
    )
    for name, full_name in zip(names, deployed, strict=True):
        print(f"  {full_name:28} {getattr(settings.schedule, name)}")
    ledger = make_url(settings.database_url).render_as_string(hide_password=True)
    print(
        _("flow runs read {config} and the ledger {ledger}").format(
            config=deployments.config_path(), ledger=ledger
        )
    )
    if ledger.startswith("sqlite"):
        print("  " + _("(a SQLite ledger: run the workers on this machine, or use PostgreSQL for several)"))
    print(
        _("start a worker (in this project's environment): prefect worker start --pool {pool}").format(
            pool=work_pool
        )
    )
    print(HARDENED)
    print(
        ZOMBIES.format(
            heartbeat=settings.prefect.heartbeat_seconds,
            after=settings.prefect.zombie_after_seconds,
            name=deployments.ZOMBIE_AUTOMATION,
        )
    )
    print(SHARED)
    for setting, folder in deployments.shared_folders(settings).items():
        print(f"  {setting:16} {folder}")
    print(LEASED)
