"""HTTP caching for reads: strong ETags, 304 Not Modified, Cache-Control and Vary.

Map front ends fetch the same URLs all day. A validator computed from the response bytes lets
browsers and shared caches revalidate for the cost of a hash, and needs no cache state in the
API process, which stays stateless so it can scale out.

Two pure ASGI middlewares (no buffering beyond what an ETag needs, streaming left intact):

- `ConditionalGetMiddleware` sits innermost, below gzip, so the ETag is computed from the
  identity bytes; gzip (`api.http.encoding`) then marks the tag of the gzip variant (`"…-gzip"`),
  as RFC 9110 wants a distinct strong tag per content coding, and If-None-Match accepts
  either. A handler that sets its own ETag (exports, versioned records) keeps it, and
  streamed bodies are not buffered then.
- `VaryMiddleware` sits outermost and leaves exactly one `Vary: Accept-Encoding, Origin`,
  whatever gzip and CORS appended on the way out.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Hashable, Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.encoding import accepts_gzip, gzip_etag
from api.http.preconditions import RECORD_VERSION_HEADER, tagged_with_version
from models.cache import IN_KEY, VersionedCache

NO_STORE = "no-store"
VARY = "Accept-Encoding, Origin"
#: Above this many bytes a body without an ETag is streamed on untagged rather than buffered.
MAX_TAGGED_BODY = 64 * 1024 * 1024
#: Headers a 304 repeats from the 200 it stands for (RFC 9110 section 15.4.5).
_KEPT_ON_304 = {b"etag", b"cache-control", b"vary", b"content-location", b"date", b"expires"}
_READS = {"GET", "HEAD"}


def body_etag(body: bytes) -> str:
    """A strong entity tag for these exact bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def version_etag(*parts: object) -> str:
    """A strong entity tag for a representation fully determined by `parts` (e.g. versions)."""
    return body_etag("\x1f".join(str(part) for part in parts).encode())


def _opaque(tag: str) -> str:
    """The tag without its weakness prefix: If-None-Match uses the weak comparison."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def matching_tag(if_none_match: str | None, etag: str, *, prefer_gzip: bool = False) -> str | None:
    """The variant of the current tag (identity or gzip) that an If-None-Match header value
    names, so a 304 repeats the one the client holds; `*` names the variant the client
    would get (`prefer_gzip`: it accepts gzip)."""
    if not if_none_match:
        return None
    candidates = {_opaque(part) for part in if_none_match.split(",") if part.strip()}
    if "*" in candidates:
        return gzip_etag(etag) if prefer_gzip else etag
    if _opaque(etag) in candidates:
        return etag
    if _opaque(gzip_etag(etag)) in candidates:
        return gzip_etag(etag)
    return None


def cache_control(*, status: int, private: bool, max_age: int) -> str:
    """Public successful reads may be cached for `max_age` s; errors and private answers
    (anything asked with credentials) may not be stored at all."""
    if private or status >= 400:
        return NO_STORE
    return f"public, max-age={max_age}"


class ConditionalGetMiddleware:
    """ETag on every successful read, 304 for a matching If-None-Match, Cache-Control always.

    Args:
        app: The ASGI application to wrap.
        max_age: Seconds a public read may be reused without revalidation.
        no_store_paths: Paths never to be cached, such as the health check.
    """

    def __init__(
        self, app: ASGIApp, *, max_age: int, no_store_paths: Iterable[str] = ("/healthz",)
    ) -> None:
        self.app = app
        self.max_age = max_age
        self.no_store_paths = frozenset(no_store_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        responder = _Responder(
            send,
            read=scope["method"] in _READS,
            private="authorization" in request_headers or scope["path"] in self.no_store_paths,
            if_none_match=request_headers.get("if-none-match"),
            gzip=accepts_gzip(request_headers.get("accept-encoding")),
            max_age=self.max_age,
        )
        await self.app(scope, receive, responder.send)


class _Responder:
    """One response's worth of state: the held start message and any buffered body."""

    def __init__(
        self,
        send: Send,
        *,
        read: bool,
        private: bool,
        if_none_match: str | None,
        gzip: bool,
        max_age: int,
    ) -> None:
        self._send = send
        self._gzip = gzip
        self._read = read
        self._private = private
        self._if_none_match = if_none_match
        self._max_age = max_age
        self._start: Message | None = None
        self._chunks: list[bytes] = []
        self._size = 0
        self._passthrough = True
        self._not_modified = False
        self._record_version: str | None = None

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self._on_start(message)
        elif message["type"] == "http.response.body":
            await self._on_body(message)
        else:
            await self._send(message)

    async def _on_start(self, message: Message) -> None:
        headers = MutableHeaders(scope=message)
        status: int = message["status"]
        # A record's representation: see api.http.preconditions.
        if RECORD_VERSION_HEADER in headers:
            self._record_version = headers[RECORD_VERSION_HEADER]
            del headers[RECORD_VERSION_HEADER]
        if not self._read:
            headers.setdefault("cache-control", NO_STORE)
            await self._send(message)
            return
        if self._private or status >= 400 or "cache-control" not in headers:
            headers["cache-control"] = cache_control(
                status=status, private=self._private, max_age=self._max_age
            )
        if status != 200:
            await self._send(message)
        elif "etag" in headers:
            await self._answer(message, headers["etag"])
        else:
            self._start = message
            self._passthrough = False

    async def _on_body(self, message: Message) -> None:
        if self._not_modified:
            return  # the 304 has gone; the body it stands for is dropped
        if self._passthrough:
            await self._send(message)
            return
        body: bytes = message.get("body", b"")
        self._chunks.append(body)
        self._size += len(body)
        more = bool(message.get("more_body", False))
        if more and self._size <= MAX_TAGGED_BODY:
            return
        assert self._start is not None
        whole = b"".join(self._chunks)
        self._chunks = []
        self._passthrough = True
        if more:  # too big to hold: send it on as it comes, without a validator
            await self._send(self._start)
            await self._send({"type": "http.response.body", "body": whole, "more_body": True})
            return
        etag = body_etag(whole)
        if self._record_version is not None:
            etag = tagged_with_version(self._record_version, etag)
        await self._answer(self._start, etag)
        if not self._not_modified:
            await self._send({"type": "http.response.body", "body": whole, "more_body": False})

    async def _answer(self, start: Message, etag: str) -> None:
        """Send the start of a 200 with its ETag, or a bodiless 304 when the client has it."""
        headers = MutableHeaders(scope=start)
        headers["etag"] = etag
        if matched := matching_tag(self._if_none_match, etag, prefer_gzip=self._gzip):
            self._not_modified = True
            headers["etag"] = matched
            kept = [(k, v) for k, v in start["headers"] if k.lower() in _KEPT_ON_304]
            await self._send({"type": "http.response.start", "status": 304, "headers": kept})
            await self._send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await self._send(start)


