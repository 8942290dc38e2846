"""The one error shape of the API, `{"error": {"code", "message", "details"}}`.

Apart from `api.errors` (which maps exceptions onto it) so that the plumbing that answers
before routing (`api.http.database_errors`, the middleware) writes the same body.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    field: str = Field(description="The parameter or body field at fault, dotted for nested ones.")
    message: str
    location: str | None = Field(None, description="query, path, body, header or a file row.")
    row: int | None = Field(None, description="Row number in an uploaded file, if any.")


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found.")
    message: str = Field(description="Plain-words explanation.")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorBody


def error_response(
    status: int, code: str, message: str, details: list[ErrorDetail] | None = None
) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details or []))
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))
