"""The ORUK read API on the embedded SQLite default (issue 15, item 5).

With 100,000 synthetic interventions: p50/p95 over loopback of `/oruk/services?per_page=50`
at random pages, the same with a taxonomy-term filter, and single nested services; beside
each, its baseline, the JSON API's page of the same records (`/api/v1/interventions` with the
same offset and filter) in the same run. Target: p95 < 50 ms for `/oruk/services?per_page=50`.

    python -m bench.oruk [--size 100000] [--dir DIR] [--requests 200] [--port PORT]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import httpx

from api.oruk.ids import service_id
from api.oruk.taxonomy import TERM_BY_SLUG
from bench.harness import machine, serve, table, time_requests
from bench.query_api import database

TARGET_MS = 50.0


def workload(base: str, requests: int, seed: int = 15) -> dict[str, list[str]]:
    """Random pages (and services) of the whole list and of one term's records, each beside
    the JSON API's request for the same records."""
    draw = random.Random(seed)
    total = httpx.get(f"{base}/oruk/services?per_page=1").json()["total_items"]
    neet = TERM_BY_SLUG["target_group", "neet"].id
    filtered = httpx.get(f"{base}/oruk/services?per_page=1&taxonomy_term_id={neet}").json()
    pages = [draw.randint(1, max(1, total // 50)) for _ in range(requests)]
    term_pages = [draw.randint(1, max(1, filtered["total_items"] // 50)) for _ in range(requests)]
    listed = httpx.get(f"{base}/api/v1/interventions?limit=500").json()["items"]
    records = [draw.choice(listed)["id"] for _ in range(requests)]
    return {
        "oruk services page": [f"/oruk/services?per_page=50&page={p}" for p in pages],
        "baseline: JSON API page": [
            f"/api/v1/interventions?limit=50&offset={(p - 1) * 50}" for p in pages
        ],
        "oruk services page, term": [
            f"/oruk/services?per_page=50&page={p}&taxonomy_term_id={neet}" for p in term_pages
        ],
        "baseline: JSON API page, term": [
            f"/api/v1/interventions?limit=50&offset={(p - 1) * 50}&target_group=neet"
            for p in term_pages
        ],
        "oruk service, nested": [f"/oruk/services/{service_id(r)}" for r in records],
        "baseline: JSON API record": [f"/api/v1/interventions/{r}" for r in records],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="where the SQLite file lives (kept, reused)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, help="loopback port to serve on (default: a free one)")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="neetmap-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    url = database(directory, args.size)
    with serve(url, port=args.port) as server:
        paths = workload(server.base, args.requests)
        results = [time_requests(server.base, name, p) for name, p in paths.items()]
    rows = [
        [f"{args.size:,}", r.name, r.count, r.p50_ms, r.p95_ms, r.max_ms, r.mean_bytes / 1024,
         "" if r.name.startswith("baseline") else f"< {TARGET_MS:.0f}",
         "" if r.name.startswith("baseline") else r.p95_ms < TARGET_MS]
        for r in results
    ]  # fmt: skip
    print(f"\nSQLite, one uvicorn worker, sequential client over loopback (file in {directory})")
    print(f"Measured on {machine()}")
    print(table(["interventions", "request", "n", "p50 ms", "p95 ms", "max ms", "KB", "p95 target", "met"], rows))  # fmt: skip


if __name__ == "__main__":
    main()
