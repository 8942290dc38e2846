"""LAs and regions as GeoJSON with intervention counts, and point-in-LA lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from sqlmodel import Session

from api.errors import ERROR_RESPONSES
from api.filtering.params import InterventionQuery
from api.filtering.places import area_named
from api.filtering.resolved import ResolvedQuery
from api.hotpath.deps import (
    CatalogueNowDep,
    QueryDep,
    current_catalogue,
    current_versions,
    uses_postgis,
    with_session,
)
from api.hotpath.point import MEDIA_TYPE as POINT_MEDIA_TYPE
from api.hotpath.point import point_answer
from api.hotpath.rendered import Rendered, prerender, rendered_response
from api.hotpath.replay import kept, remember
from api.http.responses import GeoJSONResponse
from api.schemas.areas import (
    AreaDetail,
    AreaLayer,
    GeometryDetail,
    area_properties,
    feature,
    feature_collection,
)
from api.schemas.context import compact_context, context_snapshot, with_context
from api.schemas.geojson import geojson_response
from api.state import app_state
from models.errors import NotFoundError
from models.freshness import Versions
from models.geography.catalogue import AreaCatalogue, AreaInfo
from models.geography.spatial import las_containing, regions_containing
from models.interventions.queries import list_interventions
from models.research.areas import count_by_area

router = APIRouter(prefix="/api/v1/areas", tags=["areas"])

AMBIGUOUS = {
    **ERROR_RESPONSES[422],
    "description": "The code or name now covers several LAs; `details` lists them (field `code`).",
}
Level = Literal["la", "region"]
DetailQuery = Annotated[
    GeometryDetail,
    Query(description="Boundary detail: `full`, `simplified` (lighter) or `none`."),
]
INTERVENTIONS_LISTED = 100
_OWN_PARAMS = frozenset({"geometry", "precision"})  # this route's, not the list's
PrecisionQuery = Annotated[
    int, Query(ge=1, le=6, description="Decimal places of coordinates (5 ≈ 1 m).")
]


# The routes return GeoJSONResponse themselves. Declaring it as their response_class would
# make OpenAPI list their errors as application/geo+json too; errors are application/json.
@router.get(
    "",
    response_class=Response,
    responses={
        200: geojson_response("GeoJSON (RFC 7946)", AreaLayer),
        422: ERROR_RESPONSES[422],
        503: ERROR_RESPONSES[503],
    },
)
async def list_areas(
    request: Request,
    catalogue: CatalogueNowDep,
    query: QueryDep,
    level: Annotated[Level, Query(description="`la` (upper-tier LAs) or `region`.")] = "la",
    geometry: DetailQuery = "full",
    precision: PrecisionQuery = 5,
    context: Annotated[
        bool,
        Query(
            description="Include each area's context indicators (sources keyed in the "
            "top-level `context_sources`); false gives the lightest layer."
        ),
    ] = True,
) -> Response:
    """Every LA or region as a GeoJSON Feature with `intervention_count`: the number of
    published interventions serving it that match the filters (the same filters as
    `/api/v1/interventions`). An intervention serving several LAs counts once in each LA and
    once in each region it serves.

    With a place filter (`la`, `region`, `bbox`, `lat`+`lon`) only the LAs inside it (or
    their regions) are listed, as in /api/v1/stats and /api/v1/coverage: `bbox` of the map's
    view gives the visible LAs' counts."""
    layers = app_state(request.app).rendered_layers
    layer = (level, geometry, precision, context)
    # A new request resolves its filter and shares renders with equal filters.
    versions = await current_versions(request)

    def render(session: Session) -> Rendered:
        resolved = query.resolve(session, catalogue if query.needs_geography else None)
        key = (catalogue.version, versions, layer, repr(resolved.filter), resolved.warnings)
        return layers.get_or_render(
            key, lambda: _render_layer(request, session, catalogue, resolved, layer)
        )

    return await _kept_or_rendered(request, versions, render)


async def _kept_or_rendered(
    request: Request, versions: Versions, render: Callable[[Session], Rendered]
) -> Response:
    """The GeoJSON kept for this request as sent and these data versions (`api.hotpath.replay`
    then answers its repeats before routing), else rendered in a session and kept."""
    media_type = GeoJSONResponse.media_type
    found = kept(request, versions)
    if found is not None:
        return rendered_response(request, found.rendered, media_type)
    rendered = await with_session(request, render)
    remember(request, versions, rendered, media_type)
    return rendered_response(request, rendered, media_type)


def _render_layer(
    request: Request,
    session: Session,
    catalogue: AreaCatalogue,
    query: ResolvedQuery,
    layer: tuple[str, GeometryDetail, int, bool],
) -> bytes:
    level, geometry, precision, include_context = layer
    counts = count_by_area(session, query.filter, level, app_state(request.app).facet_cache)
    areas = catalogue.las if level == "la" else catalogue.regions
    cache = app_state(request.app).geometry_cache
    snapshot = context_snapshot(request, session) if include_context else None
    sources: dict[str, str] = {}
    features = []
    for code in catalogue.codes_within(level, query.filter.place_las()):
        info = areas[code]
        props = area_properties(catalogue, info, counts.get(code, 0))
        if snapshot is not None:
            props["context"] = compact_context(snapshot.for_area(code), sources)
        geometry_json = cache.fragment(catalogue, code, geometry, precision)
        features.append(feature(props, geometry_json, info.bbox, precision))
    members: dict[str, Any] = {"boundary_version": catalogue.version}
    if sources:
        members["context_sources"] = sources
    if query.warnings:
        members["warnings"] = list(query.warnings)
    return feature_collection(features, **members)


