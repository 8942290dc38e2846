"""Research reads on the embedded SQLite default (issue 6, item 6).

Over 100,000 synthetic interventions (bench/synthetic.py) with the real context indicators
loaded: p50/p95 over loopback for two-way cross-tabs (region x target group, LA x
intervention type, LA x status with context, a region-filtered one) and the coverage query
(filtered, and gaps as GeoJSON), plus the counting alone in process, with facets read every
time (cold) and from the worker's facet cache (warm, the steady state between writes).
Target: p95 < 200 ms.

    python -m bench.research [--size 100000] [--dir DIR] [--requests 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlmodel import Session

from bench.harness import GEODATA, Latency, prepare, serve, summarise, table, time_requests
from bench.queries import REGIONS, TARGETS, TYPES
from bench.synthetic import generate
from geodata.context import read_context_paths
from models.context.queries import context_version, load_context_on_boundaries
from models.engine import create_db_engine
from models.freshness.caches import FacetCache
from models.interventions.filters import InterventionFilter
from models.research.stats import count_cells

TARGET_MS = 200.0
TRANSITIONS = ("year_9_options", "year_11_post_16", "post_16_retention", "age_18")
FUNDING = ("la_core", "esf", "ukspf", "dfe", "charity_trust")


def database(directory: Path, size: int) -> str:
    """A SQLite file with `size` synthetic interventions and the context loaded, reused."""
    path = directory / f"research-{size}.db"
    url = f"sqlite:///{path}"
    ready = directory / f"research-{size}.ready"
    if not ready.exists():
        for stale in directory.glob(f"research-{size}.db*"):
            stale.unlink()
        prepare(url)
        engine = create_db_engine(url)
        generate(engine, size)
        files = read_context_paths([GEODATA / "context"])
        with Session(engine) as session:
            load_context_on_boundaries(session, files.figures, "bench")
            session.commit()
        engine.dispose()
        ready.touch()
    return url


def workload(n: int, seed: int = 1) -> dict[str, list[str]]:
    """Request paths per kind, drawn from a seed so every run times the same requests."""
    rng = np.random.default_rng(seed)
    makers: dict[str, Callable[[], str]] = {
        "stats region x target_group": lambda: (
            f"/api/v1/stats?group_by=region,target_group&funding_source={rng.choice(FUNDING)}"
        ),
        "stats region x target_group, no filter": lambda: (
            "/api/v1/stats?group_by=region,target_group"
        ),
        "stats la x intervention_type": lambda: (
            f"/api/v1/stats?group_by=la,intervention_type&target_group={rng.choice(TARGETS)}"
        ),
        "stats la x status, with_context": lambda: (
            f"/api/v1/stats?group_by=la,status&with_context=true&target_group={rng.choice(TARGETS)}"
        ),
        "stats region x target_group, region filter": lambda: (
            f"/api/v1/stats?group_by=region,target_group&region={rng.choice(REGIONS)}"
        ),
        "stats type x target_group, csv": lambda: (
            "/api/v1/stats?group_by=intervention_type,target_group&format=csv"
            f"&transition_point={rng.choice(TRANSITIONS)}"
        ),
        "coverage target x transition": lambda: (
            f"/api/v1/coverage?target_group={rng.choice(TARGETS)}"
            f"&transition_point={rng.choice(TRANSITIONS)}"
        ),
        "coverage gaps geojson simplified": lambda: (
            f"/api/v1/coverage?target_group={rng.choice(TARGETS)}&intervention_type="
            f"{rng.choice(TYPES)}&gaps_only=true&format=geojson&geometry=simplified"
        ),
    }
    return {kind: [make() for _ in range(n)] for kind, make in makers.items()}


def in_process(url: str, n: int) -> list[Latency]:
    """The counting alone, without HTTP: facets read every time (cold) or cached (warm)."""
    engine = create_db_engine(url)
    rng = np.random.default_rng(2)
    cases: dict[str, tuple[list[str], Callable[[], InterventionFilter]]] = {
        "region x target_group": (
            ["region", "target_group"],
            lambda: InterventionFilter(any_of={"funding_source": (str(rng.choice(FUNDING)),)}),
        ),
        "la (coverage)": (
            ["la"],
            lambda: InterventionFilter(
                any_of={
                    "target_group": (str(rng.choice(TARGETS)),),
                    "transition_point": (str(rng.choice(TRANSITIONS)),),
                }
            ),
        ),
    }
    results = []
    with Session(engine) as session:
        assert context_version(session) is not None
        for name, (dimensions, make) in cases.items():
            for label, cache in (("cold", None), ("warm", FacetCache())):
                seconds = []
                for _ in range(n):
                    flt = make()
                    start = time.perf_counter()
                    count_cells(session, flt, dimensions, cache)
                    seconds.append(time.perf_counter() - start)
                results.append(summarise(f"db, {label}: {name}", seconds, []))
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="where the SQLite file lives (kept, reused)")
    parser.add_argument("--requests", type=int, default=100, help="requests per kind")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="neetmap-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    url = database(directory, args.size)
    results = in_process(url, args.requests)
    with serve(url) as server:
        results += [
            time_requests(server.base, kind, paths)
            for kind, paths in workload(args.requests).items()
        ]
    rows = [
        [r.name, r.count, r.p50_ms, r.p95_ms, r.max_ms, r.mean_bytes / 1024, r.p95_ms < TARGET_MS]
        for r in results
    ]
    print(f"\nSQLite, {args.size:,} interventions, one uvicorn worker, sequential client, gzip")
    print(f"(database in {directory}); target p95 < {TARGET_MS:.0f} ms")
    print(table(["query", "n", "p50 ms", "p95 ms", "max ms", "KB", "met"], rows))


if __name__ == "__main__":
    main()
