"""neetmap's hot reads against servers doing the same work on the same bytes, in one run.

    python -m bench.compare [--seconds 3] [--rounds 3] [--no-workers]     (or `make bench`)

Starts, on 127.0.0.1 ports of its own, and stops when done (also on error or Ctrl-C):
- neetmap (`neetmap serve`, SQLite with the May 2023 boundaries and the sample data, one
  worker; and a second one with `--workers 2` for the scaling rows);
- the minimal FastAPI app of `bench.baseline_app` on the same uvicorn, returning the bytes
  neetmap returned (the LA layer, one LA) or a dict of the point lookup's shape;
- nginx, one worker, serving the LA layer's bytes raw and with `gzip_static`;
- tipg when it is importable (it needs PostGIS; not measured by this SQLite run, said so).

Then wrk (one thread, `--connections`, gzip accepted) against every target in turn, the
targets interleaved round by round, so load from elsewhere falls on all of them alike. Prints
machine, load average (before and after) and versions, then one table: the median over
rounds of req/s, p50 and p99, and each ratio to its baseline with the issue-19 target. By
default about three minutes.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlmodel import Session

from bench.harness import HOST, REPO, free_port, prepare, serve, stop, table, wait_for
from bench.load import WrkResult, nginx_serving, wrk
from models.engine import create_db_engine

#: Points in eight English LAs, visited round robin by both the app and its baseline.
POINTS = [(53.38, -1.47), (53.80, -1.55), (53.48, -2.24), (52.48, -1.90), (51.507, -0.128),
          (51.45, -2.59), (54.97, -1.61), (52.63, 1.30)]  # fmt: skip
AREA = "E08000003"  # Manchester
LAYER = "/api/v1/areas?level=la"
GEOJSON = "application/geo+json"


@dataclass
class Target:
    name: str
    url: str
    paths: list[str] | None = None
    connections: int = 10
    results: list[WrkResult] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.results)


def seeded_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'compare.db'}"
    prepare(url)
    from models.intake.seed import seed

    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            seed(session)
            session.commit()
    finally:
        engine.dispose()
    return url


def same_bytes(base: str, directory: Path) -> None:
    """What neetmap sends, written for the baseline app to send back."""
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, path in (("layer", LAYER), ("area", f"/api/v1/areas/{AREA}")):
            plain = client.get(path, headers={"Accept-Encoding": "identity"})
            coded = client.get(path, headers={"Accept-Encoding": "gzip"})
            plain.raise_for_status()
            (directory / f"{name}.json").write_bytes(plain.content)
            if coded.headers.get("content-encoding") == "gzip":
                # httpx decodes; the bytes on the wire are what neetmap cached, recompressed
                # here at the same level, so the baseline sends a body of the same size.
                (directory / f"{name}.json.gz").write_bytes(gzip.compress(plain.content, 9))
        lat, lon = POINTS[0]
        point = client.get("/api/v1/areas/at", params={"lat": lat, "lon": lon})
        point.raise_for_status()
        (directory / "point.json").write_bytes(point.content)


@contextmanager
def baseline(
    directory: Path, app: str = "bench.baseline_app:app", probe: str = "/layer"
) -> Iterator[str]:
    """A minimal app of `bench.baseline_app` (the FastAPI one unless `app` names another) on
    the same uvicorn, one worker, no access log."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", HOST,
               "--port", str(port), "--loop", "uvloop", "--http", "httptools",
               "--no-access-log", "--log-level", "warning"]  # fmt: skip
    env = {**os.environ, "NEETMAP_BASELINE_DIR": str(directory)}
    process = subprocess.Popen(command, env=env, cwd=REPO, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        wait_for(f"{base}{probe}", 30)
        yield base
    finally:
        stop(process)


def point_paths(prefix: str) -> list[str]:
    return [f"{prefix}?lat={lat}&lon={lon}" for lat, lon in POINTS]


def versions() -> str:
    names = ["fastapi", "starlette", "uvicorn", "uvloop", "httptools", "orjson", "sqlalchemy"]
    found = [f"{n} {importlib.metadata.version(n)}" for n in names]
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    return f"Python {platform.python_version()}, {', '.join(found)}, {nginx}, neetmap {commit}"


def machine_line() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores {model}; load average {one:.2f} (1 min), {five:.2f} (5 min)"


#: (row, app target, baseline target, target ratio or None)
RATIOS = [
    ("LA layer / FastAPI same bytes", "neetmap LA layer", "FastAPI, same bytes", 0.5),
    ("LA layer / nginx gzip_static", "neetmap LA layer", "nginx gzip_static", None),
    ("LA layer / nginx raw", "neetmap LA layer", "nginx raw", None),
    ("point / FastAPI async", "neetmap point lookup", "FastAPI point, async", 0.5),
    ("one LA / FastAPI async", "neetmap one LA", "FastAPI one LA, async", 0.4),
    ("2 workers / 1, point, c10", "neetmap point, 2 workers, c10", "neetmap point lookup", 1.6),
    ("2 workers / 1, point, c40", "neetmap point, 2 workers, c40", "neetmap point, c40", 1.6),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per target")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--no-workers", action="store_true", help="skip the 2-worker rows")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is not installed: apt-get install -y wrk nginx-light")
    directory = Path(tempfile.mkdtemp(prefix="neetmap-compare-"))
    print(f"Machine: {machine_line()}", flush=True)
    print(f"Versions: {versions()}", flush=True)
    try:
        run(args, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run(args: argparse.Namespace, directory: Path) -> None:
    url = seeded_database(directory)
    c = args.connections
    with ExitStack() as servers:
        app = servers.enter_context(serve(url)).base
        same_bytes(app, directory)
        base = servers.enter_context(baseline(directory))
        layer = (directory / "layer.json").read_bytes()
        raw, static = servers.enter_context(nginx_serving(layer, "layer.geojson", GEOJSON))
        targets = [
            Target("neetmap LA layer", app + LAYER, connections=c),
            Target("FastAPI, same bytes", base + "/layer", connections=c),
            Target("nginx gzip_static", static, connections=c),
            Target("nginx raw", raw, connections=c),
            Target("neetmap point lookup", app, point_paths("/api/v1/areas/at"), c),
            Target("FastAPI point, async", base, point_paths("/at"), c),
            Target("neetmap one LA", f"{app}/api/v1/areas/{AREA}", connections=c),
            Target("FastAPI one LA, async", f"{base}/area/{AREA}", connections=c),
        ]
        if not args.no_workers:
            two = servers.enter_context(serve(url, workers=2)).base
            targets += [
                Target("neetmap point, c40", app, point_paths("/api/v1/areas/at"), 40),
                Target("neetmap point, 2 workers, c10", two, point_paths("/api/v1/areas/at"), c),
                Target("neetmap point, 2 workers, c40", two, point_paths("/api/v1/areas/at"), 40),
            ]
        for target in targets:  # warm every cache and connection path once
            wrk(target.url, seconds=1, connections=2, paths=target.paths)
        for number in range(args.rounds):
            print(f"round {number + 1}/{args.rounds}: load {os.getloadavg()[0]:.2f}", flush=True)
            for target in targets:
                target.results.append(
                    wrk(
                        target.url,
                        seconds=args.seconds,
                        connections=target.connections,
                        paths=target.paths,
                    )  # fmt: skip
                )
    report(targets, args)


def report(targets: list[Target], args: argparse.Namespace) -> None:
    by_name = {t.name: t for t in targets}
    rows: list[list[object]] = [
        [t.name, t.connections, t.median("requests_per_s"), t.median("latency_p50_ms"),
         t.median("latency_p99_ms"), ", ".join(sorted({r.errors for r in t.results}))]
        for t in targets
    ]  # fmt: skip
    print(f"\nwrk -t1, {args.rounds} interleaved rounds of {args.seconds} s per target, gzip "
          "accepted; medians over rounds")  # fmt: skip
    print(table(["target", "conns", "req/s", "p50 ms", "p99 ms", "errors"], rows))
    ratio_rows: list[list[object]] = []
    for label, numerator, denominator, goal in RATIOS:
        if numerator not in by_name or denominator not in by_name:
            continue
        per_round = [
            a.requests_per_s / b.requests_per_s
            for a, b in zip(by_name[numerator].results, by_name[denominator].results, strict=True)
        ]
        value = statistics.median(per_round)
        spread = f"{min(per_round):.2f}-{max(per_round):.2f}"
        verdict = "" if goal is None else ("met" if value >= goal else "NOT met")
        ratio_rows.append([label, value, spread, "" if goal is None else f">= {goal}", verdict])
    print("\nRatios (median of per-round ratios; range over rounds)")
    print(table(["ratio", "median", "range", "target", ""], ratio_rows))
    if importlib.util.find_spec("tipg") is None:
        print("\ntipg: not installed, not measured (it serves PostGIS only: pip install tipg).")
    else:
        print("\ntipg: installed, but it serves PostGIS only; this SQLite run does not start it.")
    print(f"Machine after: {machine_line()}")


if __name__ == "__main__":
    main()
