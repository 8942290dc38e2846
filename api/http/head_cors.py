"""HEAD on every GET route, and refused CORS preflights in the API's error shape.

FastAPI routes declared with `@router.get` answer GET only, so `curl -I` and link checkers
got 405 although CORS advertises HEAD. `HeadMiddleware`, outermost, runs a HEAD request as
the GET it stands for through everything else (CORS, gzip, ETag and 304) and passes on the
status and headers, Content-Length and ETag included, without the body. A streamed body
(an export) is not produced past its first chunk: nobody would read it.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.error_shape import ErrorDetail, error_response


class _BodyNotWanted(Exception):
    """Raised into a streaming handler to stop it once a HEAD response is complete."""


class HeadMiddleware:
    """HEAD as GET without the body; 405 answers list HEAD wherever they list GET.

    Args:
        app: The ASGI application to wrap (outermost, so HEAD sees exactly what GET gets).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "HEAD":
            await self.app(scope, receive, _allowing_head(send))
            return
        ended = False

        async def send_without_body(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body":
                if not ended:
                    ended = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                if message.get("more_body", False):
                    raise _BodyNotWanted

        try:
            await self.app({**scope, "method": "GET"}, receive, _allowing_head(send_without_body))
        except _BodyNotWanted:
            pass


def _allowing_head(send: Send) -> Send:
    async def send_with_allow(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = MutableHeaders(scope=message)
            allowed = [m.strip() for m in headers.get("allow", "").split(",") if m.strip()]
            if "GET" in allowed and "HEAD" not in allowed:
                headers["allow"] = ", ".join([*allowed, "HEAD"])
        await send(message)

    return send_with_allow


#: What each refusal of Starlette's preflight check is about, by the request header at fault.
_REFUSALS = {
    "origin": ("Origin", "is not an origin this service lets browsers read from"),
    "method": ("Access-Control-Request-Method", "is not a method allowed across origins"),
    "headers": ("Access-Control-Request-Headers", "names a header that is not allowed"),
    "private-network": (
        "Access-Control-Request-Private-Network",
        "private network access is not allowed",
    ),
}


class CORSMiddleware(StarletteCORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the standard error shape
    (400 `cors_not_allowed`, a detail per refused header) instead of plain text, and a no-op
    for requests without `Origin` (all Starlette adds to those is `Vary: Origin`, which
    `api.http.caching.VaryMiddleware` always sends)."""

    # Kept over plain Starlette: its refusal is a 400 text/plain "Disallowed CORS origin,
    # method", where tests/api/test_write_cors.py pins `cors_not_allowed` with a detail per header.

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(name == b"origin" for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        text = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        refused = [_REFUSALS[part] for part in text.split(", ") if part in _REFUSALS]
        details = [ErrorDetail(field=h, message=m, location="header") for h, m in refused]
        fields = ", ".join(h for h, _ in refused) or "CORS request headers"
        shaped = error_response(
            400, "cors_not_allowed", f"This cross-origin request is not allowed: {fields}.", details
        )
        for name, value in response.headers.items():
            if name not in {"content-length", "content-type"}:
                shaped.headers[name] = value
        return shaped
