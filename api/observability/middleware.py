"""The outermost layer: a request id for every request, one JSON log line and the metrics.

Pure ASGI (no BaseHTTPMiddleware: no extra task or body copy per request). The route template
is recorded by `RouteRecorder` around the router, which sees the scope routing filled in;
layers between may copy the scope, but the shared `RequestContext` carries it back out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.hotpath.fastlane import FastLane, Recording
from api.observability.context import (
    SCOPE_KEY,
    RequestContext,
    client_address,
    key_prefix_from,
    request_id_from,
)
from api.observability.logs import AccessLine
from api.observability.metrics import UNMATCHED, Metrics

REQUEST_ID_HEADER = b"x-request-id"


class ObservabilityMiddleware:
    """Request id (accepted from `X-Request-ID` or generated, always echoed), access log line
    (method, path, route, status, duration, request id, key prefix; never the key) and
    Prometheus request metrics by route template; with a `lane`, repeated reads answered
    at once from their final answers (`api.hotpath.fastlane`), still with all three."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        logger: AccessLine | None,
        templates: RouteTemplates,
        lane: FastLane | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.logger = logger
        self.templates = templates
        self.lane = lane

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id_header = authorization = None
        for name, value in scope["headers"]:
            if name == REQUEST_ID_HEADER:
                request_id_header = value
            elif name == b"authorization":
                authorization = value
        context = RequestContext(request_id_from(request_id_header), key_prefix_from(authorization))
        echoed = (REQUEST_ID_HEADER, context.request_id.encode("latin-1"))
        lane = self.lane
        key = lane.key(scope) if lane is not None else None
        if lane is not None and key is not None and (answer := lane.lookup(key)) is not None:
            await answer.send(send, echoed)
            context.route = answer.route
            self._record(scope, context, answer.status, started)
            return
        scope[SCOPE_KEY] = context
        recording = Recording() if key is not None else None
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", ()) if h[0] != REQUEST_ID_HEADER]
                if recording is not None:
                    recording.see(message, headers)
                headers.append(echoed)
                message["headers"] = headers
            elif recording is not None:
                recording.see(message, [])
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, context, status, started)
        if lane is not None and key is not None and recording is not None:
            answer = recording.answer(context.kept_under, key, context.route)
            if answer is not None and not context.per_request:
                lane.keep(key, answer)

    def _record(self, scope: Scope, context: RequestContext, status: int, started: float) -> None:
        """The metrics and the access line of a finished request."""
        elapsed = time.perf_counter() - started
        route = context.route or self.templates.known.get(scope["path"], UNMATCHED)
        self.metrics.observe(scope["method"], route, status, elapsed)
        if self.logger is not None:
            self.logger.write(
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "request_id": context.request_id,
                    "key": context.key_prefix,
                    "client": client_address(scope),
                }
            )


class RouteTemplates:
    """Templates learned per path from routed requests, for answers given before routing
    (a response replayed from memory): the same path then counts under the same route."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def learn(self, path: str, template: str) -> None:
        if len(self.known) >= self.LIMIT:
            self.known.clear()
        self.known[path] = template


class RouteRecorder:
    """Wraps the router: after routing, copies the matched route's template (`/api/v1/areas/
    {code}`) into the request context, so metrics never take raw paths as labels.

    FastAPI's routes leave themselves in the scope (a route of an included router with its
    own path, without the prefixes it was included under); plain Starlette routes (`/docs`,
    `/metrics`) leave only their endpoint, whose template is looked up once.
    """

    def __init__(
        self, app: ASGIApp, routes: Sequence[BaseRoute], templates: RouteTemplates
    ) -> None:
        self.app = app
        self.routes = routes
        self.templates = templates
        self._by_endpoint: dict[Any, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            context: RequestContext | None = scope.get(SCOPE_KEY)
            if context is not None:
                context.route = self._template(scope)
                if context.route is not None:
                    self.templates.learn(scope["path"], context.route)

    def _template(self, scope: Scope) -> str | None:
        route = scope.get("route")
        if route is not None:
            return _full_template(route, scope["path"])
        endpoint = scope.get("endpoint")
        if endpoint is None:
            return None
        if self._by_endpoint is None:
            self._by_endpoint = {
                getattr(r, "endpoint", None): getattr(r, "path", "") for r in self.routes
            }
        return self._by_endpoint.get(endpoint)


def _full_template(route: BaseRoute, path: str) -> str | None:
    """The route's template with the prefixes of the routers it was included in: the part of
    the request path before the tail the route itself matched (neetmap's prefixes are fixed
    text, such as `/api/v1`)."""
    template: str | None = getattr(route, "path", None)
    regex = getattr(route, "path_regex", None)
    if template is None or regex is None or regex.match(path):
        return template
    for cut in range(1, len(path)):
        if path[cut] == "/" and regex.match(path[cut:]):
            return path[:cut] + template
    return template
