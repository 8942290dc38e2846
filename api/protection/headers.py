"""Security headers: `nosniff` on every response; on HTML pages also a Content Security
Policy that allows only this origin's own scripts and styles (no inline script, no CDN) and
a Referrer-Policy that keeps paths and queries from leaving the site."""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
NOSNIFF: Final = (b"x-content-type-options", b"nosniff")
HTML_HEADERS: Final = (
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
#: FastAPI's own documentation pages load Swagger UI and ReDoc from a CDN with an inline
#: script: under this policy they would be blank, so they keep only `nosniff` until they are
#: served from the package itself.
UNGUARDED_PAGES: Final = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})


class SecurityHeadersMiddleware:
    """Adds the headers as the response starts; the body passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        guarded = scope["path"] not in UNGUARDED_PAGES

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append(NOSNIFF)
                if guarded and _is_html(headers):
                    headers.extend(HTML_HEADERS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers)
