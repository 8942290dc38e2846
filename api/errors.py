"""Every error leaves as `{"error": {"code", "message", "details"}}`, mapped here and only here.

Domain exceptions carry a user-safe message; anything unexpected is logged in full and
answered with a generic message, so no exception text or trace ever reaches a client.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import ErrorDetails
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.database_errors import on_database
from api.http.error_shape import ErrorDetail, ErrorResponse, error_response
from geodata.errors import GeodataError
from models.errors import (
    AmbiguousAreaError,
    DomainError,
    FieldProblem,
    InvalidInputError,
    NotAuthenticatedError,
    NotFoundError,
    PreconditionRequiredError,
    ServiceUnavailableError,
    UnsupportedUploadError,
    UploadTooLargeError,
)
from models.intake.draft_errors import plain_message
from models.partners.record_versions import AccessDeniedError, StaleVersionError, StateConflictError

log = logging.getLogger("neetmap.api")

STATUS_OF: dict[type[Exception], tuple[int, str]] = {
    NotAuthenticatedError: (401, "unauthorized"),
    AccessDeniedError: (403, "forbidden"),
    StateConflictError: (409, "conflict"),
    StaleVersionError: (412, "precondition_failed"),
    UploadTooLargeError: (413, "content_too_large"),
    UnsupportedUploadError: (415, "unsupported_media_type"),
    PreconditionRequiredError: (428, "precondition_required"),
    AmbiguousAreaError: (409, "ambiguous_area"),
    NotFoundError: (404, "not_found"),
    InvalidInputError: (422, "validation_error"),
    ServiceUnavailableError: (503, "service_unavailable"),
    GeodataError: (422, "invalid_geography"),
}


def _code_for_status(status: int) -> str:
    """The code the domain errors use for this status (the first listed), else its phrase."""
    for known, code in STATUS_OF.values():
        if known == status:
            return code
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def _validation_details(errors: list[dict[str, Any]]) -> list[ErrorDetail]:
    details = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        location = (
            loc[0] if loc and loc[0] in {"query", "path", "body", "header", "cookie"} else None
        )
        field = ".".join(loc[1:] if location else loc) or (location or "request")
        # "must be true or false", not pydantic's "Input should be a valid boolean, unable
        # to interpret input": the words the submission errors use, for every parameter.
        message = plain_message(
            cast(ErrorDetails, {**err, "loc": tuple(loc[1:] if location else loc)})
        )
        details.append(ErrorDetail(field=field, message=message, location=location))
    return details


#: What every route says of a body that is not JSON at all (`api.writing.inputs` alike).
INVALID_JSON = "The request body is not valid JSON."


def _invalid_json(errors: list[dict[str, Any]]) -> ErrorDetail | None:
    """FastAPI's own body parsing (routes with a `Body` model) locates a JSON syntax error as
    `("body", <character offset>)`: said as the field `body`, as the other write routes do."""
    for err in errors:
        if err.get("type") == "json_invalid":
            loc = list(err.get("loc", ()))
            where = f" at character {loc[1]}" if len(loc) > 1 else ""
            reason = str((err.get("ctx") or {}).get("error", "malformed"))
            return ErrorDetail(
                field="body", message=f"is not valid JSON: {reason}{where}", location="body"
            )
    return None


async def _on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    if (syntax := _invalid_json(list(exc.errors()))) is not None:
        return error_response(422, "validation_error", INVALID_JSON, [syntax])
    details = _validation_details(list(exc.errors()))
    fields = ", ".join(dict.fromkeys(d.field for d in details))
    return error_response(422, "validation_error", f"Some values are not valid: {fields}.", details)


def _unparsed_body(request: Request) -> JSONResponse:
    """FastAPI answers a body it cannot parse at all (not UTF-8, a broken multipart form)
    with a bare 400: it is the documented 422 naming `body`, as any other bad body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    message, detail = INVALID_JSON, "is not valid JSON: not UTF-8 text"
    if media.startswith("multipart/") or media.endswith("x-www-form-urlencoded"):
        message, detail = "The request body is not a well-formed form.", f"is not {media}"
    body = ErrorDetail(field="body", message=detail, location="body")
    return error_response(422, "validation_error", message, [body])


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    status = exc.status_code
    if status == 400 and exc.detail == "There was an error parsing the body":  # FastAPI's
        return _unparsed_body(request)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    if status == 404 and message == "Not Found":
        message = "There is nothing at this address. See /docs for the API's routes."
    if status == 405:
        message = "This address does not accept that method. See /docs for the API's routes."
    details = getattr(exc, "details", None)  # what the raiser knows of the field at fault
    response = error_response(status, _code_for_status(status), message, details)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def query_problem(field: str, message: str) -> FieldProblem:
    """A problem with a query parameter, located as such in the error details."""
    return FieldProblem(field, message, location="query")


_HEADER_FIELDS = frozenset({"Authorization", "If-Match", "Content-Type", "Content-Length"})


def _field_details(problems: Any) -> list[ErrorDetail]:
    return [
        ErrorDetail(
            field=p.field,
            message=p.message,
            row=p.row,
            location=p.location or ("header" if p.field in _HEADER_FIELDS else None),
        )
        for p in problems
        if isinstance(p, FieldProblem)
    ]


def _protocol_headers(exc: Exception, details: list[ErrorDetail]) -> dict[str, str]:
    """What HTTP expects beside some errors: the auth scheme on 401, the current ETag on 412."""
    if isinstance(exc, NotAuthenticatedError):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, StaleVersionError):
        if not details:
            message = f"names an old version; the current ETag is {exc.etag}"
            details.append(ErrorDetail(field="If-Match", message=message, location="header"))
        return {"ETag": exc.etag}
    if retry_after := getattr(exc, "retry_after_s", None):  # e.g. a write that lost every race
        return {"Retry-After": str(retry_after)}
    return {}


async def _on_domain(_: Request, exc: Exception) -> JSONResponse:
    return domain_error_response(exc)


def domain_error_response(exc: Exception) -> JSONResponse:
    """The answer to a domain error, for handlers and for middleware that refuses a request
    before routing (`api.http.query_repeats`): the same status, body and headers."""
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            status, code = STATUS_OF[cls]
            break
    else:  # pragma: no cover - every domain error class is mapped above
        status, code = 500, "internal_error"
    message = getattr(exc, "message", None) or "The request could not be completed."
    details = _field_details(getattr(exc, "details", ()))
    headers = _protocol_headers(exc, details)
    response = error_response(status, code, str(message), details)
    response.headers.update(headers)
    return response


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side.")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; order does not matter, Starlette picks the closest class."""
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(DomainError, _on_domain)
    app.add_exception_handler(GeodataError, _on_domain)
    app.add_exception_handler(OperationalError, on_database)
    # Every pooled connection busy past pool_timeout (e.g. a database that hangs): 503 busy.
    app.add_exception_handler(PoolTimeoutError, on_database)
    app.add_exception_handler(DBAPIError, _on_database_or_unexpected)
    app.add_exception_handler(Exception, _on_unexpected)


async def _on_database_or_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Connection loss surfaces as DBAPIError with `connection_invalidated`; other DB errors are bugs."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return await on_database(request, exc)
    return await _on_unexpected(request, exc)


#: For `responses=` on routes, so OpenAPI documents the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid parameters"},
    503: {"model": ErrorResponse, "description": "Database or boundaries unavailable"},
}
