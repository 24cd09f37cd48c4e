"""`duban deploy`: the scheduled jobs as Prefect deployments on a Prefect server, run by process workers.

The multi-machine setup of DESIGN.md: the same flows `duban scheduler` runs in-process, registered
with the same cron and time zone as config.toml's [schedule], for a *process* work pool whose
workers run each flow from the project folder in a subprocess of their own.

What a flow run needs to find the ledger travels with the deployment: its job variables set
DUBAN_CONFIG (the config file the deploying process read) and DUBAN_DATABASE_URL (the ledger it
names) in the flow-run process, so a worker started without either still runs against the right
ledger. Both are stored on the Prefect server in clear text: keep passwords out of the URL (use
~/.pgpass or trust/peer authentication), see docs/prefect-server.md.

Prefect is imported inside `deploy()` only: importing it costs over a second, and nothing but this
command needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from models.errors import BadInput
from models.settings import Settings, cron_problem

DEPLOYMENT_NAME = "scheduled"  # `prefect deployment run duban-digest/scheduled`
DEFAULT_POOL = "duban"
JOBS = ("escalate", "digest", "lookback")


def config_path() -> Path:
    """The config file `load_settings()` reads in this process (DUBAN_CONFIG or ./config.toml)."""
    return Path(os.environ.get("DUBAN_CONFIG") or "config.toml").resolve()


def check_cron(settings: Settings, name: str, source: Path | None = None) -> str:
    """The job's cron, refused if `duban scheduler` and Prefect would read it differently (weekday
    numbers) or it is not five fields. load_settings() already refuses such a config.toml; this
    catches Settings built in code (tests, model_copy) too."""
    expression = getattr(settings.schedule, name)
    problem = cron_problem(expression)
    if problem:
        raise BadInput(f"schedule.{name}: {problem}", source=source or config_path())
    return expression


def flow_env(settings: Settings, config: Path) -> dict[str, str]:
    """The environment a flow-run process gets through the deployment's job variables."""
    return {"DUBAN_CONFIG": str(config), "DUBAN_DATABASE_URL": settings.database_url}


def deploy(
    settings: Settings,
    *,
    work_pool: str = DEFAULT_POOL,
    project_dir: Path,
    flows: Iterable[str] = JOBS,
    config: Path | None = None,
) -> list[str]:
    """Create or update one deployment per job on the server at PREFECT_API_URL; return their
    full names (`duban-digest/scheduled`). Re-running it updates them in place.

    `config` is the config file the flow runs read (default: the one this process read); it must
    exist, since a worker elsewhere would otherwise read whatever config.toml its folder holds.
    """
    names = list(dict.fromkeys(flows))
    unknown = [name for name in names if name not in JOBS]
    if unknown or not names:
        raise BadInput(
            f"unknown flow {', '.join(unknown) or '(none)'}; choose from {', '.join(JOBS)}", source="--flow"
        )
    config = (config or config_path()).resolve()
    crons = {name: check_cron(settings, name, config) for name in names}
    if not config.is_file():
        raise BadInput("no config file to give the flow runs (set DUBAN_CONFIG)", source=config)
    project_dir = project_dir.resolve()

    from prefect.settings import get_current_settings

    # Never let Prefect start its temporary server: the deployments would be registered on a server
    # that disappears with this process. The URL may come from the environment or a Prefect profile.
    api_url = get_current_settings().api.url
    if not api_url:
        raise BadInput(
            "not set: start a server (`prefect server start --host 127.0.0.1 --port 4200`) and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api, see docs/prefect-server.md",
            source="PREFECT_API_URL",
        )

    from prefect import Flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.schedules import Cron
    from prefect.workers.process import ProcessWorker

    from workflows.flows import ENTRYPOINTS

    with get_client(sync_client=True) as client:
        healthy = client.api_healthcheck()
        if healthy is not None:
            raise BadInput(f"no Prefect server answers: {healthy}", source=api_url)
        try:
            pool = client.read_work_pool(work_pool)
        except ObjectNotFound:
            # What `prefect work-pool create duban --type process` makes: the process worker's own
            # default job template (from the installed class; no registry is asked).
            pool = client.create_work_pool(
                WorkPoolCreate(
                    name=work_pool,
                    type=ProcessWorker.type,
                    base_job_template=ProcessWorker.get_default_base_job_template(),
                    description="Duban: escalate, digest and look-back runs (process workers)",
                )
            )
        if pool.type != ProcessWorker.type:
            raise BadInput(
                f"work pool {work_pool!r} has type {pool.type!r}; Duban deploys to a process pool",
                source=api_url,
            )

    env = flow_env(settings, config)
    deployed = []
    for name in names:
        flow = Flow.from_source(source=str(project_dir), entrypoint=ENTRYPOINTS[name])
        deployment = flow.to_deployment(
            name=DEPLOYMENT_NAME,
            # day_or=False: a day of the month *and* a weekday must both match, as in APScheduler
            # (standard cron, and Prefect's default, fire on either).
            schedules=[Cron(crons[name], timezone=settings.timezone, day_or=False, slug=f"duban-{name}")],
            job_variables={"env": env},
            description=f"duban {name} on [schedule].{name} of {config}",
            tags=["duban"],
        )
        deployment.apply(work_pool_name=work_pool)
        deployed.append(f"{flow.name}/{DEPLOYMENT_NAME}")
    return deployed
