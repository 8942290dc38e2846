"""Vector tiles (issue 14, item 6) on SQLite with 100,000 synthetic interventions.

1. Tile bytes per zoom (raw and gzip) over the tiles covering England (sampled past z7).
2. Uncached filtered tiles: p50/p95 over loopback of tiles whose filter and address no
   request asked before, in two cases: the tile's shapes already encoded by an earlier
   request under another filter (the steady state: a filter change on a map in use), and a
   tile address never asked at all (shapes cut and encoded too). Facets are read once
   before (as after any data change's first request), so the timings are of tiles, not of
   the first read of a facet.
3. A cached z6 LA tile repeated (wrk, one thread, gzip accepted, one worker each), the
   targets interleaved round by round so load from elsewhere falls on all alike: neetmap
   with its access log off (as nginx's is) and on (as `make serve` runs it); the same bytes from a FastAPI route, from a Starlette route and from a bare ASGI callable
   on the same uvicorn (uvloop, httptools: the ceiling of any app on it); nginx serving
   them with `gzip_static` and raw.
Targets: cached tile >= half nginx's requests per second; uncached filtered tile p95 < 50 ms.

    python -m bench.tiles [--dir DIR] [--size 100000] [--seconds 5] [--rounds 3]

Servers bind 127.0.0.1 on ports from NEETMAP_BENCH_PORTS (default 18300-18399).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import random
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import mapbox_vector_tile
import morecantile
import shapely

import bench.compare
import bench.harness
import bench.load
from bench.compare import Target, baseline
from bench.harness import machine, serve, table, time_requests
from bench.load import nginx_serving, wrk
from bench.point_lookup import catalogue_of
from bench.query_api import database
from models.tiles.grid import MAX_ZOOM

ENGLAND = (-5.8, 49.9, 1.8, 55.8)
LEEDS = (-1.5491, 53.7997)
TILE = "/ogc/tiles/WebMercatorQuad/{z}/{x}/{y}"
TARGET_P95_MS = 50.0
FILTERS = {
    "target_group": ["send", "care_experienced", "neet", "at_risk", "young_carers", "ehe"],
    "transition_point": ["year_11_post_16", "post_16_retention", "re_engagement", "age_18"],
    "intervention_type": ["mentoring", "careers_guidance", "personal_adviser", "outreach"],
    "age": ["14", "16", "17", "19"],
}


def _ports() -> None:
    """Every server here on a port of the assigned range, not a random free one."""
    low, high = (int(p) for p in os.environ.get("NEETMAP_BENCH_PORTS", "18300-18399").split("-"))
    ports = itertools.cycle(range(low, high + 1))
    bench.harness.free_port = lambda: next(ports)
    bench.load.free_port = bench.harness.free_port
    bench.compare.free_port = bench.harness.free_port


_LAND: list[shapely.Geometry] = []


def england_tiles(z: int) -> list[morecantile.Tile]:
    """The tiles of zoom z that touch an LA (so none is an empty 204)."""
    tms = morecantile.tms.get("WebMercatorQuad")
    tiles = list(tms.tiles(*ENGLAND, zooms=[z]))
    if not _LAND:
        return tiles
    tree = shapely.STRtree(_LAND)
    return [t for t in tiles if len(tree.query(shapely.box(*tms.bounds(t)), "intersects"))]


def sizes_per_zoom(base: str) -> list[list[object]]:
    rows: list[list[object]] = []
    rng = random.Random(0)
    with httpx.Client(base_url=base, headers={"Accept-Encoding": "identity"}, timeout=60) as c:
        for z in range(0, MAX_ZOOM + 1):
            tiles = england_tiles(z)
            sample = tiles if len(tiles) <= 64 else rng.sample(tiles, 64)
            raw, zipped, features, empty = [], [], [], 0
            for t in sample:
                response = c.get(TILE.format(z=z, x=t.x, y=t.y))
                if response.status_code == 204:
                    empty += 1
                    continue
                response.raise_for_status()
                raw.append(len(response.content))
                zipped.append(len(gzip.compress(response.content, 9)))
                layers = mapbox_vector_tile.decode(response.content)
                features.append(sum(len(layer["features"]) for layer in layers.values()))
            rows.append([z, len(tiles), len(sample), empty,
                         sum(raw) / len(raw) / 1024 if raw else 0, max(raw, default=0) / 1024,
                         sum(zipped) / len(zipped) / 1024 if zipped else 0,
                         max(zipped, default=0) / 1024, max(features, default=0)])  # fmt: skip
    return rows


def filter_queries(n: int, seed: int) -> list[str]:
    """n distinct filters (one to four criteria each), in a seeded order."""
    rng = random.Random(seed)
    combos: list[str] = []
    for values in itertools.product(*(["", *values] for values in FILTERS.values())):
        parts = [f"{k}={v}" for k, v in zip(FILTERS, values, strict=True) if v]
        if parts:
            combos.append("&".join(parts))
    rng.shuffle(combos)
    return combos[:n]


def uncached_paths(n: int) -> tuple[list[str], list[str], list[str]]:
    """Warm-up paths (unfiltered, one per tile, which encodes its shapes), then `n` paths of
    warm addresses under new filters, then `n` paths of new addresses under new filters."""
    rng = random.Random(1)
    warm_tiles = [t for z in (5, 6, 7, 8, 9) for t in england_tiles(z)]
    cold_tiles = [t for z in (10, 11) for t in england_tiles(z)]
    rng.shuffle(warm_tiles)
    rng.shuffle(cold_tiles)
    queries = filter_queries(2 * n, 2)
    warmup = [TILE.format(z=t.z, x=t.x, y=t.y) for t in warm_tiles]
    warm = [
        f"{TILE.format(z=t.z, x=t.x, y=t.y)}?{q}"
        for t, q in zip(warm_tiles, queries[:n], strict=False)
    ]
    cold = [
        f"{TILE.format(z=t.z, x=t.x, y=t.y)}?{q}"
        for t, q in zip(cold_tiles, queries[n:], strict=False)
    ]
    return warmup, warm, cold


#: (ratio, numerator, denominator, target)
RATIOS = [
    ("neetmap / nginx gzip_static", "neetmap", "nginx gzip_static", 0.5),
    ("neetmap / nginx raw", "neetmap", "nginx raw", None),
    (
        "neetmap with access log / nginx gzip_static",
        "neetmap, access log on",
        "nginx gzip_static",
        None,
    ),
    ("neetmap / bare ASGI on uvicorn", "neetmap", "bare ASGI callable", None),
    ("neetmap / Starlette route", "neetmap", "Starlette route", None),
    ("neetmap / FastAPI route", "neetmap", "FastAPI route", None),
    ("bare ASGI on uvicorn / nginx gzip_static", "bare ASGI callable", "nginx gzip_static", None),
]


def first_reads() -> list[str]:
    """Tiles that read what a worker keeps per data version: every facet and age the timed
    filters use (at z0), and the venues (at z10). The first request after a data change pays
    this once; it is timed apart, not in the p95."""
    dims = "&".join(f"{name}={values[0]}" for name, values in FILTERS.items() if name != "age")
    leeds = morecantile.tms.get("WebMercatorQuad").tile(*LEEDS, 10)
    return [
        *(f"{TILE.format(z=0, x=0, y=0)}?{dims}&age={age}" for age in FILTERS["age"]),
        TILE.format(z=10, x=leeds.x, y=leeds.y),
    ]


def cached_tile(
    url: str, base: str, directory: Path, args: argparse.Namespace
) -> tuple[bytes, list[Target]]:
    """The z6 Leeds LA tile from every server, in interleaved rounds of wrk."""
    leeds = morecantile.tms.get("WebMercatorQuad").tile(*LEEDS, 6)
    path = TILE.format(z=6, x=leeds.x, y=leeds.y) + "?collections=local-authorities"
    plain = httpx.get(base + path, headers={"Accept-Encoding": "identity"})
    packed = httpx.get(base + path, headers={"Accept-Encoding": "gzip"})
    plain.raise_for_status()
    body = plain.content
    (directory / "tile.mvt").write_bytes(body)
    # What neetmap sent with gzip, byte for byte, so every server sends the same body.
    sent = packed.read() if packed.headers.get("content-encoding") != "gzip" else None
    (directory / "tile.mvt.gz").write_bytes(sent or gzip.compress(body, 9))
    c = args.connections
    with ExitStack() as servers:
        # As `make serve` runs it: one JSON access line per request (here to /dev/null).
        logged = servers.enter_context(serve(url, stdout=subprocess.DEVNULL)).base
        fastapi = servers.enter_context(baseline(directory, probe="/tile"))
        starlette = servers.enter_context(baseline(directory, "bench.baseline_app:bare", "/tile"))
        raw_asgi = servers.enter_context(baseline(directory, "bench.baseline_app:raw", "/"))
        mvt = "application/vnd.mapbox-vector-tile"
        raw, static = servers.enter_context(nginx_serving(body, "tile.mvt", mvt))
        targets = [
            Target("neetmap", base + path, connections=c),
            Target("neetmap, access log on", logged + path, connections=c),
            Target("FastAPI route", fastapi + "/tile", connections=c),
            Target("Starlette route", starlette + "/tile", connections=c),
            Target("bare ASGI callable", raw_asgi + "/tile", connections=c),
            Target("nginx gzip_static", static, connections=c),
            Target("nginx raw", raw, connections=c),
        ]
        for target in targets:  # every connection path warm once
            wrk(target.url, seconds=1, connections=2)
        for number in range(args.rounds):
            print(f"round {number + 1}/{args.rounds}: load {os.getloadavg()[0]:.2f}", flush=True)
            for target in targets:
                target.results.append(wrk(target.url, seconds=args.seconds, connections=c))
    return body, targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dir", type=Path, help="where the SQLite file lives (kept, reused)")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per target")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of wrk")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("-n", type=int, default=150, help="uncached tiles timed per case")
    args = parser.parse_args()
    _ports()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="neetmap-bench-tiles-"))
    directory.mkdir(parents=True, exist_ok=True)
    url = database(directory, args.size)
    catalogue = catalogue_of(url)
    _LAND.extend(catalogue.geometries[code] for code in catalogue.las)
    warmup, warm, cold = uncached_paths(args.n)
    load_before = os.getloadavg()
    with serve(url, NEETMAP_ACCESS_LOG="false") as server:
        base = server.base
        with httpx.Client(base_url=base, timeout=120) as client:
            for path in warmup:
                client.get(path)
            started = time.perf_counter()
            for path in first_reads():
                client.get(path).raise_for_status()
            first_ms = (time.perf_counter() - started) * 1000
        latency = []
        for name, paths in (("new filter, shapes warm", warm), ("new filter, new address", cold)):
            latency.append(time_requests(base, name, paths, warmup=0))
        sizes = sizes_per_zoom(base)
        body, targets = cached_tile(url, base, directory, args)
    load_after = os.getloadavg()

    print(f"\nSQLite, {args.size:,} interventions, one uvicorn worker (files in {directory})")
    print(f"Measured on {machine()}; load average (1 min) {load_before[0]:.2f} at the start, "
          f"{load_after[0]:.2f} at the end")  # fmt: skip
    print("\nTile bytes per zoom (all layers, tiles touching an LA; 64 sampled past z7)")
    print(table(["z", "tiles", "fetched", "empty (204)", "mean KB", "max KB", "mean KB gzip",
                 "max KB gzip", "max features"], sizes))  # fmt: skip
    print(f"\nFirst reads per data version (facets of 4 dimensions, 4 ages, every venue) in "
          f"{len(first_reads())} tiles: {first_ms:.0f} ms, not in the p95 below")  # fmt: skip
    print("\nUncached filtered tiles (z5-9 warm addresses, z10-11 new), sequential client, gzip")
    print(table(["case", "n", "p50 ms", "p95 ms", "max ms", "mean KB", "p95 target", "met"],
                [[r.name, r.count, r.p50_ms, r.p95_ms, r.max_ms, r.mean_bytes / 1024,
                  f"< {TARGET_P95_MS:.0f}", r.p95_ms < TARGET_P95_MS] for r in latency]))  # fmt: skip
    print(f"\nCached z6 LA tile ({len(body) / 1024:.1f} KB, "
          f"{(directory / 'tile.mvt.gz').stat().st_size / 1024:.1f} KB gzip) repeated: wrk 1 "
          f"thread, {args.connections} connections, gzip accepted, {args.rounds} interleaved "
          f"rounds of {args.seconds} s; medians over rounds")  # fmt: skip
    print(table(["server", "req/s", "p50 ms", "p99 ms", "errors"], [
        [t.name, t.median("requests_per_s"), t.median("latency_p50_ms"),
         t.median("latency_p99_ms"),
         ", ".join(sorted({r.errors for r in t.results}))] for t in targets
    ]))  # fmt: skip
    by_name = {t.name: t for t in targets}
    rows: list[list[object]] = []
    for label, top, bottom, goal in RATIOS:
        per_round = [a.requests_per_s / b.requests_per_s for a, b in
                     zip(by_name[top].results, by_name[bottom].results, strict=True)]  # fmt: skip
        verdict = (
            "" if goal is None else ("met" if statistics.median(per_round) >= goal else "NOT met")
        )
        rows.append([label, statistics.median(per_round),
                     f"{min(per_round):.2f}-{max(per_round):.2f}",
                     "" if goal is None else f">= {goal}", verdict])  # fmt: skip
    print("\nRatios (median of per-round ratios; range over rounds)")
    print(table(["ratio", "median", "range", "target", ""], rows))


if __name__ == "__main__":
    main()
