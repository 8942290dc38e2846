"""Query parameters given more than once with different values.

`?bbox=a&bbox=b`, `?dry_run=true&dry_run=false`: FastAPI reads the last value of a
single-valued parameter without a word, so a map would draw the wrong box and an import could
store what was meant as a check. A single-valued parameter repeated with different values is
a 422 naming it, on reads and writes alike; list parameters (`la`, the typology filters) may
repeat, as the API documents.

For reads the rule is `ReadRepeatsGuard`, a pure ASGI middleware rather than an app-wide
dependency: a dependency is solved by FastAPI on every request, and nearly every read repeats
nothing, which the middleware sees in one pass over the query string before it does anything
else. Only a query that does repeat a name is matched to its route (the route FastAPI would
choose) to learn which of its parameters are lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from inspect import isawaitable
from types import UnionType
from typing import Any, Union, get_args, get_origin
from urllib.parse import unquote_plus

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import SAFE_METHODS
from api.errors import domain_error_response
from models.errors import FieldProblem, InvalidInputError


class ReadRepeatsGuard:
    """The repeat rule for reads, before routing (writes apply it in
    `api.writing.inputs.check_write_query`, beside their unknown-parameter rule).

    Args:
        app: The application to wrap (innermost: it sees the query as the route will).
        routes: The app's routes (`app.router.routes`), matched only for a repeated name.
        handlers: The app's exception handlers (`app.exception_handlers`): the refusal is
            answered by the handler a route's own error would meet, so it takes the shape of
            the path (OGC's problem details under `/ogc`, neetmap's error body elsewhere).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: list[BaseRoute],
        handlers: Mapping[Any, Any] | None = None,
    ) -> None:
        self.app = app
        self.routes = routes
        self.handlers = handlers or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in SAFE_METHODS
            or not _repeats_a_name(scope["query_string"])
        ):
            await self.app(scope, receive, send)  # the usual read: nothing repeated
            return
        route = self._route(scope)
        request = Request(scope)
        if route is not None and (
            repeated := conflicting_repeats(request, query_params(route.dependant))
        ):
            error = InvalidInputError(f"{repeated[0].message}.", repeated)
            response = await self._answer(request, error)
            # A route class may answer bad input with its own status (the tiles' 400).
            response.status_code = getattr(route, "bad_input_status", response.status_code)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _answer(self, request: Request, error: InvalidInputError) -> Response:
        """The answer the app's handler for this error gives, as if a route had raised it."""
        for cls in type(error).__mro__:
            if (handler := self.handlers.get(cls)) is not None:
                answer = handler(request, error)
                response: Response = await answer if isawaitable(answer) else answer
                return response
        return domain_error_response(error)

    def _route(self, scope: Scope) -> APIRoute | None:
        """The route the router would run (the first that matches fully), if an API one."""
        for context in iter_route_contexts(self.routes):
            match, _ = context.matches(scope)
            if match == Match.FULL:
                route = context.original_route
                return route if isinstance(route, APIRoute) else None
        return None


def _repeats_a_name(query: bytes) -> bool:
    """Whether any parameter name occurs twice, names decoded as the route reads them
    (`%62box` is `bbox`)."""
    if not query:
        return False
    names = [pair.partition(b"=")[0] for pair in query.split(b"&") if pair]
    if b"%" in query or b"+" in query:
        names = [unquote_plus(name.decode("latin-1")).encode() for name in names]
    return len(names) != len(set(names))


def conflicting_repeats(request: Request, params: dict[str, bool]) -> list[FieldProblem]:
    """A problem per single-valued parameter of `params` sent with different values."""
    return [
        _repeated(name, values)
        for name in dict.fromkeys(request.query_params.keys())
        if name in params
        and not params[name]
        and len(set(values := request.query_params.getlist(name))) > 1
    ]


def _repeated(name: str, values: list[str]) -> FieldProblem:
    times = "twice" if len(values) == 2 else f"{len(values)} times"
    given = ", ".join(repr(value) for value in dict.fromkeys(values))
    return FieldProblem(
        name,
        f"{name} was given {times} with different values ({given}); give it once",
        location="query",
    )


def query_params(dependant: Dependant) -> dict[str, bool]:
    """The query parameters a route reads, its dependencies' included, each with whether it
    takes several values (a list, which may be repeated)."""
    params = {
        param.alias: _is_list(param.field_info.annotation) for param in dependant.query_params
    }
    for dependency in dependant.dependencies:
        params |= query_params(dependency)
    return params


_LISTS = (list, tuple, set, frozenset)


def _is_list(annotation: Any) -> bool:
    """Whether a parameter's type takes several values (`list[str] | None` does)."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    return origin in _LISTS or annotation in _LISTS
