"""Errors on the OGC routes as problem details (RFC 9457: type, title, status, detail).

OGC API clients read that shape, and OGC wants 400 (not 422) for a bad parameter. The rest
of the API keeps its own error shape: these handlers answer for paths under `/ogc` and hand
every other request to the handler they replace, so `api.errors` stays the one table of
which exception means which status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from geodata.errors import GeodataError
from models.errors import DomainError

PREFIX = "/ogc"
PROBLEM_JSON = "application/problem+json"
Handler = Callable[[Request, Exception], Awaitable[Response] | Response]


def problem(status: int, detail: str, params: list[dict[str, str]] | None = None) -> Response:
    """A problem-details response; `params` names each parameter at fault."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if params:
        body["invalid-params"] = params
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON)


def _from_error_body(response: Response) -> Response:
    """The API's `{"error": {...}}` answer for the same exception, reshaped: the status
    table and the user-safe messages stay in `api.errors`."""
    assert isinstance(response, JSONResponse)
    error = orjson.loads(response.body)["error"]
    status = 400 if response.status_code == 422 else response.status_code
    params = [
        {"name": d["field"], "reason": d["message"]}
        for d in error.get("details", [])
        if d.get("field")
    ]
    detail = error["message"]
    if status == 400 and params:
        detail = "; ".join(f"{p['name']}: {p['reason']}" for p in params)
    reshaped = problem(status, detail, params)
    for name in ("retry-after", "www-authenticate"):
        if name in response.headers:
            reshaped.headers[name] = response.headers[name]
    return reshaped


def install_problem_handlers(app: FastAPI) -> None:
    """Wrap the installed handlers of the errors a request may meet, for `/ogc` paths."""
    for cls in (
        RequestValidationError,
        StarletteHTTPException,
        DomainError,
        GeodataError,
        Exception,
    ):
        original = app.exception_handlers.get(cls)
        if original is not None:
            app.add_exception_handler(cls, _scoped(original))


def _scoped(original: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        answer = original(request, exc)
        response = await answer if isinstance(answer, Awaitable) else answer
        if speaks_problem_details(request.url.path):
            return _from_error_body(response)
        return response

    return handle


#: Paths under /ogc that keep neetmap's error shape: the vector tiles (api/tiles), whose
#: clients (MapLibre, Leaflet) read status codes only and whose tests pin that shape.
_TILE_PATHS = (PREFIX + "/tiles", PREFIX + "/tileMatrixSets")


def speaks_problem_details(path: str) -> bool:
    """Whether errors on `path` take OGC's problem-details shape (the Features routes)."""
    if path != PREFIX and not path.startswith(PREFIX + "/"):
        return False
    # Whole segments: `/ogc/collections/x/items/tiles` is a feature id, not a tile route.
    return not any(path == tiles or path.startswith(tiles + "/") for tiles in _TILE_PATHS)
