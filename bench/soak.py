"""Soak: a realistic mix at a steady rate for a long time, on one backend (run on demand).

Reads of every public kind, a few writes (submissions with a partner key) and one CSV import
(dry run) a minute, sent at `--rate` requests a second for `--minutes` to a `neetmap serve`
on 127.0.0.1 with its rate limits off (`NEETMAP_RATE_LIMITS=false`, else most of the mix
would be 429s) over a fresh database with the real boundaries and the sample data. Prints
the error count (any 5xx, any unexpected 4xx, any request the client gave up on), p50/p99
per route and the server's RSS at the start and the end. Goal (issue 17): 0 errors and RSS growth
under 10 %. Bounded: at most 60 minutes and 500 requests a second; every process and
database it makes is removed at the end.

    .venv/bin/python -m bench.soak --backend sqlite --minutes 30
    .venv/bin/python -m bench.soak --backend postgresql --minutes 30
"""

from __future__ import annotations

import argparse
import itertools
import queue
import subprocess
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench.harness import machine, percentile, prepare, rss_mb, serve, table
from models.engine import create_db_engine
from models.intake.seed import seed
from models.partners.keys import create_key

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
LEEDS = "E08000035"
READS = (
    ("list", "/api/v1/interventions?limit=20&offset={n}"),
    ("search", "/api/v1/interventions?q=young&limit=10"),
    ("one", "/api/v1/interventions/{id}"),
    ("areas", "/api/v1/areas?level=region&geometry=simplified"),
    ("stats", "/api/v1/stats?group_by=region,target_group"),
    ("coverage", "/api/v1/coverage?gaps_only=true"),
)
IMPORT_CSV = f"name,la_codes,target_group\nSoak import,{LEEDS},send\n".encode()
CLIENTS = 32


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A new database, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'soak.db'}"
        return
    name = f"neetmap_soak_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield str(make_url(PG_ADMIN).set(drivername="postgresql+psycopg", database=name))
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup(url: str) -> str:
    """Boundaries, the sample data and a Leeds partner key (returned)."""
    prepare(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed(session)
        key = create_key(session, "soak", "partner", [LEEDS])[1]
        session.commit()
    engine.dispose()
    return key


def ticket(n: int, ids: list[int]) -> tuple[str, str, str]:
    """The n-th request of the mix: (route, method, path); one in fifty is a submission."""
    if n % 50 == 25:
        return "submit", "POST", "/api/v1/interventions"
    route, path = READS[n % len(READS)]
    return route, "GET", path.format(n=n % 40, id=ids[n % len(ids)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=int, default=200, help="requests a second")
    parser.add_argument("--port", type=int, default=None, help="server port (else a free one)")
    args = parser.parse_args()
    minutes, rate = min(args.minutes, 60.0), min(args.rate, 500)

    with database(args.backend) as url:
        key = setup(url)
        # The rate limits are off for this server: at 200 requests a second from one address
        # they would answer most of the mix 429, which measures the limiter, not the service.
        # The access line is written, as in production, to /dev/null rather than our output.
        quiet = subprocess.DEVNULL
        with serve(url, port=args.port, stdout=quiet, NEETMAP_RATE_LIMITS="false") as server:
            with httpx.Client(base_url=server.base) as probe:
                items = probe.get("/api/v1/interventions?limit=100").json()["items"]
            ids = [int(item["id"]) for item in items] or [1]
            rss_start = rss_mb(server.process.pid)
            latencies: dict[str, list[float]] = defaultdict(list)
            errors: dict[str, int] = defaultdict(int)
            tickets: queue.Queue[tuple[str, str, str] | None] = queue.Queue(maxsize=rate * 2)
            lock = threading.Lock()

            def client_loop() -> None:
                auth = {"Authorization": f"Bearer {key}"}
                with httpx.Client(base_url=server.base, timeout=30) as client:
                    while (job := tickets.get()) is not None:
                        route, method, path = job
                        begun = time.perf_counter()
                        try:
                            if route == "submit":
                                body = {"name": f"Soak {begun}", "la_codes": [LEEDS]}
                                response = client.post(path, json=body, headers=auth)
                                ok = response.status_code == 201
                            elif route == "import":
                                response = client.post(
                                    path,
                                    content=IMPORT_CSV,
                                    headers={**auth, "Content-Type": "text/csv"},
                                )
                                ok = response.status_code == 200
                            else:
                                response = client.get(path)
                                ok = response.status_code == 200
                        except httpx.HTTPError:
                            ok = False
                        with lock:
                            latencies[route].append(time.perf_counter() - begun)
                            if not ok:
                                errors[route] += 1

            workers = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
            for worker in workers:
                worker.start()
            started = time.monotonic()
            deadline, next_import = started + minutes * 60, started
            next_sample, rss_series = started + 60, [total_rss(rss_start)]
            late = 0
            try:
                for n in itertools.count():
                    due = started + n / rate
                    if due >= deadline or time.monotonic() >= deadline:
                        break  # bounded in time: a machine that cannot keep the rate sends fewer
                    time.sleep(max(0.0, due - time.monotonic()))
                    if time.monotonic() - due > 1.0:
                        late += 1  # the clients could not keep up: counted, not hidden
                    if time.monotonic() >= next_sample:
                        next_sample += 60
                        rss_series.append(total_rss(rss_mb(server.process.pid)))
                    if time.monotonic() >= next_import:
                        next_import += 60
                        tickets.put(("import", "POST", "/api/v1/imports?dry_run=true"))
                    tickets.put(ticket(n, ids))
            finally:
                for _ in workers:
                    tickets.put(None)
                for worker in workers:
                    worker.join()
            elapsed = time.monotonic() - started
            rss_series.append(total_rss(rss_mb(server.process.pid)))

    sent = sum(len(v) for v in latencies.values())
    print(f"soak on {args.backend}: {sent} requests in {elapsed:.0f} s ({sent / elapsed:.0f}/s)")
    print(f"machine: {machine()}; requests sent over 1 s late: {late}")
    print(f"errors: {sum(errors.values())} {dict(errors)}")
    rows = [
        (route, len(s), percentile(s, 50) * 1000, percentile(s, 99) * 1000, errors[route])
        for route, s in sorted(latencies.items())
    ]
    print(table(["route", "requests", "p50 ms", "p99 ms", "errors"], rows))
    print(rss_report(rss_series))


def total_rss(sample: dict[str, float]) -> float:
    """The server's resident memory now, in MB (its workers included, peaks left out)."""
    return sum(v for k, v in sample.items() if not k.endswith("peak"))


def rss_report(series: list[float]) -> str:
    """RSS at the start, after the first minute and at the end, and the growth from each.

    The server starts cold: its first minute fills the caches every route keeps per data
    version, which is not a leak. Growth is therefore given from the start and from the warm
    mark (after one minute), and the minute-by-minute series shows whether memory levels off
    or keeps climbing.
    """
    start, end = series[0], series[-1]
    warm = series[1] if len(series) > 2 else start

    def growth(base: float) -> str:
        return f"{(end - base) / base * 100:+.1f} %" if base else "n/a"

    return (
        f"RSS: {start:.0f} MB at start, {warm:.0f} MB after the first minute, {end:.0f} MB at "
        f"end ({growth(start)} from start, {growth(warm)} from the warm mark)\n"
        f"RSS per minute (MB): {' '.join(f'{v:.0f}' for v in series)}"
    )


if __name__ == "__main__":
    main()
