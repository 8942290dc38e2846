"""The tile routes: tilesets, tileset metadata (or TileJSON), tile matrix sets, and tiles.

A tile is rendered once per (public data version, filter, tile, layers) and then served from
the worker's memory with its ETag and gzip bytes, like the GeoJSON map layers: the route is
async and kept by the request as sent (`api.hotpath.replay`), so a repeated tile is answered
before routing, and a new one goes to the thread pool (one session) only to be rendered. A
tile with no feature in any layer asked is a `204 No Content` (MapLibre, OpenLayers and
Leaflet VectorGrid draw nothing for it), found without a query when it lies outside England.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from api.errors import ERROR_RESPONSES, query_problem
from api.filtering.params import FilterDep
from api.hotpath.deps import CatalogueNowDep, QueryDep, current_versions, with_session
from api.hotpath.rendered import Rendered, rendered_response
from api.hotpath.replay import kept, remember
from api.http.caching import RenderedLayers
from api.state import app_state
from api.tiles.discovery import (
    MVT,
    TILEJSON,
    tile_matrix_set_document,
    tile_matrix_sets,
    tilejson,
    tileset_metadata,
    tilesets_list,
)
from api.tiles.errors import BadRequestRoute
from models.errors import FieldProblem, InvalidInputError, NotFoundError
from models.tiles import LAYERS, TILE_MATRIX_SET, tile_address
from models.tiles.grid import LAYER_IDS
from models.tiles.render import TileRenderer

router = APIRouter(prefix="/ogc", tags=["tiles"], route_class=BadRequestRoute)

#: Query parameters the tile routes read themselves, not filters to carry into tile URLs.
_OWN_PARAMS = frozenset({"f", "collections"})
_BAD: dict[int | str, dict[str, Any]] = {
    400: {**ERROR_RESPONSES[422], "description": "A parameter is not valid."}
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERROR_RESPONSES[404]}
TmsPath = Annotated[
    str,
    Path(
        alias="tileMatrixSetId",
        description="The tile matrix set: `WebMercatorQuad`.",
        max_length=100,
    ),
]
MVT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {MVT: {}}, "description": "A Mapbox Vector Tile (version 2)."},
    204: {"description": "The tile has no feature in any layer asked."},
}


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _filter_query(request: Request) -> str:
    """The request's query string without this route's own parameters."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in _OWN_PARAMS]
    return urlencode(kept, safe=",", quote_via=quote)


def _check_tms(tms: str) -> None:
    if tms != TILE_MATRIX_SET:
        raise NotFoundError(
            f"Unknown tile matrix set '{tms}': this service tiles {TILE_MATRIX_SET} only."
        )


@router.get("/tiles", responses={**_BAD, 503: ERROR_RESPONSES[503]})
def list_tilesets(request: Request, _: FilterDep) -> dict[str, Any]:
    """The vector tilesets of the whole dataset (OGC API - Tiles tilesets list)."""
    return tilesets_list(_base(request), _filter_query(request))


@router.get(
    "/tiles/{tileMatrixSetId}",
    responses={
        200: {"content": {"application/json": {}, TILEJSON: {}}},
        **_BAD,
        **_NOT_FOUND,
        503: ERROR_RESPONSES[503],
    },
)
def read_tileset(
    request: Request,
    _: FilterDep,
    tms: TmsPath,
    f: Annotated[
        Literal["json", "tilejson"] | None,
        Query(description="`tilejson` for TileJSON 3.0.0 instead of OGC tileset metadata."),
    ] = None,
) -> JSONResponse:
    """Tileset metadata: layers, fields, zooms, and the tile URL template carrying this
    request's filters. `f=tilejson` (or `Accept: application/vnd.mapbox.tile+json`) gives the
    same as TileJSON 3.0.0, for MapLibre, Leaflet and QGIS."""
    _check_tms(tms)
    base, query = _base(request), _filter_query(request)
    wants_tilejson = f == "tilejson" or (
        f is None and TILEJSON in request.headers.get("accept", "")
    )
    vary = {"Vary": "Accept"}  # the document depends on Accept when `f` is not given
    if wants_tilejson:
        return JSONResponse(tilejson(base, query), media_type=TILEJSON, headers=vary)
    return JSONResponse(tileset_metadata(base, query), headers=vary)


