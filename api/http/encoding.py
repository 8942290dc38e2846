"""Content coding: gzip only when the client accepts it, by the rules of Accept-Encoding.

Starlette's GZipMiddleware compresses whenever "gzip" appears anywhere in Accept-Encoding, so
`gzip;q=0, identity` (a client refusing gzip) still got gzip. `accepts_gzip` reads the header
by RFC 9110 section 12.5.3 (q-values, `*`, `x-gzip`), and is also what the pre-gzipped map
layers ask. The gzip variant of a tagged response gets its own strong tag, the identity
tag with `-gzip` added (RFC 9110 section 8.8.3: one strong tag per content coding);
`api.http.caching` accepts either in If-None-Match.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware as StarletteGZipMiddleware
from starlette.middleware.gzip import GZipResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GZIP_SUFFIX = "-gzip"


def gzip_etag(etag: str) -> str:
    """The tag of the gzip-coded variant of the representation tagged `etag`."""
    if etag.endswith(GZIP_SUFFIX + '"'):
        return etag
    return etag[:-1] + GZIP_SUFFIX + '"' if etag.endswith('"') else etag + GZIP_SUFFIX


def _weights(header: str) -> dict[str, float]:
    """Each listed coding's q-value; a malformed q-value counts as 0 (not acceptable)."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if not coding:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:
                    quality = 0.0
        weights[coding.lower()] = quality
    return weights


@functools.lru_cache(maxsize=256)
def accepts_gzip(header: str | None) -> bool:
    """Whether a response may be gzip-coded for this Accept-Encoding value.

    Without the header we send identity (any coding would be allowed, but a client that sends
    none may not decode any). Otherwise gzip (or its alias x-gzip) must be listed with q > 0,
    or not listed while `*` has q > 0.
    """
    if not header:
        return False
    weights = _weights(header)
    for name in ("gzip", "x-gzip"):
        if name in weights:
            return weights[name] > 0
    return weights.get("*", 0.0) > 0


class GZipMiddleware(StarletteGZipMiddleware):
    """Starlette's gzip, chosen by `accepts_gzip`, with gzip variants tagged apart.

    Only responses a cache may store get the gzip tag: that is where two codings under one
    tag could be confused. A `no-store` answer (anything read with credentials, such as a
    partner's own record) keeps the tag its handler gave it, because that tag is the version
    a write sends back in If-Match (the trap Apache's `-gzip` suffix fell into).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responder: ASGIApp
        if not accepts_gzip(_first(scope["headers"], b"accept-encoding")):
            # Starlette's identity responder only adds `Vary`, which VaryMiddleware sets.
            responder = self.app
        else:
            responder = GZipResponder(
                self.app,
                self.minimum_size,
                compresslevel=self.compresslevel,
                thread_minimum_size=self.thread_minimum_size,
                exclude_content_types=self.exclude_content_types,
            )

        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message.get("headers", ())
                coded = (_first(raw, b"content-encoding") or "").strip().lower() == "gzip"
                if coded and "no-store" not in (_first(raw, b"cache-control") or ""):
                    headers = MutableHeaders(scope=message)
                    if "etag" in headers:
                        headers["etag"] = gzip_etag(headers["etag"])
            await send(message)

        await responder(scope, receive, send_tagged)


def _first(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first value of a header in raw ASGI headers (names are lower case there), read
    without building a `Headers` for every request and response."""
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None
