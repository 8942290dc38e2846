"""Reading published interventions: a filtered, paged list as JSON, GeoJSON or CSV, and one record."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.deps import FacetsDep, PageDep, SessionDep
from api.errors import ERROR_RESPONSES
from api.filtering.params import FilterDep, get_catalogue
from api.http.preconditions import RECORD_VERSION_HEADER, record_version
from api.http.responses import GeoJSONResponse
from api.routes.paging import page_links
from api.schemas.areas import ATTRIBUTION
from api.schemas.geojson import geojson_response
from api.schemas.intervention_csv import CSV_MEDIA_TYPE, render_csv
from api.schemas.intervention_geojson import (
    GEOMETRY_HELP,
    GeometryChoice,
    InterventionFeatureCollection,
    InterventionFeatureDocument,
    catalogue_for,
    feature_collection,
    features,
)
from api.schemas.interventions import InterventionPage, InterventionPublic, PageLinks
from api.state import app_state
from models.interventions import queries
from models.interventions.filters import InterventionFilter
from models.interventions.queries import SortKey, get_intervention
from models.partners.submissions import read_head

router = APIRouter(prefix="/api/v1/interventions", tags=["interventions"])

Format = Literal["json", "geojson", "csv"]
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of interventions: JSON (default), GeoJSON or CSV by `format`.",
        "content": {
            **geojson_response("", InterventionFeatureCollection)["content"],
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    422: ERROR_RESPONSES[422],
    503: ERROR_RESPONSES[503],
}


@router.get("", response_model=InterventionPage, responses=LIST_RESPONSES)
def list_interventions(
    request: Request,
    response: Response,
    session: SessionDep,
    facets: FacetsDep,
    page: PageDep,
    query: FilterDep,
    sort: Annotated[
        SortKey,
        Query(
            description=(
                "Order: `id` (default), `name`, `updated_at`, `created_at`, `start_date` or "
                "`status`; a leading `-` for descending. Ties break on id (in the same "
                "direction); records without a start date come last either way."
            )
        ),
    ] = "id",
    format: Annotated[
        Format,
        Query(
            description=(
                "`json` (default; the page object), `geojson` (a FeatureCollection of this "
                "page, `application/geo+json`) or `csv` (this page as rows with the columns "
                "of the partner CSV import plus `id`, `text/csv`)."
            )
        ),
    ] = "json",
    geometry: Annotated[GeometryChoice, Query(description=GEOMETRY_HELP)] = "areas",
) -> InterventionPage | Response:
    """Published interventions matching the filters, a page at a time.

    Values within one parameter mean "any of"; `all_of` switches a dimension to "all of".
    Unknown parameters are ignored. An intervention serving several LAs appears once, and
    counts once in `total`, however many LAs or regions it serves (the `/api/v1/areas`
    counts give it once to each LA and once to each region it serves).

    Paging is by offset, ordered by `sort` with ties broken on id, so a walk over a dataset
    that does not change returns every match exactly once. If records are published or
    withdrawn while you walk, later pages shift: one published before your position makes a
    record appear twice, one withdrawn before it makes a record be skipped. To read a
    consistent whole, use `/api/v1/export`, or walk again with `updated_since` set to the
    time you started. Page links are in `links` (JSON, GeoJSON) and in the `Link` header.
    """
    result = queries.list_interventions(
        session, query.filter, limit=page.limit, offset=page.offset, sort=sort, facets=facets
    )
    links = page_links(request.url, page.limit, page.offset, result.total)
    headers = {"X-Total-Count": str(result.total)}
    if link_header := _link_header(links):
        headers["Link"] = link_header
    if format == "csv":
        headers["Content-Disposition"] = 'inline; filename="interventions.csv"'
        if warning := query.warning_header():
            headers["Warning"] = warning  # CSV has no place of its own for them
        return Response(
            render_csv(result.items, header=True), media_type=CSV_MEDIA_TYPE, headers=headers
        )
    if format == "geojson":
        warnings = list(query.warnings)
        catalogue = catalogue_for(geometry, lambda: get_catalogue(request, session), warnings)
        unions = app_state(request.app).union_cache
        body = feature_collection(
            features(result.items, geometry, catalogue, unions),
            numberMatched=result.total,
            numberReturned=len(result.items),
            links=_geojson_links(links),
            warnings=warnings,
        )
        return GeoJSONResponse(body, headers=headers)
    response.headers.update(headers)
    return InterventionPage(
        warnings=list(query.warnings),
        items=[InterventionPublic.from_row(row) for row in result.items],
        total=result.total,
        limit=page.limit,
        offset=page.offset,
        links=links,
    )


def _link_header(links: PageLinks) -> str:
    """RFC 8288 `Link` header with the next and previous pages."""
    pairs = (("next", links.next), ("prev", links.prev))
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in pairs if url)


def _geojson_links(links: PageLinks) -> list[dict[str, str]]:
    """OGC API - Features style links, so GIS clients can follow the pages."""
    return [
        {"href": url, "rel": rel, "type": "application/geo+json"}
        for rel, url in (("next", links.next), ("prev", links.prev))
        if url
    ]


@router.get(
    "/{intervention_id}",
    response_model=InterventionPublic,
    responses={
        200: geojson_response("JSON, or GeoJSON by `format`", InterventionFeatureDocument),
        **ERROR_RESPONSES,
    },
)
def read_intervention(
    request: Request,
    response: Response,
    session: SessionDep,
    intervention_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="Intervention id.")],
    format: Annotated[
        Literal["json", "geojson"],
        Query(
            description=(
                "`json` (default) or `geojson`: one Feature, as in the list's GeoJSON, for a "
                "map that shows the intervention someone clicked."
            )
        ),
    ] = "json",
    geometry: Annotated[GeometryChoice, Query(description=GEOMETRY_HELP)] = "areas",
) -> InterventionPublic | Response:
    """One published intervention by id.

    Its `ETag` names the record's version, so `If-Match` with it on a PATCH or DELETE of this
    address succeeds while nothing has changed the record since (a pending edit included).
    """
    row = get_intervention(session, intervention_id, InterventionFilter())
    version = record_version(intervention_id, read_head(session, intervention_id).version)
    response.headers[RECORD_VERSION_HEADER] = version
    if format == "json":
        return InterventionPublic.from_row(row)
    warnings: list[str] = []
    catalogue = catalogue_for(geometry, lambda: get_catalogue(request, session), warnings)
    (feature,) = features([row], geometry, catalogue, app_state(request.app).union_cache)
    return GeoJSONResponse(
        orjson.dumps({**feature, "attribution": ATTRIBUTION, "warnings": warnings}),
        headers={RECORD_VERSION_HEADER: version},
    )
