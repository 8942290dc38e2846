"""What the operations layers cost per request (issue 18), in process, no network.

The same small ASGI app (a fixed 2 KB JSON body, as a cached layer answer is sent) is called
N times bare and N times wrapped in the layers `create_app` adds for operations: request id,
JSON access line (formatted into memory with the production formatter), Prometheus metrics,
route template, rate limit check (an expensive-read path, so the counter is hit every time)
and security headers. Same bytes, same loop, same run; prints microseconds per request.

    .venv/bin/python -m bench.ops_middleware [-n 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import statistics
import time
from typing import Any

from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from api.observability.logs import AccessLine, json_formatter
from api.observability.metrics import Metrics
from api.observability.middleware import ObservabilityMiddleware, RouteRecorder, RouteTemplates
from api.protection.headers import SecurityHeadersMiddleware
from api.protection.rate_limits import RateLimitMiddleware

BODY = b'{"items": [' + b'"x",' * 500 + b'"x"]}'
PATH = "/api/v1/stats"
ROUTE = Route(PATH, lambda _request: None)


async def bare(scope: Scope, _receive: Receive, send: Send) -> None:
    scope["route"] = ROUTE  # what routing leaves in the scope
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def wrapped() -> ASGIApp:
    logger = logging.getLogger("bench.access")
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(json_formatter())
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    templates = RouteTemplates()
    app: ASGIApp = RouteRecorder(bare, [ROUTE], templates)
    app = RateLimitMiddleware(
        app, writes="1000000/second", reads="1000000/second", storage="memory://"
    )
    app = SecurityHeadersMiddleware(app)
    return ObservabilityMiddleware(
        app, metrics=Metrics(), logger=AccessLine(logger), templates=templates
    )


async def run(app: ASGIApp, n: int) -> list[float]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": PATH,
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", b"Bearer nmk_0a1b2c3d_x")],
        "client": ("127.0.0.1", 5000),
        "query_string": b"",
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(_message: Any) -> None:
        return None

    timings = []
    for _ in range(n):
        started = time.perf_counter()
        await app(dict(scope), receive, send)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20000)
    n = parser.parse_args().n
    layered = wrapped()
    for name, app in (("bare", bare), ("with operations layers", layered)):
        asyncio.run(run(app, 1000))  # warm up
        timings = asyncio.run(run(app, n))
        p50 = statistics.median(timings) * 1e6
        p99 = statistics.quantiles(timings, n=100)[98] * 1e6
        print(f"{name:>24}: p50 {p50:7.1f} µs  p99 {p99:7.1f} µs  ({n} requests)")


if __name__ == "__main__":
    main()
