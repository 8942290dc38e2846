"""The public query API on the embedded SQLite default (issue 4, item 7).

For 10,000 and 100,000 synthetic interventions: p50/p95 over loopback for a list query with
three filters, a bbox query, a point query and the LA layer with a filter; the server's
memory; then the unfiltered LA layer, repeated, from neetmap and from nginx serving the same
bytes (raw, and gzip_static: compressed once, as neetmap does), one worker each, with wrk.
Targets (100,000): p95 < 50 ms list pages, < 100 ms filtered choropleth, RSS < 500 MB.
The layer's targets against a FastAPI baseline and nginx are `python -m bench.compare`'s.

    python -m bench.query_api [--sizes 10000,100000] [--dir DIR] [--seconds 10]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import httpx

from bench.harness import Latency, machine, prepare, rss_mb, serve, table, time_requests
from bench.load import nginx_serving, wrk
from bench.point_lookup import catalogue_of, random_points
from bench.queries import workload
from bench.synthetic import generate
from models.engine import create_db_engine

COUNTS = {
    "list, 3 filters": 200,
    "list, bbox": 200,
    "list, point": 200,
    "areas level=la + filter": 100,
}
TARGET_LIST_MS = 50.0
TARGET_CHOROPLETH_MS = 100.0
TARGET_RSS_MB = 500.0


def database(directory: Path, size: int) -> str:
    """A SQLite file with `size` synthetic interventions, reused when it is already there."""
    path = directory / f"bench-{size}.db"
    url = f"sqlite:///{path}"
    ready = directory / f"bench-{size}.ready"
    if not ready.exists():
        for stale in directory.glob(f"bench-{size}.db*"):
            stale.unlink()
    prepare(url)  # also brings a reused file up to the newest migration
    if not ready.exists():
        engine = create_db_engine(url)
        generate(engine, size)
        engine.dispose()
        ready.touch()
    return url


def latency_rows(
    size: int, results: list[Latency], targets: dict[str, float]
) -> list[list[object]]:
    return [
        [f"{size:,}", r.name, r.count, r.p50_ms, r.p95_ms, r.max_ms, r.mean_bytes / 1024,
         f"< {targets[r.name]:.0f}", r.p95_ms < targets[r.name]]
        for r in results
    ]  # fmt: skip


def run_queries(base: str, paths: dict[str, list[str]], concurrency: int = 1) -> list[Latency]:
    return [
        time_requests(base, kind, kind_paths, concurrency=concurrency)
        for kind, kind_paths in paths.items()
    ]


def targets_for(kinds: list[str], list_ms: float, choropleth_ms: float) -> dict[str, float]:
    return {k: choropleth_ms if k.startswith("areas") else list_ms for k in kinds}


def layer_race(base: str, seconds: int) -> list[list[object]]:
    """neetmap and nginx serving the unfiltered LA layer's bytes, one after the other, with
    wrk (gzip accepted): nginx raw and with `gzip_static` (see `bench.load.nginx_serving`).
    `python -m bench.compare` is the fuller comparison (FastAPI baseline, interleaved rounds)."""
    response = httpx.get(f"{base}/api/v1/areas?level=la", headers={"Accept-Encoding": "identity"})
    response.raise_for_status()
    app = wrk(f"{base}/api/v1/areas?level=la", seconds=seconds)
    with nginx_serving(response.content, "areas-la.geojson", "application/geo+json") as urls:
        raw, static = (wrk(url, seconds=seconds) for url in urls)
    return [
        ["neetmap /api/v1/areas?level=la", app.requests_per_s, app.latency_p50_ms, app.latency_p99_ms, app.transfer_per_s, app.errors],
        ["nginx, same bytes, gzip_static", static.requests_per_s, static.latency_p50_ms, static.latency_p99_ms, static.transfer_per_s, static.errors],
        ["nginx, same bytes, raw", raw.requests_per_s, raw.latency_p50_ms, raw.latency_p99_ms, raw.transfer_per_s, raw.errors],
        ["neetmap / nginx gzip_static", app.requests_per_s / static.requests_per_s, "", "", "", ""],
        ["neetmap / nginx raw", app.requests_per_s / raw.requests_per_s, "", "", "", ""],
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--dir", type=Path, help="where the SQLite files live (kept, reused)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per server")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="neetmap-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    rows: list[list[object]] = []
    memory: list[list[object]] = []
    race: list[list[object]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        url = database(directory, size)
        paths = workload(random_points(catalogue_of(url), 2000), COUNTS)
        with serve(url) as server:
            results = run_queries(server.base, paths)
            rss = rss_mb(server.process.pid)
            memory.append([f"{size:,}", max(v for k, v in rss.items() if "peak" not in k),
                           max(v for k, v in rss.items() if "peak" in k), f"< {TARGET_RSS_MB:.0f}"])  # fmt: skip
            if size == max(int(s) for s in args.sizes.split(",")):
                race = layer_race(server.base, args.seconds)
        rows += latency_rows(
            size, results, targets_for(list(COUNTS), TARGET_LIST_MS, TARGET_CHOROPLETH_MS)
        )
    print(f"\nSQLite, one uvicorn worker, sequential client over loopback (files in {directory})")
    print(f"Measured on {machine()}")
    print(table(["interventions", "query", "n", "p50 ms", "p95 ms", "max ms", "KB", "p95 target", "met"], rows))  # fmt: skip
    print("\nServer memory after the queries (MB)")
    print(table(["interventions", "RSS", "peak RSS", "target"], memory))
    print(
        f"\nUnfiltered LA layer repeated, wrk 1 thread 8 connections {args.seconds} s, gzip accepted"
    )
    print(table(["server", "req/s", "p50 ms", "p99 ms", "transfer/s", "errors"], race))


if __name__ == "__main__":
    main()
