"""Landing page, conformance, API definition, collections and queryables under `/ogc`."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.filtering.params import get_catalogue
from api.hotpath.deps import versions_now
from api.http.openapi_responses import PROBLEM_DETAILS
from api.ogc import html
from api.ogc.answer import send
from api.ogc.collections import (
    COLLECTIONS,
    collection_document,
    find_collection,
    spatial_extent,
    temporal_extent,
)
from api.ogc.documents import conformance, landing, queryables
from api.ogc.links import service_root
from api.ogc.negotiation import Format, FormatDep
from api.ogc.openapi30 import OPENAPI_30_TYPE, openapi_30
from api.ogc.params import check_known
from api.ogc.problems import PREFIX

router = APIRouter(prefix=PREFIX, tags=["ogc"], dependencies=[Depends(check_known)])
CollectionId = Annotated[
    str, Path(max_length=100, description="`local-authorities`, `regions` or `interventions`.")
]
PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {"schema": PROBLEM_DETAILS}}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {**PROBLEM, "description": "A parameter is not valid (problem details)"},
    404: {**PROBLEM, "description": "No such collection or feature (problem details)"},
    503: {**PROBLEM, "description": "Database or boundaries unavailable (problem details)"},
}


@router.get("", responses=RESPONSES)
async def read_landing(request: Request, fmt: FormatDep) -> Response:
    """The landing page: links to the API definition, conformance and the collections."""
    return _document(request, fmt, landing(service_root(request)))


@router.get("/conformance", responses=RESPONSES)
async def read_conformance(request: Request, fmt: FormatDep) -> Response:
    """The OGC conformance classes this service passes."""
    return _document(request, fmt, conformance())


def _document(request: Request, fmt: Format, document: dict[str, Any]) -> Response:
    """A fixed JSON document, or its HTML page."""
    root = service_root(request)
    if fmt == "html":
        return send(request, fmt, "", lambda: html.document_page(request.url, root, document))
    return send(request, fmt, "application/json", lambda: orjson.dumps(document))


@router.get(
    "/api",
    responses={
        **RESPONSES,
        200: {"description": "The OpenAPI 3.0 document", "content": {OPENAPI_30_TYPE: {}}},
    },
)
async def read_api_definition(request: Request, fmt: FormatDep) -> Response:
    """The OpenAPI 3.0 definition of the `/ogc` routes."""
    if fmt == "html":
        return Response(status_code=303, headers={"Location": str(request.base_url) + "docs"})
    return send(request, fmt, OPENAPI_30_TYPE, lambda: orjson.dumps(openapi_30(request.app)))


@router.get("/collections", responses=RESPONSES)
def list_collections(request: Request, session: SessionDep, fmt: FormatDep) -> Response:
    """The collections: local authorities, regions and interventions."""
    root = service_root(request)

    def render() -> bytes:
        catalogue = get_catalogue(request, session)
        bbox, interval = spatial_extent(catalogue), temporal_extent(session)
        document = {
            "links": [
                {"href": root + "/collections", "rel": "self", "type": "application/json"},
                {"href": root + "/collections?f=html", "rel": "alternate", "type": "text/html"},
            ],
            "collections": [
                collection_document(root, c, bbox, interval if c.level is None else None)
                for c in COLLECTIONS.values()
            ],
        }
        if fmt == "html":
            return html.collections_page(request.url, root, document)
        return orjson.dumps(document)

    return send(request, fmt, "application/json", render, versions_now(request))


@router.get("/collections/{collection_id}", responses=RESPONSES)
def read_collection(
    request: Request, session: SessionDep, fmt: FormatDep, collection_id: CollectionId
) -> Response:
    """One collection's description, extent and links."""
    collection = find_collection(collection_id)
    root = service_root(request)

    def render() -> bytes:
        catalogue = get_catalogue(request, session)
        interval = temporal_extent(session) if collection.level is None else None
        document = collection_document(root, collection, spatial_extent(catalogue), interval)
        if fmt == "html":
            return html.document_page(request.url, root, document)
        return orjson.dumps(document)

    return send(request, fmt, "application/json", render, versions_now(request))


@router.get("/collections/{collection_id}/queryables", responses=RESPONSES)
async def read_queryables(
    request: Request, fmt: FormatDep, collection_id: CollectionId
) -> Response:
    """What a CQL2 `filter` on this collection may name, as JSON Schema."""
    collection = find_collection(collection_id)
    root = service_root(request)
    document = queryables(root, collection)
    if fmt == "html":
        return send(request, fmt, "", lambda: html.queryables_page(request.url, root, document))
    return send(request, fmt, "application/schema+json", lambda: orjson.dumps(document))
