"""Every request body is bounded, before the application reads it and whoever sent it.

One pure ASGI middleware for the whole app: a `Content-Length` over the limit is answered 413
at once without reading a byte, and a body sent without one (chunked) is counted as it
arrives and cut off with 413 as soon as it passes the limit. So no request, authorised or
not, JSON or file, makes the server hold more than the limit in memory.

Uploads (`/api/v1/imports`) have their own, larger limit; everything else takes the JSON one.
A client that disconnects while sending a body is logged in one line, not as a server error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.error_shape import ErrorDetail, error_response

log = logging.getLogger("neetmap.api")


class BodyTooLargeError(HTTPException):
    """Raised from `receive` once a streamed body passes its limit.

    An HTTPException, because FastAPI turns any other exception raised while it reads a body
    into a 400; this one reaches the API's handler and leaves as a 413 in the standard shape.
    """

    def __init__(self, message: str, details: list[ErrorDetail]) -> None:
        super().__init__(status_code=413, detail=message)
        self.details = details


class BodyLimitMiddleware:
    """413 for a body over its path's limit, from `Content-Length` or while streaming.

    Args:
        app: The ASGI application to wrap.
        default_limit: Largest body, in bytes, on any path not in `limits`.
        limits: Path -> largest body in bytes, for paths that take more (uploads).
    """

    def __init__(self, app: ASGIApp, *, default_limit: int, limits: Mapping[str, int]) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = {path.rstrip("/"): limit for path, limit in limits.items()}

    def _limit(self, path: str) -> int:
        return self.limits.get(path.rstrip("/"), self.default_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)  # nothing to bound (most reads)
            return
        limit = self._limit(scope["path"])
        upload = limit != self.default_limit
        message = too_large(limit, upload=upload)
        # The detail names what was too large, as every error names its field.
        detail = ErrorDetail(
            field="file" if upload else "body",
            message=f"is larger than {limit:,} bytes",
            location="body",
        )
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await error_response(413, "content_too_large", message, [detail])(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(message, [detail])
            return event

        async def watched_send(event: Message) -> None:
            nonlocal started
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLargeError:
            if started:
                raise
            await error_response(413, "content_too_large", message, [detail])(scope, receive, send)
        except ClientDisconnect:
            # Nobody is left to answer, so, as Starlette does, end quietly: a traceback and a
            # 500 would report a server fault for a client closing its connection. The
            # session was rolled back on the way out, so nothing of the request was stored.
            log.info(
                "client disconnected while sending the body of %s %s after %d bytes; "
                "request dropped",
                scope["method"],
                scope["path"],
                received,
            )


def _has_body(scope: Scope) -> bool:
    """Whether a body may follow: a non-zero Content-Length or any Transfer-Encoding."""
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


def too_large(limit: int, *, upload: bool) -> str:
    """The plain-words 413 message, with what to do about it."""
    if upload:
        return f"The file is larger than the {limit:,} bytes accepted; split it into smaller files."
    return (
        f"The request body is larger than the {limit:,} bytes accepted here; an intervention "
        "sent as JSON is far smaller, so check what is being sent."
    )
