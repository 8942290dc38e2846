"""Prometheus metrics (prometheus-client): requests and latency by route template, database
pool use and cache hits. Nothing private: no keys, addresses, query strings or record content.

Each app has its own registry, so tests and several apps in one process never collide. With
several workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty folder shared by them: every
worker then writes its values there and `/metrics` answers the sum over workers (the
library's multiprocess mode); without it each worker reports only itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from typing import Any, Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine, event
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from api.http.caching import RenderedLayers
from models.freshness.caches import FacetCache
from models.interventions.facets import FacetReader, Facets

#: Latency buckets in seconds: cached reads take a millisecond, exports many seconds.
BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0)
#: The route label of requests no route matched (404s), so scanners cannot grow the labels.
UNMATCHED: Final = "unmatched"


class Metrics:
    """The app's metrics, with label children cached: the request path costs two dict lookups."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "neetmap_http_requests",
            "HTTP requests by method, route template and status (304 = revalidated from cache).",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "neetmap_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response, by route template.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.pool_in_use = Gauge(
            "neetmap_db_pool_connections_in_use",
            "Database connections checked out of the pool, by engine (primary or replica).",
            ["engine"],
            multiprocess_mode="livesum",
            registry=self.registry,
        )
        self.pool_size = Gauge(
            "neetmap_db_pool_size",
            "Connections each worker's pool keeps (more may open in overflow).",
            ["engine"],
            multiprocess_mode="livesum",
            registry=self.registry,
        )
        self.cache = Counter(
            "neetmap_cache_lookups",
            "Worker cache lookups: rendered map layers and filter facets, hit or miss.",
            ["cache", "result"],
            registry=self.registry,
        )
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def watch_pool(self, engine: Engine, role: str) -> None:
        """Count connections in use through the pool's own check-out and check-in events."""
        gauge = self.pool_in_use.labels(role)
        size = getattr(engine.pool, "size", None)
        if callable(size):
            self.pool_size.labels(role).set(size())
        event.listen(engine, "checkout", lambda *_: gauge.inc())
        event.listen(engine, "checkin", lambda *_: gauge.dec())

    def endpoint(self) -> Callable[[Request], Response]:
        """The `/metrics` handler: this worker's registry, or every worker's in multiprocess mode."""

        def read_metrics(_request: Request) -> Response:
            if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
                registry = CollectorRegistry()
                MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
                body = generate_latest(registry)
            else:
                body = generate_latest(self.registry)
            return Response(body, media_type=CONTENT_TYPE_LATEST)

        return read_metrics


class CountingRenderedLayers:
    """The app's rendered layers, counting hits and misses; every other attribute is the
    wrapped cache's, so callers see the same object they were given."""

    def __init__(self, inner: RenderedLayers, metrics: Metrics) -> None:
        self._inner = inner
        self._hit = metrics.cache.labels("rendered_layers", "hit")
        self._miss = metrics.cache.labels("rendered_layers", "miss")

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> tuple[bytes, bytes, str]:
        rendered = False

        def counted() -> bytes:
            nonlocal rendered
            rendered = True
            return render()

        found = self._inner.get_or_render(key, counted)
        (self._miss if rendered else self._hit).inc()
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class CountingFacetCache:
    """The app's facet cache, counting per request whether the worker's facets were current
    (hit) or had to be started again for a new data version (miss)."""

    def __init__(self, inner: FacetCache, metrics: Metrics) -> None:
        self._inner = inner
        self._hit = metrics.cache.labels("facets", "hit")
        self._miss = metrics.cache.labels("facets", "miss")
        self._last: Facets | None = None

    def current(self, session: Session) -> FacetReader:
        reader = self._inner.current(session)
        (self._hit if reader.facets is self._last else self._miss).inc()
        self._last = reader.facets
        return reader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
