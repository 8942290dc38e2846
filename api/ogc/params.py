"""The OGC query parameters of the items routes, parsed into typed values.

`limit`, `offset`, `bbox-crs`, `datetime`, `filter`, `filter-lang` and `filter-crs` beside
the typology filters of the JSON API (`api.filtering.params.InterventionQuery`, reused as is, `bbox`
included). OGC wants an unknown parameter refused, unlike the JSON API, so `check_known`
answers 400 naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.routing import APIRoute

from api.http.query_repeats import query_params
from models.cache import IN_KEY, VersionedCache
from models.errors import FieldProblem, InvalidInputError
from models.interventions.cql.parse import FilterLang

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_CRS84_NAMES = frozenset(
    {
        CRS84,
        CRS84 + "h",
        "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "OGC:CRS84",
        "urn:ogc:def:crs:OGC:1.3:CRS84",
    }
)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: The query parameters each route reads (by route id), found once per route.
_known: VersionedCache[int, frozenset[str]] = VersionedCache()


def problem(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(
        f"{field}: {message}", [FieldProblem(field, message, location="query")]
    )


async def check_known(request: Request) -> None:
    """400 for a query parameter this route does not read (OGC API - Features, /req/core/query-param-unknown)."""
    # Ours, not FastAPI query models with extra="forbid": those forbid within one model, and
    # these routes read several (InterventionQuery, ItemsParams, `f`) or none, where
    # tests/api/ogc/test_bad_input.py pins a 400 for `/ogc/collections?limit=10` too.
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    known = _known.get(IN_KEY, id(route), lambda: frozenset(query_params(route.dependant)))
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        names = ", ".join(sorted(known))
        raise InvalidInputError(
            f"Unknown parameter {unknown[0]}.",
            [
                FieldProblem(
                    n, f"is not a parameter of this resource; parameters: {names}", location="query"
                )
                for n in unknown
            ],
        )


@dataclass(frozen=True)
class Interval:
    """A `datetime` instant or interval as days; None is an open end."""

    start: date | None
    end: date | None


class ItemsParams:
    """Paging, CRS, time and CQL2 parameters of `/collections/{id}/items`."""

    def __init__(
        self,
        limit: Annotated[
            int,
            Query(
                ge=1,
                le=MAX_LIMIT,
                description=f"Features per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
            ),
        ] = DEFAULT_LIMIT,
        offset: Annotated[
            int,
            Query(
                ge=0,
                le=2**31 - 1,
                description="Matching features to skip (the `next` link sets it).",
            ),
        ] = 0,
        bbox_crs: Annotated[
            str | None, Query(alias="bbox-crs", description="CRS of `bbox`: only CRS84.")
        ] = None,
        crs: Annotated[str | None, Query(description="CRS of the response: only CRS84.")] = None,
        datetime_: Annotated[
            str | None,
            Query(
                alias="datetime",
                description="An instant or interval (`2024-01-01`, `2024-01-01/..`, `../2025-06-30`): interventions running then (start date to end date, open where missing).",
            ),
        ] = None,
        filter_: Annotated[
            str | None,
            Query(alias="filter", description="A CQL2 filter on the collection's queryables."),
        ] = None,
        filter_lang: Annotated[
            Literal["cql2-text", "cql2-json"],
            Query(alias="filter-lang", description="`cql2-text` (default) or `cql2-json`."),
        ] = "cql2-text",
        filter_crs: Annotated[
            str | None,
            Query(alias="filter-crs", description="CRS of the filter's geometries: only CRS84."),
        ] = None,
    ) -> None:
        for name, value in (("bbox-crs", bbox_crs), ("crs", crs), ("filter-crs", filter_crs)):
            if value is not None and value not in _CRS84_NAMES:
                raise problem(name, f"'{value}' is not supported; the only CRS is {CRS84}")
        self.limit = limit
        self.offset = offset
        self.interval = parse_datetime(datetime_) if datetime_ is not None else None
        self.filter = filter_
        self.filter_lang: FilterLang = filter_lang


def parse_datetime(raw: str) -> Interval:
    """RFC 3339 dates or date-times, one or two separated by `/`, `..` or blank for open."""
    parts = raw.split("/")
    if len(parts) > 2:
        raise problem("datetime", f"'{raw}' has more than one '/'; give an instant or start/end")
    ends = [_instant(part.strip()) for part in parts]
    start, end = (ends[0], ends[0]) if len(ends) == 1 else (ends[0], ends[1])
    if len(parts) == 1 and start is None:
        raise problem("datetime", "'..' is only allowed as one end of an interval")
    if start is not None and end is not None and start > end:
        raise problem("datetime", f"the interval '{raw}' ends before it starts")
    return Interval(start, end)


def _instant(text: str) -> date | None:
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")).date()
    except ValueError:
        raise problem(
            "datetime",
            f"'{text}' is not an RFC 3339 date or date-time (e.g. 2024-09-01 or 2024-09-01T00:00:00Z)",
        ) from None


ItemsDep = Annotated[ItemsParams, Depends()]
