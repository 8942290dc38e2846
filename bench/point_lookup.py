"""Point-in-LA lookups and the size of the LA layer (issue 3, item 7).

Prints p50/p99 of 10,000 in-process lookups on the AreaIndex of the area catalogue, requests
per second for /api/v1/areas/at over loopback (wrk, one server worker), and the size of
/api/v1/areas?level=la raw and gzipped. Targets: p99 < 1 ms; < 260 KB raw, < 75 KB gzip.

    python -m bench.point_lookup [--url sqlite:///bench.db] [--seconds 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import shapely
from sqlmodel import Session

from bench.harness import machine, prepare, serve, summarise, table, time_requests
from bench.load import wrk
from models.engine import create_db_engine
from models.geography.catalogue import AreaCatalogue, boundary_version, load_catalogue

POINTS = 10_000
TARGET_P99_MS = 1.0
TARGET_RAW_KB = 260
TARGET_GZIP_KB = 75


def catalogue_of(url: str) -> AreaCatalogue:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            version = boundary_version(session)
            assert version is not None, "prepare(url) loads boundaries"
            return load_catalogue(session, version)
    finally:
        engine.dispose()


def random_points(catalogue: AreaCatalogue, count: int, seed: int = 0) -> np.ndarray:
    """`count` uniformly random (lon, lat) points on English land (inside some LA)."""
    rng = np.random.default_rng(seed)
    england = shapely.union_all([catalogue.geometries[c] for c in catalogue.las])
    shapely.prepare(england)
    minx, miny, maxx, maxy = england.bounds
    found: list[np.ndarray] = []
    while sum(len(f) for f in found) < count:
        xy = np.round(rng.uniform((minx, miny), (maxx, maxy), (count, 2)), 5)
        found.append(xy[shapely.contains_xy(england, xy[:, 0], xy[:, 1])])
    return np.concatenate(found)[:count]


def in_process(catalogue: AreaCatalogue, points: np.ndarray) -> list[list[object]]:
    index = catalogue.la_index  # built once per boundary version, as in the API
    rows: list[list[object]] = []
    for name, lookup in (
        ("LA containing point", index.containing),
        (
            "LA + region",
            lambda x, y: (index.containing(x, y), catalogue.region_index.containing(x, y)),
        ),
    ):
        seconds = []
        for lon, lat in points.tolist():
            start = time.perf_counter()
            lookup(lon, lat)
            seconds.append(time.perf_counter() - start)
        stats = summarise(name, seconds, [])
        rows.append(
            [name, stats.count, stats.p50_ms * 1000, stats.p99_ms * 1000, stats.max_ms * 1000]
        )
    return rows


def layer_size(base: str) -> tuple[int, int]:
    """Bytes of the unfiltered LA layer as sent: without and with gzip."""
    raw = httpx.get(f"{base}/api/v1/areas?level=la", headers={"Accept-Encoding": "identity"})
    raw.raise_for_status()
    with httpx.stream(
        "GET", f"{base}/api/v1/areas?level=la", headers={"Accept-Encoding": "gzip"}
    ) as response:
        response.raise_for_status()
        assert response.headers.get("content-encoding") == "gzip", "the layer is not gzipped"
        wire = sum(len(chunk) for chunk in response.iter_raw())
    return len(raw.content), wire


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='neetmap-bench-')) / 'points.db'}"
    prepare(url)
    catalogue = catalogue_of(url)
    points = random_points(catalogue, POINTS)
    print(f"{POINTS:,} random points on English land, {len(catalogue.las)} LAs; {machine()}\n")
    print("In-process (AreaIndex, STRtree + prepared polygons), microseconds per lookup")
    lookups = in_process(catalogue, points)
    print(table(["lookup", "n", "p50 us", "p99 us", "max us"], lookups))

    paths = [f"/api/v1/areas/at?lat={lat}&lon={lon}" for lon, lat in points.tolist()]
    with serve(url) as server:
        latency = time_requests(server.base, "areas/at", paths[:2000])
        load = wrk(server.base + paths[0], seconds=args.seconds, paths=paths)
        raw, gzipped = layer_size(server.base)
    print("\nHTTP on loopback, one uvicorn worker (`neetmap serve`)")
    print(
        table(
            ["endpoint", "p50 ms (1 client)", "p99 ms", "wrk req/s (8 conns)", "wrk p99 ms", "errors"],
            [["/api/v1/areas/at", latency.p50_ms, latency.p99_ms, load.requests_per_s, load.latency_p99_ms, load.errors]],
        )
    )  # fmt: skip
    p99_ms = float(lookups[0][3]) / 1000  # type: ignore[arg-type]
    print("\nLA layer /api/v1/areas?level=la (geometry=full, precision=5)")
    print(
        table(
            ["measure", "value", "target", "met"],
            [
                ["raw KB", raw / 1024, f"< {TARGET_RAW_KB}", raw / 1024 < TARGET_RAW_KB],
                ["gzip KB", gzipped / 1024, f"< {TARGET_GZIP_KB}", gzipped / 1024 < TARGET_GZIP_KB],
                ["in-process p99 ms", p99_ms, f"< {TARGET_P99_MS}", p99_ms < TARGET_P99_MS],
            ],
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
