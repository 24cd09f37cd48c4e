"""`duban deploy`: the scheduled jobs as Prefect deployments on a Prefect server, run by process workers.

The multi-machine setup of docs/design.md: the same flows `duban scheduler` runs in-process, registered
with the same cron and time zone as config.toml's [schedule], for a *process* work pool whose
workers run each flow from the project folder in a subprocess of their own.

What a flow run needs to find the ledger travels with the deployment: its job variables set
DUBAN_CONFIG (the config file the deploying process read) and DUBAN_DATABASE_URL (the ledger it
names) in the flow-run process, so a worker started without either still runs against the right
ledger. Both are stored on the Prefect server in clear text: keep passwords out of the URL (use
~/.pgpass or trust/peer authentication), see docs/prefect-server.md.

Hardening (issue 13), all set here:
- `stream_output: false` in the job variables: the worker does not pipe a flow's output, so a
  worker that dies leaves its flow runs to finish (piped, they died on their next log line).
- A concurrency limit of one run per deployment, extra runs queued (ENQUEUE): two digests of the
  same week never run at once.
- Heartbeats every `prefect.heartbeat_seconds` and an automation ("duban: crash silent runs") that
  marks a duban run Crashed after `prefect.zombie_after_seconds` without one: a run whose machine
  was lost no longer stays Running (and holds its deployment's slot) forever.
- The ledger's job lease (workflows.use_cases.lease) taken for the deployments: refused while a `duban
  scheduler` runs; from then on the scheduler refuses to start (`--take-over` hands it back).
- The outbox and look-back folders, which every worker writes to, are created, checked writable
  and marked with a token that the flow runs get: a run on a worker that does not see the same
  folder (not shared) refuses to write there (workflows.flows.common.check_shared_folders).

Prefect is imported inside `deploy()` only: importing it costs over a second, and nothing but this
command needs it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from models.errors import BadInput
from models.settings import Settings, cron_problem
from models.vocabulary.i18n import _

DEPLOYMENT_NAME = "scheduled"  # `prefect deployment run duban-digest/scheduled`
DEFAULT_POOL = "duban"
JOBS = ("escalate", "digest", "lookback")
TAG = "duban"
ZOMBIE_AUTOMATION = "duban: crash silent runs"
SHARED_MARK = ".duban-shared"  # the file `duban deploy` writes into each shared folder
SHARED_MARK_ENV = "DUBAN_SHARED_MARK"  # … and the token in it, which the flow runs get

# User-facing text, in one place (the catalog gives the Chinese).
FOLDER_UNWRITABLE = _("cannot write here ({error}): the workers write notices and look-back reports here")
ZOMBIE_MESSAGE = _(
    "Prefect has had no heartbeat from this run for {seconds} s (its machine or process is gone): marked Crashed"
)


def shared_folders(settings: Settings) -> dict[str, Path]:
    """The folders flow runs write files to, by setting: every worker must see the same ones."""
    return {
        "notify.outbox": settings.resolve(settings.notify.outbox).absolute(),
        "lookback.output": settings.resolve(settings.lookback.output).absolute(),
    }


def mark_shared_folders(settings: Settings) -> str:
    """Create each shared folder, check it is writable, and write a new token into it; return the
    token (flow runs compare it with the file they see, see workflows.flows.common)."""
    token = secrets.token_hex(16)
    for setting, folder in shared_folders(settings).items():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / SHARED_MARK).write_text(token + "\n", encoding="utf-8")
        except OSError as error:
            raise BadInput(
                FOLDER_UNWRITABLE.format(error=error.strerror or error), source=f"{setting} = {folder}"
            ) from error
    return token


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


def flow_env(settings: Settings, config: Path, mark: str | None = None) -> dict[str, str]:
    """The environment a flow-run process gets through the deployment's job variables."""
    env = {
        "DUBAN_CONFIG": str(config),
        "DUBAN_DATABASE_URL": settings.database_url,
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(settings.prefect.heartbeat_seconds),
    }
    if mark:
        env[SHARED_MARK_ENV] = mark
    return env


