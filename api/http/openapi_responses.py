"""OpenAPI `responses=` for the write routes; the errors themselves map in `api.errors`."""

from __future__ import annotations

from typing import Any

from api.errors import ERROR_RESPONSES, ErrorResponse


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
