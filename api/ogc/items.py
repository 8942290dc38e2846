"""`/collections/{id}/items` and `/items/{featureId}`: GeoJSON (or HTML) under the typology
filters of the JSON API, `bbox`, `datetime` and CQL2, paged by `limit` and `offset`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.filtering.params import InterventionQuery, get_catalogue
from api.hotpath.deps import versions_now
from api.ogc import html
from api.ogc.answer import send
from api.ogc.collections import GEOJSON, find_collection
from api.ogc.documents import items_links
from api.ogc.features import (
    area_items,
    intervention_items,
    item_filters,
    one_area,
    one_intervention,
)
from api.ogc.links import link, service_root
from api.ogc.negotiation import FormatDep
from api.ogc.params import CRS84, ItemsDep, check_known
from api.ogc.problems import PREFIX
from api.ogc.routes import RESPONSES, CollectionId
from api.ogc.shapes import AreaItem, InterventionItem, ItemsPage
from api.schemas.areas import ATTRIBUTION
from api.schemas.geojson import geojson_response

router = APIRouter(prefix=PREFIX, tags=["ogc"], dependencies=[Depends(check_known)])
#: GDAL reads the CRS of the coordinates from this header (OGC API - Features Part 2's).
CONTENT_CRS = {"Content-Crs": f"<{CRS84}>"}
QueryDep = Annotated[InterventionQuery, Depends()]
ITEMS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    200: geojson_response("GeoJSON FeatureCollection", ItemsPage),
}
ITEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    200: geojson_response("GeoJSON Feature", AreaItem, InterventionItem),
}


@router.get("/collections/{collection_id}/items", responses=ITEMS_RESPONSES)
def list_items(
    request: Request,
    session: SessionDep,
    fmt: FormatDep,
    collection_id: CollectionId,
    query: QueryDep,
    params: ItemsDep,
) -> Response:
    """A page of the collection's features matching every filter given.

    `numberMatched` is always given (counts come from memory or one indexed query);
    `next` and `prev` links keep every filter and move `offset` by `limit`."""
    collection = find_collection(collection_id)

    def render() -> bytes:
        catalogue = get_catalogue(request, session)
        filters = item_filters(session, catalogue, collection, query, params)
        page = (params.limit, params.offset)
        if collection.level is None:
            found = intervention_items(request, session, catalogue, filters, page)
        else:
            found = area_items(request, session, catalogue, collection, filters, page)
        document = _collection(request, found.features, found.matched, params.limit, params.offset)
        if found.warnings:
            document["warnings"] = list(found.warnings)
        if fmt == "html":
            return html.items_page(request.url, service_root(request), collection.id, document)
        return orjson.dumps(document)

    return send(request, fmt, GEOJSON, render, versions_now(request), CONTENT_CRS)


def _collection(
    request: Request, features: list[dict[str, Any]], matched: int, limit: int, offset: int
) -> dict[str, Any]:
    url = request.url
    links = items_links(str(url.remove_query_params("f")), str(url.include_query_params(f="html")))
    base = url.remove_query_params("f")
    if offset + limit < matched:
        links.append(
            link(
                str(base.include_query_params(offset=offset + limit)), "next", GEOJSON, "Next page"
            )
        )
    if offset > 0:
        links.append(
            link(
                str(base.include_query_params(offset=max(offset - limit, 0))),
                "prev",
                GEOJSON,
                "Previous page",
            )
        )
    return {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
        "attribution": ATTRIBUTION,
        "features": features,
    }


@router.get("/collections/{collection_id}/items/{feature_id}", responses=ITEM_RESPONSES)
def read_item(
    request: Request,
    session: SessionDep,
    fmt: FormatDep,
    collection_id: CollectionId,
    feature_id: Annotated[str, Path(max_length=100, description="GSS code, or intervention id.")],
) -> Response:
    """One feature: an LA or region by GSS code, or an intervention by id."""
    collection = find_collection(collection_id)
    root = service_root(request)

    def render() -> bytes:
        catalogue = get_catalogue(request, session)
        if collection.level is None:
            found = one_intervention(request, session, catalogue, feature_id)
        else:
            found = one_area(request, session, catalogue, collection, feature_id)
        href = f"{root}/collections/{collection.id}/items/{feature_id}"
        found["links"] = [
            link(href, "self", GEOJSON, "This feature"),
            link(href + "?f=html", "alternate", "text/html", "This feature as HTML"),
            link(
                f"{root}/collections/{collection.id}",
                "collection",
                "application/json",
                collection.title,
            ),
        ]
        if fmt == "html":
            return html.feature_page(request.url, root, collection.id, found)
        return orjson.dumps(found)

    return send(request, fmt, GEOJSON, render, versions_now(request), CONTENT_CRS)
