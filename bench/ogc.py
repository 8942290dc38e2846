"""OGC API - Features: neetmap against tipg on the same 153-LA layer, in one run (issue 13).

Both serve one PostgreSQL/PostGIS database, `neetmap_ogc_bench` (created and loaded with the
May 2023 LA boundaries, dropped at the end unless --keep): neetmap its `/ogc` routes, tipg a
table of the same LA rows (code, name, region, geometry) copied from neetmap's `area` table.
Each runs as one uvicorn worker; wrk drives the same three requests at both, one after the
other, with gzip accepted as GIS clients do:

- `local-authorities/items?limit=200` (every LA with its geometry),
- one feature (`items/E08000035`, Leeds),
- `items?filter=S_INTERSECTS(geometry, POINT(-1.5491 53.8008))` (the LA at a point).

Targets: neetmap at least 20x, 5x and 10x tipg's requests/s. tipg is not a project
dependency: it is installed in its own venv under /tmp at bench time (skipped, with a
message, when that cannot be done). Ports are fixed in 18240-18241 (loopback only).

    python -m bench.ogc [--seconds 10] [--connections 8] [--keep]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

from bench.harness import HOST, machine, prepare, stop, table, wait_for
from bench.load import WrkResult, wrk
from bench.postgres import ADMIN_URL, database_url, recreate

NAME = "neetmap_ogc_bench"
TIPG_VENV = Path(os.environ.get("NEETMAP_TIPG_VENV", "/tmp/neetmap-tipg-venv"))
NEETMAP_PORT, TIPG_PORT = 18240, 18241
TABLE = "ogc_bench_las"
POINT = "POINT(-1.5491 53.8008)"
NEETMAP = str(Path(sys.executable).with_name("neetmap"))
CASES = (
    ("items?limit=200", "items?limit=200", 20.0),
    ("one feature", "items/E08000035", 5.0),
    (
        "S_INTERSECTS(POINT)",
        "items?filter-lang=cql2-text&filter=S_INTERSECTS({geom},{point})",
        10.0,
    ),
)


def tipg_python() -> Path | None:
    """A venv with tipg, made on first use; None (and why) when pip cannot install it."""
    python = TIPG_VENV / "bin" / "python"
    if python.exists() and _has_tipg(python):
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "tipg", "uvicorn"],
            check=True,
            timeout=900,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"tipg could not be installed ({exc.__class__.__name__}); skipping the comparison")
        return None
    return python if _has_tipg(python) else None


def _has_tipg(python: Path) -> bool:
    return subprocess.run([str(python), "-c", "import tipg"], capture_output=True).returncode == 0


def copy_layer(url: str) -> None:
    """The LA rows of neetmap's `area` table as a plain PostGIS table for tipg."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(
            f"CREATE TABLE {TABLE} AS SELECT code, name, region_code, geom "
            "FROM area WHERE level = 'la' AND geom IS NOT NULL"
        )
        conn.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (code)")
        conn.execute(f"CREATE INDEX ON {TABLE} USING gist (geom)")
        conn.execute(f"ANALYZE {TABLE}")


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="both",
        help="where neetmap reads the layer (tipg always reads PostGIS)",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    python = tipg_python()
    recreate(ADMIN_URL, NAME)
    url = database_url(ADMIN_URL, NAME)
    processes: list[subprocess.Popen[bytes]] = []
    sqlite_file = Path(tempfile.mkdtemp(prefix="neetmap-ogc-bench-")) / "bench.db"
    try:
        prepare(url)
        copy_layer(url)
        theirs = None
        if python is not None:
            processes.append(
                start(
                    [
                        str(python),
                        "-m",
                        "uvicorn",
                        "tipg.main:app",
                        "--host",
                        HOST,
                        "--port",
                        str(TIPG_PORT),
                        "--workers",
                        "1",
                        "--log-level",
                        "warning",
                    ],
                    {
                        "DATABASE_URL": url.replace("+psycopg", ""),
                        "TIPG_DB_SCHEMAS": '["public"]',
                        "TIPG_DB_TABLES": f'["public.{TABLE}"]',
                    },
                )
            )
            theirs = f"http://{HOST}:{TIPG_PORT}/collections/public.{TABLE}/"
            wait_for(f"http://{HOST}:{TIPG_PORT}/collections")
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            ours_url = url if backend == "postgresql" else f"sqlite:///{sqlite_file}"
            if backend == "sqlite":
                prepare(ours_url)
            neetmap = start(
                [NEETMAP, "serve", "--host", HOST, "--port", str(NEETMAP_PORT), "--workers", "1"],
                {"NEETMAP_DATABASE_URL": ours_url, "NEETMAP_LOG_LEVEL": "warning"},
            )
            try:
                wait_for(f"http://{HOST}:{NEETMAP_PORT}/healthz")
                print(f"\nneetmap on {backend}, tipg on PostGIS (one uvicorn worker each):")
                ours = f"http://{HOST}:{NEETMAP_PORT}/ogc/collections/local-authorities/"
                run(ours, theirs, args.seconds, args.connections)
            finally:
                stop(neetmap)
    finally:
        for process in processes:
            stop(process)
        sqlite_file.unlink(missing_ok=True)
        if not args.keep:
            recreate(ADMIN_URL, NAME, drop_only=True)


def run(ours: str, theirs: str | None, seconds: int, connections: int) -> None:
    import httpx

    rows = []
    for label, path, target in CASES:
        mine = ours + path.format(geom="geometry", point=POINT).replace(" ", "%20")
        _check(httpx.get(mine, timeout=60), mine)
        a = wrk(mine, seconds=seconds, connections=connections)
        b: WrkResult | None = None
        if theirs is not None:
            other = theirs + path.format(geom="geom", point=POINT).replace(" ", "%20")
            _check(httpx.get(other, timeout=60), other)
            b = wrk(other, seconds=seconds, connections=connections)
        ratio = a.requests_per_s / b.requests_per_s if b else float("nan")
        rows.append(
            [
                label,
                a.requests_per_s,
                b.requests_per_s if b else "skipped",
                f"{ratio:.1f}x" if b else "-",
                f"{target:.0f}x",
                "met" if b and ratio >= target else ("-" if not b else "NOT met"),
                f"{a.errors} / {b.errors if b else '-'}",
            ]
        )
    print(
        table(
            [
                "request",
                "neetmap req/s",
                "tipg req/s",
                "ratio",
                "target",
                "",
                "errors (ours / tipg)",
            ],
            rows,
        )
    )


def _check(response: object, url: str) -> None:
    status = getattr(response, "status_code", 0)
    if status != 200:
        text = getattr(response, "text", "")[:300]
        raise RuntimeError(f"{url}: {status} {text}")


if __name__ == "__main__":
    main()
