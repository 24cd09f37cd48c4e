"""The dashboard under load: overview and ledger pages on a big ledger, 50 concurrent clients, beside
the same server's trivial health endpoint in the same run.

Run: `python bench/dashboard_speed.py [--tasks 100000] [--clients 50] [--requests 5]`

A generated SQLite ledger (bench/ledger_gen.py, cached in var/bench/) gets an office account; a real
`duban serve` (uvicorn, one process) is started on a free port; each client logs in as a browser does
and then requests the page in a loop. For each endpoint: requests, errors, p50 / p99 latency and
throughput. Nothing is asserted; the numbers go into the README by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ledger_gen import generate  # noqa: E402
from sqlalchemy import text  # noqa: E402

from models.storage.db import open_ledger, write_session  # noqa: E402
from models.writes.users import add_user  # noqa: E402

AS_OF = "2025-07-01"
PASSWORD = "bench-password"
ENDPOINTS = {
    "health": "/health",
    "overview": f"/?as_of={AS_OF}",
    "ledger (overdue, page 1)": f"/tasks?as_of={AS_OF}&overdue=1",
    "ledger (all, page 1)": f"/tasks?as_of={AS_OF}",
}


def ledger(db_dir: Path, size: int, work: Path) -> Path:
    cached = db_dir / f"dashboard-{size}.sqlite3"
    engine = open_ledger(f"sqlite:///{cached}")
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM task")).scalar_one()
    if count != size:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{cached}{suffix}").unlink(missing_ok=True)
        engine = open_ledger(f"sqlite:///{cached}")
        generate(engine, size)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    copy = work / "ledger.sqlite3"
    shutil.copyfile(cached, copy)
    engine = open_ledger(f"sqlite:///{copy}")
    with write_session(engine) as session:
        add_user(session, "bench", role="office", password=PASSWORD)
    engine.dispose()
    return copy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database: Path, work: Path, port: int, workers: int = 1) -> subprocess.Popen:
    config = work / "config.toml"
    config.write_text(f'[dashboard]\nsecret_file = "{work / "secret"}"\n', encoding="utf-8")
    env = {**os.environ, "DUBAN_DATABASE_URL": f"sqlite:///{database}", "DUBAN_CONFIG": str(config)}
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise SystemExit("the server did not come up")


async def logged_in(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=300)
    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    await client.post("/login", data={"name": "bench", "password": PASSWORD, "csrf": token, "next": "/"})
    return client


async def client_run(
    client: httpx.AsyncClient, path: str, count: int, latencies: list[float], errors: list[str]
) -> None:
    for _ in range(count):
        start = time.perf_counter()
        try:
            response = await client.get(path)
            if response.status_code != 200:
                errors.append(str(response.status_code))
        except httpx.HTTPError as error:
            errors.append(type(error).__name__)
        latencies.append(time.perf_counter() - start)


async def load(base: str, path: str, clients: int, requests: int) -> tuple[list[float], list[str], float]:
    # One login whose session every client shares (argon2 is meant to be slow, and fifty logins at
    # once as one account are refused by the login throttle: the clients then timed redirects to
    # /login, not the page), then the timed requests start together.
    first = await logged_in(base)
    sessions = [first] + [
        httpx.AsyncClient(base_url=base, timeout=300, cookies=first.cookies) for _ in range(clients - 1)
    ]
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    await asyncio.gather(*(client_run(c, path, requests, latencies, errors) for c in sessions))
    wall = time.perf_counter() - start
    for client in sessions:
        await client.aclose()
    return latencies, errors, wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5, help="Requests per client and endpoint.")
    parser.add_argument("--db-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--workers", type=int, default=1, help="Server processes (duban serve --workers).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="duban-bench-web-") as temporary:
        work = Path(temporary)
        database = ledger(args.db_dir, args.tasks, work)
        port = free_port()
        server = start_server(database, work, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            # The first request of each page alone (the overview computes its figures: nothing is
            # cached yet), then a second one alone, then the load.
            single = {name: httpx_time(base, path) for name, path in ENDPOINTS.items()}
            print(
                f"\n{args.tasks:,} tasks, {args.workers} server process(es), "
                f"{args.clients} clients x {args.requests} requests per endpoint\n"
            )
            print(
                f"{'endpoint':28} {'first':>7} {'second':>7} {'p50':>7} {'p99':>7} {'req/s':>7} {'errors':>7}"
                "   (ms)"
            )
            for name, path in ENDPOINTS.items():
                latencies, errors, wall = asyncio.run(load(base, path, args.clients, args.requests))
                latencies.sort()
                p50 = statistics.median(latencies) * 1000
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
                print(
                    f"{name:28} {single[name][0]:7.0f} {single[name][1]:7.0f} {p50:7.0f} {p99:7.0f} "
                    f"{len(latencies) / wall:7.1f} {len(errors):7}"
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def httpx_time(base: str, path: str) -> tuple[float, float]:
    """The first and the second request alone, in ms."""

    async def once() -> tuple[float, float]:
        latencies: list[float] = []
        client = await logged_in(base)
        try:
            await client_run(client, path, 2, latencies, [])
        finally:
            await client.aclose()
        return latencies[0] * 1000, latencies[1] * 1000

    return asyncio.run(once())


if __name__ == "__main__":
    main()
