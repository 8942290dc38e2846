"""Where a hot read's time goes inside the process: requests sent straight to the ASGI app
(no sockets, no server), timed per request and profiled with cProfile.

    python -m bench.asgi_profile [--url sqlite:///path] [-n 3000] [--out bench/profile-after.txt]

Times the same reads as `bench.compare` on neetmap and on `bench.baseline_app` (the
baseline's files are written first), then profiles neetmap's and writes the top functions
by cumulative and by own time. Without --url it prepares a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.compare import AREA, LAYER, POINTS, seeded_database

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def scope_for(path: str) -> dict[str, Any]:
    raw_path, _, query = path.partition("?")
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": raw_path, "raw_path": raw_path.encode(), "root_path": "",
        "query_string": query.encode(), "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept-encoding", b"gzip"),
                    (b"user-agent", b"bench")],
    }  # fmt: skip


async def call(app: App, path: str) -> int:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope_for(path), receive, send)
    return status


async def per_request_us(app: App, paths: list[str], count: int) -> float:
    """µs per request over `count` requests cycling through `paths`; each path is asked once
    first (so repeats are timed), except in a list at least `count` long (each timed once:
    never repeated, never in the fast lane)."""
    if len(paths) < count:
        for path in paths:
            status = await call(app, path)
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
    start = time.perf_counter()
    for i in range(count):
        await call(app, paths[i % len(paths)])
    return (time.perf_counter() - start) / count * 1e6


READS = {
    "LA layer": ([LAYER], ["/layer"]),
    "point lookup": (
        [f"/api/v1/areas/at?lat={a}&lon={o}" for a, o in POINTS],
        [f"/at?lat={a}&lon={o}" for a, o in POINTS],
    ),
    "one LA": ([f"/api/v1/areas/{AREA}"], [f"/area/{AREA}"]),
}


def new_points(count: int, start: int = 0) -> dict[str, tuple[list[str], list[str]]]:
    """Point lookups never asked before (the eight points moved north by 1e-7 degree steps,
    from step `start`), so none is a repeat."""
    moved = []
    for step in range(start, start + count):
        lat, lon = POINTS[step % len(POINTS)]
        moved.append((round(lat + step * 1e-7, 7), lon))
    return {
        "new points": (
            [f"/api/v1/areas/at?lat={a}&lon={o}" for a, o in moved],
            [f"/at?lat={a}&lon={o}" for a, o in moved],
        )
    }


async def measure(url: str, count: int, out: Path | None, directory: Path) -> None:
    os.environ["NEETMAP_DATABASE_URL"] = url
    os.environ["NEETMAP_BASELINE_DIR"] = str(directory)
    from api.main import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url=url))
    async with app.router.lifespan_context(app):
        await write_baseline_files(app, directory)
        from bench import baseline_app

        lines = [f"{'read':14} {'neetmap us':>11} {'baseline us':>12} {'ratio':>6}"]
        for name, (ours, theirs) in (READS | new_points(count)).items():
            mine = await per_request_us(app, ours, count)
            base = await per_request_us(baseline_app.app, theirs, count)
            lines.append(f"{name:14} {mine:11.1f} {base:12.1f} {base / mine:6.2f}")
        print("\n".join(lines))
        if out is None:
            return
        profile = cProfile.Profile()
        profile.enable()
        for ours, _ in (READS | new_points(count, start=count)).values():
            await per_request_us(app, ours, count)
        profile.disable()
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text).strip_dirs()
        text.write(f"In-process ASGI calls, {count} of each read, cProfile\n")
        text.write("\n".join(lines) + "\n")
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        out.write_text(text.getvalue())
        print(f"profile written to {out}")


async def write_baseline_files(app: App, directory: Path) -> None:
    """The bytes neetmap answers, as `bench.compare.same_bytes` writes them."""
    import gzip

    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        for name, path in (("layer", LAYER), ("area", f"/api/v1/areas/{AREA}")):
            plain = await c.get(path, headers={"Accept-Encoding": "identity"})
            (directory / f"{name}.json").write_bytes(plain.content)
            (directory / f"{name}.json.gz").write_bytes(gzip.compress(plain.content, 9))
        lat, lon = POINTS[0]
        point = await c.get("/api/v1/areas/at", params={"lat": lat, "lon": lon})
        (directory / "point.json").write_bytes(point.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", help="a prepared SQLite URL (default: a temporary one)")
    parser.add_argument("-n", type=int, default=3000, help="requests per read")
    parser.add_argument("--out", type=Path, help="write the cProfile text here")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="neetmap-profile-"))
    url = args.url or seeded_database(directory)
    asyncio.run(measure(url, args.n, args.out, directory))


if __name__ == "__main__":
    main()