class VaryMiddleware:
    """Exactly one `Vary` naming every request header a response may depend on.

    Args:
        app: The ASGI application to wrap (outermost, so it sees what gzip and CORS added).
        vary: The header names, comma-separated.
    """

    def __init__(self, app: ASGIApp, *, vary: str = VARY) -> None:
        self.app = app
        self.names = [name.strip() for name in vary.split(",") if name.strip()]
        self.plain = (b"vary", ", ".join(self.names).encode("latin-1"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._varied(message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_with_vary)

    def _varied(self, headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """The headers with one Vary: ours, then any other names the layers inside listed."""
        kept: list[tuple[bytes, bytes]] = []
        listed: list[bytes] = []
        for key, value in headers:
            if key.lower() == b"vary":
                listed.append(value)
            else:
                kept.append((key, value))
        if not listed:  # the usual answer: nothing to merge
            kept.append(self.plain)
            return kept
        names = {name.lower(): name for name in self.names}
        for value in listed:
            for part in value.decode("latin-1").split(","):
                if part := part.strip():
                    names.setdefault(part.lower(), part)
        kept.append((b"vary", ", ".join(names.values()).encode("latin-1")))
        return kept


class RenderedLayers:
    """Map layers rendered once per (boundary version, data change stamp, query): body, gzip
    bytes and ETag. A choropleth is the same bytes for every visitor until data changes, so
    repeated requests cost a lookup instead of a GROUP BY, serialisation and compression.
    Keys name their versions (`models.cache.IN_KEY`); the least recently used goes first."""

    def __init__(self, max_entries: int = 256) -> None:
        self._kept: VersionedCache[Hashable, tuple[bytes, bytes, str]] = VersionedCache(max_entries)

    def lookup(self, key: Hashable) -> tuple[bytes, bytes, str] | None:
        """What was rendered under `key`, if anything (no rendering: for the event loop)."""
        return self._kept.peek(IN_KEY, key)

    def keep(self, key: Hashable, rendered: tuple[bytes, bytes, str]) -> None:
        """Keep a rendered body, its gzip form and ETag under `key`."""
        self._kept.replace(IN_KEY, key, rendered)

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> tuple[bytes, bytes, str]:
        def rendered() -> tuple[bytes, bytes, str]:
            body = render()
            # Compressed once per version, so the smallest output is worth the slowest level.
            return (body, gzip.compress(body, 9), body_etag(body))

        return self._kept.get(IN_KEY, key, rendered)
