"""CORS preflights for partners' own browser apps that write (POST, PATCH, DELETE).

Reads stay open to every origin (`NEETMAP_CORS_ORIGINS`, `*`), and their preflights are
answered by `api.http.head_cors.CORSMiddleware` as before. A write from another origin carries
`Authorization` (and `Idempotency-Key`, `If-Match`, a JSON `Content-Type`), so the browser asks
first; this middleware answers those preflights itself, for the origins named in
`NEETMAP_CORS_WRITE_ORIGINS` only (none by default), and passes every other request on
untouched. The write's own response needs nothing more: it is allowed to every origin (`*`),
and without cookies that is enough; the API key still decides what may be written.

Pure ASGI and self-contained, so it sits anywhere outside the read CORS middleware.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.error_shape import ErrorDetail, error_response

WRITE_METHODS: Final = ("GET", "HEAD", "POST", "PATCH", "PUT", "DELETE")
#: Headers a write sends beyond the CORS-safelisted ones (Accept, Accept-Language, ...).
WRITE_HEADERS: Final = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match")
_SAFELISTED: Final = frozenset({"accept", "accept-language", "content-language"})
_ALLOWED: Final = _SAFELISTED | {name.lower() for name in WRITE_HEADERS}
MAX_AGE: Final = "600"


class WriteCORSMiddleware:
    """Answer write preflights from the configured origins; everything else passes through.

    Args:
        app: The ASGI app to wrap (outside the read CORS middleware).
        origins: Origins allowed to write from a browser (`https://partner.example.org`).
    """

    def __init__(self, app: ASGIApp, *, origins: Iterable[str] = ()) -> None:
        self.app = app
        self.origins = frozenset(origin.rstrip("/") for origin in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS" or not self.origins:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin", "")
        method = headers.get("access-control-request-method", "").upper()
        if origin not in self.origins or not method:
            await self.app(scope, receive, send)
            return
        asked = [h.strip() for h in headers.get("access-control-request-headers", "").split(",")]
        refused = [h for h in asked if h and h.lower() not in _ALLOWED]
        response: Response
        if method not in WRITE_METHODS or refused:
            field, what = (
                ("Access-Control-Request-Method", method)
                if method not in WRITE_METHODS
                else ("Access-Control-Request-Headers", ", ".join(refused))
            )
            response = error_response(
                400,
                "cors_not_allowed",
                f"This cross-origin request is not allowed: {field} ({what[:100]}). Writes may "
                f"use {', '.join(WRITE_METHODS)} with {', '.join(WRITE_HEADERS)}.",
                [ErrorDetail(field=field, message="is not allowed", location="header")],
            )
        else:
            response = PlainTextResponse(
                "OK",
                headers={
                    "Access-Control-Allow-Methods": ", ".join(WRITE_METHODS),
                    "Access-Control-Allow-Headers": ", ".join(WRITE_HEADERS),
                    "Access-Control-Max-Age": MAX_AGE,
                },
            )
        response.headers["access-control-allow-origin"] = origin
        response.headers["vary"] = "Origin"
        await response(scope, receive, send)
