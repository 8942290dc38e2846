"""What every benchmark shares: a prepared database, a served app, timings, wrk and memory.

Load is only ever sent to 127.0.0.1, bounded in count and time, and every process started
here is stopped by the context manager that started it.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlmodel import Session

from api.migrations import upgrade
from models.engine import create_db_engine
from models.geography.catalogue import boundary_version

REPO = Path(__file__).resolve().parent.parent
GEODATA = Path(os.environ.get("NEETMAP_SHARED", REPO.parent / "shared")) / "geodata"
LA_FILE = GEODATA / "boundaries/ctyua_2023_buc/CTYUA_MAY_2023_UK_BUC.shp"
REGIONS_FILE = (
    GEODATA / "boundaries/regions_2023_buc/Regions_December_2023_Boundaries_EN_BUC.geojson"
)
LA_CODES_FILE = GEODATA / "lookups/dfe_las.csv"
HOST = "127.0.0.1"


def prepare(url: str) -> None:
    """Migrate the database and load the May 2023 LA boundaries if none are loaded."""
    # Imported here, as the server does: a bench child measuring its own memory (import caps)
    # would otherwise carry geopandas and GDAL, which the server it stands for does not.
    from models.vintages.loading import load_boundary_inputs, read_boundary_inputs

    upgrade(url)
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            if boundary_version(session) is not None:
                return
            inputs = read_boundary_inputs(LA_FILE, regions=REGIONS_FILE, la_codes=LA_CODES_FILE)
            load_boundary_inputs(session, inputs)
            session.commit()
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def listeners(port: int) -> int:
    """How many sockets listen on `port` (Linux: /proc/net/tcp; SO_REUSEPORT workers each
    have their own, opened once the worker has started its app)."""
    suffix = f":{port:04X}"
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[1].endswith(suffix) and fields[3] == "0A":  # LISTEN
                count += 1
    return count


def wait_for_listeners(port: int, workers: int, seconds: float = 60.0) -> None:
    """Wait until every worker listens, so no measured connection goes to the first one
    only because the second was still starting (the kernel spreads new connections over
    the sockets that listen). Where /proc says nothing, one answering worker has to do."""
    if workers < 2 or not Path("/proc/net/tcp").exists():
        return
    deadline = time.monotonic() + seconds
    while listeners(port) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {listeners(port)} of {workers} workers listen on {port}")
        time.sleep(0.2)


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]


@contextmanager
def serve(
    database_url: str,
    *,
    workers: int = 1,
    port: int | None = None,
    stdout: int | None = None,
    **env: str,
) -> Iterator[Server]:
    """`neetmap serve` in a subprocess on a loopback port (a free one unless given), stopped
    on exit; its output goes to ours unless `stdout` says otherwise (`subprocess.DEVNULL`)."""
    port = port or free_port()
    environment = {
        **os.environ,
        "NEETMAP_DATABASE_URL": database_url,
        # Warnings only from the app and uvicorn; the JSON access line is another switch
        # (NEETMAP_ACCESS_LOG) and stays on, as `make serve` has it, unless `env` says so.
        "NEETMAP_LOG_LEVEL": "warning",
        **env,
    }
    environment.pop("NEETMAP_BOUNDARIES", None)
    neetmap = str(Path(sys.executable).with_name("neetmap"))
    command = [neetmap, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command, env=environment, cwd=REPO, start_new_session=True, stdout=stdout
    )
    base = f"http://{HOST}:{port}"
    try:
        wait_for(f"{base}/healthz")
        wait_for_listeners(port, workers)
        yield Server(base, process)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group we started (and SIGKILL it if it lingers)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def rss_mb(pid: int) -> dict[str, float]:
    """Resident and peak memory (MB) of a process and its children, from /proc."""
    out: dict[str, float] = {}
    for proc in [pid, *_children(pid)]:
        status = Path(f"/proc/{proc}/status")
        if not status.exists():
            continue
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        rss = int(fields["VmRSS"].split()[0]) / 1024
        peak = int(fields["VmHWM"].split()[0]) / 1024
        out[f"{proc}"] = rss
        out[f"{proc} peak"] = peak
    return out


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *_children(child)]
    return found


@dataclass(frozen=True)
class Latency:
    name: str
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_bytes: float


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def summarise(name: str, seconds: Sequence[float], sizes: Sequence[int]) -> Latency:
    ms = [s * 1000 for s in seconds]
    return Latency(
        name,
        len(ms),
        percentile(ms, 50),
        percentile(ms, 95),
        percentile(ms, 99),
        max(ms),
        statistics.fmean(sizes) if sizes else 0.0,
    )


def time_requests(
    base: str,
    name: str,
    paths: Sequence[str],
    *,
    warmup: int = 10,
    concurrency: int = 1,
    time_limit_s: float = 120.0,
) -> Latency:
    """Latency of GETs over loopback, `concurrency` clients in parallel, gzip accepted.

    Every response must be 200: a benchmark that times errors times nothing.
    """
    headers = {"Accept-Encoding": "gzip"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for path in paths[:warmup]:
            client.get(path).raise_for_status()
    seconds: list[float] = []
    sizes: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit_s
    chunks = [paths[i::concurrency] for i in range(concurrency)]

    def run(chunk: Sequence[str]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for path in chunk:
                if time.monotonic() > deadline:
                    return
                start = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - start
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
                with lock:
                    seconds.append(elapsed)
                    sizes.append(len(response.content))

    failures: list[BaseException] = []

    def guarded(chunk: Sequence[str]) -> None:
        try:
            run(chunk)
        except BaseException as exc:  # re-raised below, in the caller's thread
            failures.append(exc)

    threads = [threading.Thread(target=guarded, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return summarise(name, seconds, sizes)


def machine() -> str:
    """What the figures were measured on: cores and load (other work skews every figure)."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min) {five:.1f} (5 min)"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A small fixed-width table for the terminal."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)
