"""Answers rendered once per data version, replayed before routing.

A cached map layer still cost FastAPI's routing and the parsing of its twenty-odd query
parameters on every request: most of the time of a 250 KB answer that is ready in memory.
A route that renders once per data version (`remember`) leaves its answer here under the
request as sent: path, raw query string (blank parameters already dropped), scheme, Host
and root path, and the data versions. `ReplayMiddleware`, innermost, answers the same
request again from here while the versions are fresh, with the status and headers the route
gave it: every middleware outside it (ETag and 304, gzip tags, CORS, Vary, HEAD) runs as for
the route. Only 200s are kept, so an invalid request always reaches its route's checks; when
the versions are due for a check, or nothing is kept, the request goes to its route.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.hotpath.rendered import GZIP_MINIMUM, Rendered
from api.http.encoding import accepts_gzip
from api.observability.context import context_of
from models.freshness import DataVersions, Versions

RawHeaders = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Replay:
    """One rendered answer: both codings, each with the headers its route sent."""

    rendered: Rendered = field(repr=False)
    plain_headers: RawHeaders = field(repr=False)
    gzip_headers: RawHeaders = field(repr=False)

    @classmethod
    def of(cls, rendered: Rendered, media_type: str) -> Replay:
        plain, gzipped, etag = rendered
        kind, tag = media_type.encode(), etag.encode()
        return cls(
            rendered,
            [(b"etag", tag), (b"content-length", b"%d" % len(plain)), (b"content-type", kind)],
            [
                (b"content-encoding", b"gzip"),
                (b"etag", tag),
                (b"content-length", b"%d" % len(gzipped)),
                (b"content-type", kind),
            ],
        )


class ReplayStore:
    """Answers by request, for the worker; cleared when full (keys name their versions, so
    entries of older versions are never served, only outlived)."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._max = max_entries
        self._lock = threading.Lock()
        self._entries: dict[Hashable, Replay] = {}

    def lookup(self, key: Hashable) -> Replay | None:
        return self._entries.get(key)

    def keep(self, key: Hashable, replay: Replay) -> None:
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = replay


def request_key(scope: Scope, versions: Versions) -> tuple[object, ...]:
    """What an answer kept here may depend on: the request as sent and the data versions."""
    host = b""
    for name, value in scope["headers"]:
        if name == b"host":
            host = value
            break
    return (
        scope["path"],
        scope["query_string"],
        scope.get("scheme"),
        host,
        None if host else scope.get("server"),  # what links name without a Host header
        scope.get("root_path", ""),
        versions,
    )


def remember(request: Request, versions: Versions, rendered: Rendered, media_type: str) -> None:
    """Keep a route's rendered 200 for the same request under the same versions."""
    store: ReplayStore = request.app.state.replay
    store.keep(request_key(request.scope, versions), Replay.of(rendered, media_type))


def kept(request: Request, versions: Versions) -> Replay | None:
    store: ReplayStore = request.app.state.replay
    return store.lookup(request_key(request.scope, versions))


class ReplayMiddleware:
    """Replays kept answers (see the module); a no-op for everything else.

    Args:
        app: The application (the router, below every other middleware).
        store: Where routes keep their answers.
        versions: The app's data versions.
    """

    def __init__(self, app: ASGIApp, *, store: ReplayStore, versions: DataVersions) -> None:
        self.app = app
        self.store = store
        self.versions = versions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        versions = self.versions.known() if scope["type"] == "http" else None
        if versions is None or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        replay = self.store.lookup(request_key(scope, versions))
        if replay is None:
            await self.app(scope, receive, send)
            return
        if (context := context_of(scope)) is not None:
            context.kept_under = versions  # `api.hotpath.fastlane` may keep the final answer
        coded = b""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                coded = value
                break
        plain, gzipped, _ = replay.rendered
        if len(plain) >= GZIP_MINIMUM and accepts_gzip(coded.decode("latin-1")):
            body, headers = gzipped, replay.gzip_headers
        else:
            body, headers = plain, replay.plain_headers
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": body, "more_body": False})