def job_variables(settings: Settings, config: Path, mark: str | None = None) -> dict:
    """The process worker's job variables for every Duban deployment."""
    # stream_output false: the flow-run process writes its output itself instead of through a pipe
    # to the worker, so it survives the worker's death.
    return {"env": flow_env(settings, config, mark), "stream_output": False}


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
            _("unknown flow {flows}; choose from {jobs}").format(
                flows=", ".join(unknown) or _("(none)"), jobs=", ".join(JOBS)
            ),
            source="--flow",
        )
    config = (config or config_path()).resolve()
    crons = {name: check_cron(settings, name, config) for name in names}
    if not config.is_file():
        raise BadInput(_("no config file to give the flow runs (set DUBAN_CONFIG)"), source=config)
    project_dir = project_dir.resolve()

    from prefect.settings import get_current_settings

    # Never let Prefect start its temporary server: the deployments would be registered on a server
    # that disappears with this process. The URL may come from the environment or a Prefect profile.
    api_url = get_current_settings().api.url
    if not api_url:
        raise BadInput(
            _(
                "not set: start a server (`prefect server start --host 127.0.0.1 --port 4200`) and set "
                "PREFECT_API_URL=http://127.0.0.1:4200/api, see docs/prefect-server.md"
            ),
            source="PREFECT_API_URL",
        )

    from prefect import Flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.exceptions import ObjectNotFound
    from prefect.schedules import Cron
    from prefect.workers.process import ProcessWorker

    from workflows.flows import ENTRYPOINTS
    from workflows.use_cases import lease
    from workflows.use_cases.actor import Actor
    from workflows.use_cases.ledger import open_ledger

    with get_client(sync_client=True) as client:
        healthy = client.api_healthcheck()
        if healthy is not None:
            raise BadInput(_("no Prefect server answers: {error}").format(error=healthy), source=api_url)
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
                    description=_("Duban: escalate, digest and look-back runs (process workers)"),
                )
            )
        if pool.type != ProcessWorker.type:
            raise BadInput(
                _("work pool {pool!r} has type {type!r}; Duban deploys to a process pool").format(
                    pool=work_pool, type=pool.type
                ),
                source=api_url,
            )

    # The ledger's jobs become the deployments' (refused while a `duban scheduler` holds them).
    engine = open_ledger(settings.database_url)
    try:
        lease.take(engine, Actor.system(), kind=lease.PREFECT, owner=str(api_url))
    finally:
        engine.dispose()
    variables = job_variables(settings, config, mark_shared_folders(settings))
    deployed = []
    for name in names:
        flow = Flow.from_source(source=str(project_dir), entrypoint=ENTRYPOINTS[name])
        deployment = flow.to_deployment(
            name=DEPLOYMENT_NAME,
            # day_or=False: a day of the month *and* a weekday must both match, as in APScheduler
            # (standard cron, and Prefect's default, fire on either).
            schedules=[Cron(crons[name], timezone=settings.timezone, day_or=False, slug=f"duban-{name}")],
            job_variables=variables,
            # One run of each job at a time; a run due meanwhile waits for the slot (AwaitingConcurrencySlot).
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
            ),
            description=_("duban {name} on [schedule].{name} of {config}").format(name=name, config=config),
            tags=[TAG],
        )
        deployment.apply(work_pool_name=work_pool)
        deployed.append(f"{flow.name}/{DEPLOYMENT_NAME}")
    ensure_zombie_automation(settings.prefect.zombie_after_seconds)
    return deployed


def ensure_zombie_automation(seconds: int) -> None:
    """Create (or update) the automation that marks a duban flow run Crashed when it has sent no
    heartbeat for `seconds`: Prefect's recipe for zombie runs, narrowed to runs tagged duban."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    wanted = Automation(
        name=ZOMBIE_AUTOMATION,
        description=_("duban deploy: a duban flow run silent for this long has lost its machine or process"),
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification(
                {"prefect.resource.role": "tag", "prefect.resource.id": f"prefect.tag.{TAG}"}
            ),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=seconds),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message=ZOMBIE_MESSAGE.format(seconds=seconds))],
    )
    try:
        found = Automation.read(name=ZOMBIE_AUTOMATION)
    except ValueError:  # not there yet
        wanted.create()
        return
    wanted.id = found.id
    wanted.update()
