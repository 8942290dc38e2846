"""The write API's own errors (keys, scope, versions, uploads), in the one error shape.

The write routers are built with `WriteRoute`, which turns these classes into the body of
`api.errors.error_response` with the status and headers HTTP expects (WWW-Authenticate on
401, the current ETag on 412). Every other error still goes through `api.errors`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from api.errors import ERROR_RESPONSES, ErrorDetail, ErrorResponse, error_response
from models.errors import DomainError, FieldProblem
from models.versioning import AccessDeniedError, StaleVersionError, StateConflictError


class NotAuthenticatedError(DomainError):
    """No API key, or one that is wrong or revoked."""


class PreconditionRequiredError(DomainError):
    """A change to an existing record sent without `If-Match`."""


class UploadTooLargeError(DomainError):
    """An upload over the configured size limit."""


class UnsupportedUploadError(DomainError):
    """An upload sent in a form the import does not read (e.g. multipart)."""


STATUS_OF: dict[type[DomainError], tuple[int, str]] = {
    NotAuthenticatedError: (401, "unauthorized"),
    AccessDeniedError: (403, "forbidden"),
    StateConflictError: (409, "conflict"),
    StaleVersionError: (412, "precondition_failed"),
    UploadTooLargeError: (413, "content_too_large"),
    UnsupportedUploadError: (415, "unsupported_media_type"),
    PreconditionRequiredError: (428, "precondition_required"),
}
_HANDLED = tuple(STATUS_OF)
_HEADERS = frozenset({"Authorization", "If-Match", "Content-Type", "Content-Length"})


def render(exc: DomainError) -> Response:
    """The standard error body for one of this module's classes."""
    status, code = STATUS_OF[next(c for c in type(exc).__mro__ if c in STATUS_OF)]
    details = [
        ErrorDetail(
            field=p.field,
            message=p.message,
            row=p.row,
            location="header" if p.field in _HEADERS else None,
        )
        for p in exc.details
        if isinstance(p, FieldProblem)
    ]
    headers: dict[str, str] = {}
    if isinstance(exc, NotAuthenticatedError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, StaleVersionError):
        headers["ETag"] = exc.etag
        if not details:
            message = f"names an old version; the current ETag is {exc.etag}"
            details = [ErrorDetail(field="If-Match", message=message, location="header")]
    response = error_response(status, code, exc.message, details)
    response.headers.update(headers)
    return response


class WriteRoute(APIRoute):
    """A route whose handler and dependencies may raise the write errors above."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except _HANDLED as exc:
                return render(exc)

        return handle


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a write route: the error shape under each status it can answer."""
    described = {
        401: "No API key, or a wrong or revoked one",
        403: "The key may not do this (role or LA scope)",
        409: "The record's state does not allow this",
        412: "If-Match names an old version; ETag holds the current one",
        413: "Upload too large",
        415: "The file must be the request body, not a form",
        428: "If-Match is required",
    }
    table: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        if status in ERROR_RESPONSES:
            table[status] = ERROR_RESPONSES[status]
        else:
            table[status] = {"model": ErrorResponse, "description": described[status]}
    return table