@router.get("/at", responses=ERROR_RESPONSES, response_model=dict[str, Any])
async def read_area_at_point(
    request: Request,
    lat: Annotated[
        float, Query(ge=-90, le=90, allow_inf_nan=False, description="Latitude, WGS84 degrees.")
    ],
    lon: Annotated[
        float,
        Query(ge=-180, le=180, allow_inf_nan=False, description="Longitude, WGS84 degrees."),
    ],
) -> Response:
    """The LA and the region containing a point (e.g. a clicked map location)."""
    # The plain form on SQLite is answered before routing (`api.hotpath.point`), with the
    # same body; this answers the rest, and every error.
    catalogue = await current_catalogue(request)  # not a dependency: each costs ~20 us
    if uses_postgis(request):
        la_codes, region_codes = await with_session(
            request,
            lambda session: (
                las_containing(session, catalogue, lon, lat),
                regions_containing(session, catalogue, lon, lat),
            ),
        )
    else:  # the in-memory index `models.geography.spatial` uses here; no session, no thread
        la_codes, region_codes = catalogue.la_index.containing(lon, lat), None
    if not la_codes:
        raise NotFoundError(
            f"The point (lat {lat}, lon {lon}) is not inside any English local authority."
        )
    body = point_answer(catalogue, lat, lon, la_codes, region_codes)
    return Response(body, media_type=POINT_MEDIA_TYPE)


@router.get(
    "/{code}",
    response_class=Response,
    responses={
        200: geojson_response("GeoJSON (RFC 7946)", AreaDetail),
        **ERROR_RESPONSES,
        409: AMBIGUOUS,
    },
)
async def read_area(
    request: Request,
    catalogue: CatalogueNowDep,
    query: QueryDep,
    code: Annotated[
        str,
        Path(
            max_length=100,
            description="GSS code (current or superseded), DfE three-digit code or name of an LA, or a region code or name.",
        ),
    ],
    geometry: DetailQuery = "full",
    precision: PrecisionQuery = 5,
) -> Response:
    """One LA or region as a GeoJSON Feature, with a summary of the published interventions
    serving it that match the filters.

    `intervention_count` counts them all; `interventions` lists the first 100 by name (id and
    name), and `interventions_truncated` is true when there are more. `interventions_href` is
    the list of exactly those counted (`/api/v1/interventions` with the same filters and this
    area), or null when the filters leave this area out (e.g. `region` naming another region).
    """

    # Rendered once per data version and request as sent (its links name the base URL).
    def render(session: Session) -> Rendered:
        body = _render_area(request, session, catalogue, query, code, geometry, precision)
        return prerender(body)

    return await _kept_or_rendered(request, await current_versions(request), render)


def _render_area(
    request: Request,
    session: Session,
    catalogue: AreaCatalogue,
    query: InterventionQuery,
    code: str,
    geometry: GeometryDetail,
    precision: int,
) -> bytes:
    """The Feature, in the order the checks ran as dependencies: the filter, then the area."""
    query_resolved = query.resolve(session, catalogue if query.needs_geography else None)
    facets = app_state(request.app).facet_cache.current(session)
    info, resolved = area_named(catalogue, code)
    las = (info.code,) if info.level == "la" else tuple(catalogue.las_in_region(info.code))
    scoped = query_resolved.narrowed(within=las)
    page = list_interventions(
        session, scoped, limit=INTERVENTIONS_LISTED, offset=0, sort="name", facets=facets
    )
    props = with_context(area_properties(catalogue, info, page.total), request, session)
    props["resolved_from"] = resolved
    props["interventions"] = [{"id": row.id, "name": row.name} for row in page.items]
    props["interventions_truncated"] = page.total > len(page.items)
    props["interventions_href"] = _interventions_href(request, query_resolved, info)
    geometry_json = app_state(request.app).geometry_cache.fragment(
        catalogue, info.code, geometry, precision
    )
    return orjson.dumps(feature(props, geometry_json, info.bbox, precision))


def _interventions_href(request: Request, query: ResolvedQuery, info: AreaInfo) -> str | None:
    """The list URL with this request's filters and this area, or None when they exclude it.

    Values of one parameter mean "any of", so `region=X` cannot just gain this region: when
    the request already filters by this area's kind, the area must be among the areas named
    (as the filter read them: `ResolvedQuery.named`).
    """
    key = "la" if info.level == "la" else "region"
    named = query.named.get(key)
    if named is not None and info.code not in named:
        return None
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in {key, *_OWN_PARAMS}]
    url = request.url_for("list_interventions")
    return str(url.replace(query=urlencode([*kept, (key, info.code)])))