@router.get("/tileMatrixSets")
def list_tile_matrix_sets(request: Request) -> dict[str, Any]:
    """The tile matrix sets tiles are offered in."""
    return tile_matrix_sets(_base(request))


@router.get("/tileMatrixSets/{tileMatrixSetId}", responses={**_BAD, **_NOT_FOUND})
def read_tile_matrix_set(tms: TmsPath) -> dict[str, Any]:
    """The definition of a tile matrix set (OGC Two Dimensional Tile Matrix Set 2.0 JSON)."""
    _check_tms(tms)
    return tile_matrix_set_document()


def _integer(name: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise InvalidInputError(
            f"{name} must be a whole number, not '{raw[:20]}'.",
            [FieldProblem(name, "must be a whole number of zero or more", location="path")],
        )
    return int(raw)


def _layers(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return LAYER_IDS
    names = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [name for name in names if name not in LAYER_IDS]
    if unknown:
        allowed = ", ".join(LAYER_IDS)
        raise InvalidInputError(
            f"Unknown layer {', '.join(unknown)}.",
            [query_problem("collections", f"'{unknown[0]}' is not a layer. Allowed: {allowed}.")],
        )
    return names


@router.get(
    "/tiles/{tileMatrixSetId}/{z}/{x}/{y}",
    response_class=Response,
    responses={**MVT_RESPONSE, **_BAD, **_NOT_FOUND, 503: ERROR_RESPONSES[503]},
)
async def read_tile(
    request: Request,
    catalogue: CatalogueNowDep,
    query: QueryDep,
    tms: TmsPath,
    z: Annotated[str, Path(description="Zoom level (the tile matrix), 0 to 12.")],
    x: Annotated[str, Path(description="Column, from 0 at the west.")],
    y: Annotated[str, Path(description="Row, from 0 at the north.")],
    collections: Annotated[
        str | None,
        Query(
            description="Layers to include, comma-separated: "
            + ", ".join(f"`{layer.id}`" for layer in LAYERS)
            + " (all by default)."
        ),
    ] = None,
) -> Response:
    """One Mapbox Vector Tile with the layers `local-authorities` (code, name, region,
    region_name, intervention_count under the filters), `regions` and `interventions`
    (venues, from zoom 10). Every filter of /api/v1/interventions applies. A tile with
    nothing in it is a 204."""
    _check_tms(tms)
    address = tile_address(_integer("z", z), _integer("x", x), _integer("y", y))
    layers = _layers(collections)
    versions = await current_versions(request)
    found = kept(request, versions)
    if found is not None:
        return rendered_response(request, found.rendered, MVT)
    state = app_state(request.app)
    renderer, cache = state.tile_renderer, state.rendered_tiles

    def render(session: Session) -> Rendered:
        flt = query.resolve(session, catalogue if query.needs_geography else None).filter
        return cache.get_or_render(
            ("tile", versions, repr(flt), address, layers),
            lambda: renderer.render(
                session,
                catalogue,
                flt,
                address,
                layers,
                version=versions,
                facet_cache=state.facet_cache,
            ),
        )

    rendered = await with_session(request, render)
    if not rendered[0]:
        return Response(status_code=204)
    remember(request, versions, rendered, MVT)
    return rendered_response(request, rendered, MVT)


def install_tiles(app: FastAPI) -> None:
    """Add the tile routes and the worker's tile state to the app."""
    state = app_state(app)
    state.tile_renderer = TileRenderer()
    state.rendered_tiles = RenderedLayers(max_entries=4096)
    app.include_router(router)
