"""Worker processes that share a port fairly.

uvicorn's `--workers` (like gunicorn's) has every worker accept from one shared socket. Under
keep-alive load the worker that wakes first accepts most of the connections and keeps them,
so two workers measured 1x to 2.7x one worker depending on how the connections fell. Here
each worker binds its own socket with SO_REUSEPORT and the kernel assigns each new
connection to one of them by a hash of its addresses: connections spread evenly whatever the
workers are doing (Linux 3.9 and later; elsewhere `serve` falls back to uvicorn's workers).

The parent only starts the workers and stops them: SIGTERM or SIGINT to it (or to its process
group) stops all of them, and a worker that dies stops the rest, so a half-running service is
never left behind.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from typing import Any

import uvicorn

#: What every worker runs: the app factory on uvloop with the httptools parser.
SERVER_OPTIONS: dict[str, Any] = {
    "app": "api.main:create_app",
    "factory": True,
    "loop": "uvloop",
    "http": "httptools",
    "proxy_headers": True,
}

reuse_port_supported = hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) that other processes may bind as well."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _run_worker(host: str, port: int, log_level: str) -> None:
    config = uvicorn.Config(**SERVER_OPTIONS, host=host, port=port, log_level=log_level)
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


def run_workers(host: str, port: int, workers: int, log_level: str) -> None:
    """Run `workers` uvicorn servers on one port until signalled, then stop them all."""
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_run_worker, args=(host, port, log_level), daemon=False)
        for _ in range(workers)
    ]
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for process in processes:
            process.start()
        while not stopping and all(p.is_alive() for p in processes):
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for process in processes:
            process.join(15)
            if process.is_alive():
                process.kill()
                process.join(5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
