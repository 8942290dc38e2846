"""Rate limits on writes and expensive reads, per API key and per client address (`limits`).

Counted in fixed windows in `NEETMAP_RATE_LIMIT_STORAGE`: `memory://` keeps counts in each
worker (so N workers allow up to N times the rate), `redis://host:6379` shares them across
workers and hosts (install `limits[async-redis]` for it). A request over a limit gets 429 in the API's error shape with
`Retry-After` (exposed to browsers through CORS), before its body is read or its key checked.
"""

from __future__ import annotations

import math
import time
from typing import Final

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.error_shape import error_response
from api.observability.context import client_address, context_of, key_prefix_from

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
#: Reads that compute over every record or stream it all, each worth limiting on its own.
EXPENSIVE_READS: Final = frozenset({"/api/v1/export", "/api/v1/stats", "/api/v1/coverage"})


class RateLimitMiddleware:
    """Pure ASGI: two counter checks for limited requests, nothing for the others."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        writes: str,
        reads: str,
        storage: str,
        expensive_reads: frozenset[str] = EXPENSIVE_READS,
    ) -> None:
        self.app = app
        # The asyncio flavour of each storage: counting never blocks the event loop, and the
        # in-memory one expires counts in a task rather than starting a thread every 10 ms.
        scheme = storage if storage.startswith("async+") else f"async+{storage}"
        store = storage_from_string(scheme)
        if not isinstance(store, Storage):  # pragma: no cover - every async+ scheme is one
            raise ValueError(f"{storage} has no asyncio storage in the limits library")
        self.limiter = FixedWindowRateLimiter(store)
        self.writes = parse(writes)
        self.reads = parse(reads)
        self.expensive_reads = expensive_reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in SAFE_METHODS:
            if scope["path"] not in self.expensive_reads:
                await self.app(scope, receive, send)
                return
            item, kind = self.reads, "reads"
            if (context := context_of(scope)) is not None:
                context.per_request = True  # counted every time: never a fast-lane answer
        else:
            item, kind = self.writes, "writes"
        identities = [("address", client_address(scope))]
        authorization = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        prefix = key_prefix_from(authorization)
        if prefix is not None:
            identities.append(("key", prefix))
        for who, value in identities:
            if not await self._hit(item, kind, who, value):
                wait = await self._retry_after(item, kind, who, value)
                response = error_response(
                    429,
                    "rate_limited",
                    f"Too many {kind} from this {who}: at most {item.amount} per "
                    f"{_window(item)}. Try again in {wait} seconds.",
                )
                response.headers["Retry-After"] = str(wait)
                response.headers["Cache-Control"] = "no-store"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        return await self.limiter.hit(item, *identifiers)

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        stats = await self.limiter.get_window_stats(item, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))


def _window(item: RateLimitItem) -> str:
    """ "minute", "10 seconds": the window in words."""
    unit = item.GRANULARITY.name
    return unit if item.multiples == 1 else f"{item.multiples} {unit}s"
