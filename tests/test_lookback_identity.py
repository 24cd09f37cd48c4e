"""One look-back, whoever writes it: `duban demo`, `duban lookback`, the scheduler's job, the
Prefect flow and the dashboard's download give byte-identical files for the same ledger and day.

They used to differ: the jobs passed no plans folder, so the scheduler's, the flow's and the demo's
look-back had no section titles (0 of 11) where the CLI's and the page's had them all; and the
Office files stamped the moment of writing. The demo walks its year first (its ledger is the one
every other face then reads).
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from models.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("md", "xlsx", "docx")


def config_for(folder: Path, output: Path) -> Path:
    """config.toml as shipped, reports to `output`, the plans folder the repository's own."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    moved = {
        'outbox = "var/outbox"': f"outbox = {json.dumps(str(folder / 'outbox'))}",
        'output = "var/lookback"': f"output = {json.dumps(str(output))}",
        'dir = "plans"': f"dir = {json.dumps(str(ROOT / 'plans'))}",
    }
    for old, new in moved.items():
        assert text.count(old) == 1, f"config.toml no longer has {old!r}"
        text = text.replace(old, new)
    path = folder / f"config-{output.name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def files(folder: Path) -> dict[str, bytes]:
    found = {path.suffix.lstrip("."): path.read_bytes() for path in folder.iterdir()}
    assert sorted(found) == sorted(FORMATS), sorted(found)
    return found


def test_every_face_writes_the_same_lookback(tmp_path, monkeypatch):
    from dashboard_client import login

    from cli import context
    from cli.main import app
    from dashboard.app import create_app
    from workflows.demo import DEMO_PASSWORD, run_demo
    from workflows.flows.lookback import write_reports
    from workflows.lookback_report import build_lookback
    from workflows.scheduler import run_job

    # The demo: its year walked, its look-back written on the configured day.
    demo = run_demo(
        ROOT / "plans",
        tmp_path / "demo",
        settings=load_settings(config_for(tmp_path, tmp_path / "unused")),
        progress=lambda _: None,
    )
    day, url = demo.lookback_day, f"sqlite:///{demo.database}"
    by_face = {"demo": {Path(p).suffix.lstrip("."): Path(p).read_bytes() for p in demo.lookback_files}}
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)

    # The CLI.
    monkeypatch.setenv("DUBAN_CONFIG", str(config_for(tmp_path, tmp_path / "cli")))
    context.settings.cache_clear()
    result = CliRunner().invoke(app, ["lookback", "--year", "2021", "--as-of", day.isoformat()])
    context.settings.cache_clear()
    assert result.exit_code == 0, result.output
    by_face["cli"] = files(tmp_path / "cli")

    # The scheduler's job, as APScheduler runs it (settings from the config file).
    run_job("lookback", as_of=day, settings=load_settings(config_for(tmp_path, tmp_path / "scheduler")))
    by_face["scheduler"] = files(tmp_path / "scheduler")

    # The Prefect flow's task, as a worker's flow run calls it (DUBAN_CONFIG, DUBAN_DATABASE_URL);
    # called without a Prefect server, which takes a minute to start on a busy machine: the flow's
    # orchestration around it is tested in test_flows.
    monkeypatch.setenv("DUBAN_CONFIG", str(config_for(tmp_path, tmp_path / "flow")))
    looked = write_reports.fn(day, None, False)
    assert looked.files and looked.year == 2021
    by_face["flow"] = files(tmp_path / "flow")

    # The dashboard's downloads.
    settings = load_settings(config_for(tmp_path, tmp_path / "page"))
    settings = settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"url": url}),
            "dashboard": settings.dashboard.model_copy(update={"secret_file": str(tmp_path / "secret")}),
        }
    )
    web = create_app(settings)
    client = login(TestClient(web), "leader", DEMO_PASSWORD)  # reading is every role's
    by_face["page"] = {}
    for fmt in FORMATS:
        response = client.get(f"/lookback.{fmt}", params={"year": "2021", "as_of": day.isoformat()})
        assert response.status_code == 200, response.text
        by_face["page"][fmt] = response.content
    web.state.engine.dispose()

    for face, found in by_face.items():
        assert sorted(found) == sorted(FORMATS), face
        for fmt in FORMATS:
            assert found[fmt] == by_face["cli"][fmt], f"{face}'s .{fmt} differs from the CLI's"

    # … and it is the look-back with its section titles (the drift: the jobs had none).
    from models.storage.db import open_ledger

    engine = open_ledger(url)
    lookback = build_lookback(engine, as_of=day, year=2021, plans_dir=ROOT / "plans")
    engine.dispose()
    titled = [s for s in lookback.sections if s.title]
    assert lookback.sections and len(titled) == len(lookback.sections)
    markdown = by_face["scheduler"]["md"].decode("utf-8")
    assert all(s.title in markdown for s in titled)
