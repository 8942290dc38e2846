"""Two server processes on one database: a commit made outside a worker is served by every
worker within the documented bound (`models.freshness`: `MAX_AGE_S` after the commit, and 1 s
in any case), both for the public data and for the boundaries.

The servers are real processes (uvicorn, as `neetmap serve` runs it), so nothing is shared in
memory: each learns of the change only from the database. A request sent later than the
bound after the commit must see it, whatever the machine's load, because a worker whose
versions are older than `MAX_AGE_S` reads them again before answering.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from models.freshness import MAX_AGE_S

BOUND_S = 1.0
LAYER = "/api/v1/areas?level=la&context=false&geometry=none"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _server(database_url: str) -> Iterator[httpx.Client]:
    port = _free_port()
    env = {**os.environ, "NEETMAP_DATABASE_URL": database_url, "NEETMAP_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server process did not start")
            time.sleep(0.1)
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(20)


@pytest.fixture
def two_workers(boundaries: Engine, database_url: str) -> Iterator[list[httpx.Client]]:
    with ExitStack() as stack:
        yield [stack.enter_context(_server(database_url)) for _ in range(2)]


def _layer(client: httpx.Client) -> tuple[int, int]:
    """(sum of the LA counts, boundary version) of the layer as this worker serves it."""
    response = client.get(LAYER)
    assert response.status_code == 200, response.text
    body = response.json()
    counts = sum(f["properties"]["intervention_count"] for f in body["features"])
    return counts, body["boundary_version"]


def _after_bound(committed_at: float) -> None:
    time.sleep(max(0.0, committed_at + BOUND_S - time.monotonic()))


def test_bound_is_within_a_second() -> None:
    assert 0 < MAX_AGE_S <= BOUND_S


def test_published_change_reaches_every_worker(
    two_workers: list[httpx.Client], session: Session
) -> None:
    from models.intake.seed import seed

    before = [_layer(worker) for worker in two_workers]
    assert before[0] == before[1]
    assert [_layer(worker) for worker in two_workers] == before  # served again, from memory
    seed(session)
    session.commit()
    _after_bound(time.monotonic())
    after = [_layer(worker)[0] for worker in two_workers]
    assert after[0] == after[1] > before[0][0]


def test_boundary_reload_reaches_every_worker(
    two_workers: list[httpx.Client], boundaries: Engine, shared_dir: Path
) -> None:
    from models.vintages.loading import load_boundary_inputs, read_boundary_inputs
    from tests.conftest import DFE_LAS, LA_2023_BUC, REGIONS_2023

    _, version = _layer(two_workers[0])
    inputs = read_boundary_inputs(
        shared_dir / LA_2023_BUC, regions=shared_dir / REGIONS_2023, la_codes=shared_dir / DFE_LAS
    )
    with Session(boundaries) as session:
        load_boundary_inputs(session, inputs)
        session.commit()
    _after_bound(time.monotonic())
    versions = {_layer(worker)[1] for worker in two_workers}
    assert len(versions) == 1
    assert versions.pop() > version
