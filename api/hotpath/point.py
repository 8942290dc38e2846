"""The point lookup (`GET /api/v1/areas/at?lat=..&lon=..`) answered before routing.

On SQLite the LA containing a point comes from the in-memory index in a few microseconds,
and FastAPI's routing, parameter validation and response handling around it cost many times
that. `PointLookupMiddleware` answers the plain form of the request (the two parameters as
plain decimals in range, nothing else in the query) from the same index with the same body
(`point_answer`, which the route uses too) and the same headers; every other request, and
every answer that is not a 200 (a point outside England, boundaries not loaded, versions due
for a check, PostGIS), goes on to the route, which gives its errors as before. It sits inside
the rest of the stack, so ETag, gzip, CORS and HEAD apply to it as to the route.
"""

from __future__ import annotations

import re
from typing import Any, Final

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from api.observability.context import context_of
from api.schemas.areas import area_properties
from api.state import AppState
from models.errors import ServiceUnavailableError
from models.geography.catalogue import AreaCatalogue

PATH: Final = "/api/v1/areas/at"
MEDIA_TYPE: Final = "application/json"
_NUMBER = rb"(-?[0-9]{1,3}(?:\.[0-9]{1,17})?)"
_PLAIN = re.compile(rb"(lat|lon)=" + _NUMBER + rb"&(lat|lon)=" + _NUMBER)


def point_answer(
    catalogue: AreaCatalogue,
    lat: float,
    lon: float,
    la_codes: list[str],
    region_codes: list[str] | None,
) -> bytes:
    """The body of a lookup whose point is in the LAs `la_codes` (at least one), and, when
    the first has no region of its own, in the regions `region_codes` (None: look it up)."""
    la = catalogue.las[la_codes[0]]
    region = catalogue.region_of(la.code)
    if region is None:
        if region_codes is None:
            region_codes = catalogue.region_index.containing(lon, lat)
        region = catalogue.regions.get(region_codes[0]) if region_codes else None
    answer: dict[str, Any] = {
        "lat": lat,
        "lon": lon,
        "la": area_properties(catalogue, la, None),
        "region": area_properties(catalogue, region, None) if region else None,
        "also_touching": la_codes[1:],
    }
    return orjson.dumps(answer)


def plain_point(query: bytes) -> tuple[float, float] | None:
    """(lat, lon) of a query that is exactly `lat=..&lon=..` (either order) with both in
    range, else None (the route then reads and checks it)."""
    found = _PLAIN.fullmatch(query)
    if found is None or found[1] == found[3]:
        return None
    first, second = float(found[2]), float(found[4])
    lat, lon = (first, second) if found[1] == b"lat" else (second, first)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


class PointLookupMiddleware:
    """Answers plain point lookups from the in-memory index (see the module).

    Args:
        app: The application to wrap.
        state: The app's state: its catalogue cache, versions and (once started) engine.
    """

    def __init__(self, app: ASGIApp, *, state: AppState) -> None:
        self.app = app
        self.state = state
        self._in_memory: bool | None = None  # SQLite: known once the lifespan built the engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        body = self._answer(scope)
        if body is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"content-length", b"%d" % len(body)), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    def _answer(self, scope: Scope) -> bytes | None:
        point = plain_point(scope["query_string"])
        if point is None or not self._uses_memory():
            return None
        state = self.state
        versions = state.versions.known()
        if versions is None:
            return None  # due for a check: the route reads them off the event loop
        try:
            catalogue = state.catalogue.ready()
        except ServiceUnavailableError:  # no boundaries: the route answers with its 503
            return None
        if catalogue is None or catalogue.version != versions.boundary:
            return None  # a catalogue to load (or loaded just now)
        lat, lon = point
        la_codes = catalogue.la_index.containing(lon, lat)
        if not la_codes:
            return None  # the route's 404
        context = context_of(scope)
        if context is not None:  # the answer is fixed by the request and these versions
            context.kept_under = versions
            context.route = PATH  # the route's template, for the metrics and access line
        return point_answer(catalogue, lat, lon, la_codes, None)

    def _uses_memory(self) -> bool:
        if self._in_memory is None:
            engine = getattr(self.state, "engine", None)
            if engine is None:
                return False
            self._in_memory = engine.dialect.name != "postgresql"
        return self._in_memory
