"""Redirects that name the service's public address, never the request's `Host` header.

Starlette's trailing-slash redirect builds `Location` from the request's Host, so a request
sent with a forged Host (`Host: evil.example`) was redirected there: a cache in front could
store that redirect for everyone. Here a redirect's `Location` that names the request's own
host is rewritten onto `NEETMAP_PUBLIC_URL` when set, else made a relative reference (path
and query; RFC 9110 section 10.2.2 resolves it against the request's own URI).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def public_location(location: str, host: str | None, public_url: str | None) -> str:
    """`location` on the public URL (or relative) when it names `host`, else unchanged."""
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc != host:
        return location
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return (public_url.rstrip("/") if public_url else "") + path


class PublicRedirectMiddleware:
    """Rewrites the `Location` of redirects (see the module).

    Args:
        app: The application to wrap.
        public_url: The service's public base URL (scheme, host, any path prefix), or None.
    """

    def __init__(self, app: ASGIApp, *, public_url: str | None) -> None:
        self.app = app
        self.public_url = public_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_public(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in _REDIRECTS:
                headers = MutableHeaders(scope=message)
                if location := headers.get("location"):
                    headers["location"] = public_location(
                        location, _request_host(scope), self.public_url
                    )
            await send(message)

        await self.app(scope, receive, send_public)


def _request_host(scope: Scope) -> str | None:
    """The host the request named (its Host header, else the server's address); read only
    when a redirect goes out."""
    host = Headers(scope=scope).get("host")
    if host is None and scope.get("server"):
        server_host, port = scope["server"]
        host = f"{server_host}:{port}" if port else server_host
    return host
