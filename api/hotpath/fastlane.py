"""Final answers replayed by the outermost layer: the fast lane of repeated reads.

An answer kept in memory (`api.hotpath.replay`, `api.hotpath.point`) still went out through
a dozen ASGI layers (HEAD, blank parameters, Vary, CORS, gzip tags, ETag and 304,
Cache-Control, security headers), each wrapping `send` and reading headers again: on a
cached map tile that was three quarters of the server's time. Given the same request, those
layers give the same answer, so the outermost layer (`api.observability`) keeps the final
status, headers and body of such an answer, and answers the same request again at once.

Same request means everything the layers read: method, path, raw query, scheme, Host (or
the server address), root path, and the request headers that change the answer,
`Accept-Encoding` (gzip or not), `Origin` (CORS) and `If-None-Match` (304), as sent; plus
the data versions the inner layer answered under. Only GET and HEAD without credentials,
cookies or a body are taken, only when the versions are fresh (as for the replay), and only
answers an inner layer marked as fixed by the request and those versions
(`RequestContext.kept_under`) and no layer marked as needing work per request (the rate
limits: `RequestContext.per_request`). What must happen on every request still happens in
the outermost layer: the request id, the access line and the metrics.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from starlette.types import Message, Scope, Send

from models.freshness import DataVersions, Versions

RawHeaders = list[tuple[bytes, bytes]]
LaneKey = tuple[object, ...]
_READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class FinalAnswer:
    """An answer as the whole middleware stack sent it, less the request id, with the
    route template it was counted under."""

    status: int
    headers: RawHeaders
    body: bytes
    route: str | None

    async def send(self, send: Send, request_id: tuple[bytes, bytes]) -> None:
        headers = self.headers.copy()
        headers.append(request_id)
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


class FastLane:
    """The worker's final answers by request (see the module); cleared when full.

    Args:
        versions: The app's data versions (each key names the ones it was answered under).
        max_entries: How many answers to keep.
    """

    def __init__(self, versions: DataVersions, max_entries: int = 4096) -> None:
        self.versions = versions
        self._max = max_entries
        self._lock = threading.Lock()
        self._answers: dict[LaneKey, FinalAnswer] = {}

    def key(self, scope: Scope) -> LaneKey | None:
        """The request's key, or None when its answer may not be replayed."""
        method = scope["method"]
        versions = self.versions.known() if method in _READS else None
        if versions is None:
            return None
        host = coding = origin = if_none_match = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == b"accept-encoding":
                coding = value
            elif name == b"origin":
                origin = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name in (b"authorization", b"cookie", b"transfer-encoding") or (
                name == b"content-length" and value.strip() != b"0"
            ):
                return None
        return (
            method,
            scope["path"],
            scope["query_string"],
            scope.get("scheme"),
            host,
            None if host else scope.get("server"),
            scope.get("root_path", ""),
            coding,
            origin,
            if_none_match,
            versions,
        )

    def lookup(self, key: LaneKey) -> FinalAnswer | None:
        return self._answers.get(key)

    def keep(self, key: LaneKey, answer: FinalAnswer) -> None:
        with self._lock:
            if len(self._answers) >= self._max:
                self._answers.clear()
            self._answers[key] = answer


class Recording:
    """Collects one answer as it goes out, for `FastLane.keep` when it proves replayable:
    one start and a single, complete body message."""

    __slots__ = ("body", "complete", "headers", "status")

    def __init__(self) -> None:
        self.status = 0
        self.headers: RawHeaders | None = None
        self.body: bytes | None = None
        self.complete = True

    def see(self, message: Message, headers: RawHeaders) -> None:
        """Note a message on its way out (`headers`: the start's, without the request id)."""
        if message["type"] == "http.response.start":
            self.status, self.headers = message["status"], headers.copy()
        elif message["type"] == "http.response.body":
            if self.body is not None or message.get("more_body", False):
                self.complete = False
            self.body = message.get("body", b"")

    def answer(self, under: Versions | None, key: LaneKey, route: str | None) -> FinalAnswer | None:
        """The final answer, if it was complete and answered under the key's versions."""
        if (
            under is None
            or under != key[-1]
            or not self.complete
            or self.headers is None
            or self.body is None
            or self.status not in (200, 304)
        ):
            return None
        return FinalAnswer(self.status, self.headers, self.body, route)
