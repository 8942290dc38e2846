"""Query parameters given more than once with different values.

`?bbox=a&bbox=b`, `?dry_run=true&dry_run=false`: FastAPI reads the last value of a
single-valued parameter without a word, so a map would draw the wrong box and an import could
store what was meant as a check. A single-valued parameter repeated with different values is
a 422 naming it, on reads and writes alike; list parameters (`la`, the typology filters) may
repeat, as the API documents.
"""

from __future__ import annotations

from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.deps import SAFE_METHODS
from models.errors import FieldProblem, InvalidInputError


async def check_read_repeats(request: Request) -> None:
    """The repeat rule for reads (async: on every request, it must not hop to the thread pool) (writes apply it in `api.writing.inputs.check_write_query`,
    beside their unknown-parameter rule)."""
    route = request.scope.get("route")
    if request.method not in SAFE_METHODS or not isinstance(route, APIRoute):
        return
    names = [name for name, _ in request.query_params.multi_items()]
    if len(names) == len(set(names)):  # the usual read: nothing repeated, no route walk
        return
    if repeated := conflicting_repeats(request, query_params(route.dependant)):
        raise InvalidInputError(f"{repeated[0].message}.", repeated)


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
