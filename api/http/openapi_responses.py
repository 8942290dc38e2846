"""OpenAPI `responses=` for the write routes, and the errors the plumbing adds on every route;
the errors themselves map in `api.errors`."""

from __future__ import annotations

from typing import Any

from api.errors import ERROR_RESPONSES
from api.http.error_shape import ErrorResponse


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a write route: the error shape under each status it can answer."""
    described = {
        401: "No API key, or a wrong or revoked one",
        403: "The key may not do this (role or LA scope)",
        409: "The record's state does not allow this",
        412: "If-Match names an old version; ETag holds the current one",
        413: "Upload too large",
        415: "The upload is neither a CSV body nor a form with one file",
        428: "If-Match is required",
    }
    table: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        if status in ERROR_RESPONSES:
            table[status] = ERROR_RESPONSES[status]
        else:
            table[status] = {"model": ErrorResponse, "description": described[status]}
    return table


#: What the shared plumbing may answer on any route, whatever the route itself documents.
PLUMBING = {
    400: "A parameter is not valid",
    409: "Another write to the same records at the same moment won; nothing was stored, send "
    "the same request again (Retry-After)",
    413: "The request body is larger than the limit (see the error's detail)",
    422: "A parameter or the body is not valid; each detail names its field",
    429: "Too many requests from this key or address; Retry-After says when to try again",
}
_METHODS = frozenset({"get", "put", "post", "patch", "delete"})
_PROBLEM_JSON = "application/problem+json"


def _error_entry(status: int, shaped_like: dict[str, Any]) -> dict[str, Any]:
    """The documented error for `status`, in the shape the route's other errors take (the
    OGC Features routes answer problem details, every other route `ErrorResponse`)."""
    problem = any(
        _PROBLEM_JSON in (entry.get("content") or {})
        for code, entry in shaped_like.items()
        if str(code).startswith("4")
    )
    if problem:
        content = {_PROBLEM_JSON: {"schema": PROBLEM_DETAILS}}
    else:
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    entry: dict[str, Any] = {"description": PLUMBING[status], "content": content}
    if status in (409, 429):
        entry["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        }
    return entry


def _is_fastapi_default(entry: dict[str, Any]) -> bool:
    schema = entry.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


def complete_error_responses(
    document: dict[str, Any], *, limited_reads: frozenset[str]
) -> dict[str, Any]:
    """Document on every operation the 4xx that the middleware and FastAPI's own parsing may
    answer, which no route lists itself: 422 (or 400 where the route answers bad input so)
    for parameters and bodies, 413 for bodies, 409 (a lost write race) on writes, 429 on writes
    and the rate-limited reads.

    FastAPI's own 422 entry names `HTTPValidationError`, a body the API never sends: it
    becomes `ErrorResponse`, or goes where the route documents 400 for bad input instead.
    """
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            answers: dict[str, Any] = operation.setdefault("responses", {})
            bad_input = "400" if "400" in answers else "422"
            default = answers.get("422")
            if default is not None and _is_fastapi_default(default):
                del answers["422"]
            takes_input = bool(operation.get("parameters")) or "requestBody" in operation
            if takes_input and bad_input not in answers:
                answers[bad_input] = _error_entry(int(bad_input), answers)
            if "requestBody" in operation and "413" not in answers:
                answers["413"] = _error_entry(413, answers)
            if method != "get" and "409" not in answers:  # a write race (`api.errors`)
                answers["409"] = _error_entry(409, answers)
            if (method != "get" or path in limited_reads) and "429" not in answers:
                answers["429"] = _error_entry(429, answers)
    schemas = document.get("components", {}).get("schemas", {})
    if "HTTPValidationError" not in str(document.get("paths")):  # no longer named anywhere
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return document


#: RFC 9457 problem details, as the OGC Features routes answer errors (`api.ogc.problems`).
PROBLEM_DETAILS: dict[str, Any] = {
    "title": "ProblemDetails",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "invalid-params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}
