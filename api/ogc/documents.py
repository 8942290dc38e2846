"""The JSON documents of the service: landing page, conformance, queryables."""

from __future__ import annotations

from typing import Any

from api.ogc.collections import GEOJSON, HTML, Collection
from api.ogc.conformance import CONFORMANCE
from api.ogc.links import link
from api.tiles.discovery import TILES_CONFORMANCE, TILES_LANDING_LINKS
from models.interventions.cql.queryables import Queryable

OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"


def landing(root: str) -> dict[str, Any]:
    return {
        "title": "neetmap: NEET early interventions in England",
        "description": (
            "OGC API - Features for the neetmap typology: upper-tier local authorities and "
            "regions with intervention counts, and the published interventions, filterable "
            "on every typology dimension and with CQL2."
        ),
        "links": [
            link(root, "self", "application/json", "This document"),
            link(root + "?f=html", "alternate", HTML, "This document as HTML"),
            link(root + "/api", "service-desc", OPENAPI_30, "The API definition (OpenAPI 3.0)"),
            link(root.removesuffix("/ogc") + "/docs", "service-doc", HTML, "The API documentation"),
            link(root + "/conformance", "conformance", "application/json", "Conformance classes"),
            link(root + "/collections", "data", "application/json", "Collections"),
            *(
                link(root.removesuffix("/ogc") + t["href"], t["rel"], t["type"], t["title"])
                for t in TILES_LANDING_LINKS
            ),
        ],
    }


def conformance() -> dict[str, Any]:
    return {"conformsTo": [*CONFORMANCE, *TILES_CONFORMANCE]}


def queryables(root: str, collection: Collection) -> dict[str, Any]:
    """The collection's queryables as JSON Schema (OGC API - Features Part 3)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{root}/collections/{collection.id}/queryables",
        "type": "object",
        "title": f"Queryables of {collection.id}",
        "properties": {q.name: _schema(q) for q in collection.queryables.values()},
        "additionalProperties": False,
    }


def _schema(q: Queryable) -> dict[str, Any]:
    if q.kind == "geometry":
        return {"title": q.title, "description": q.description, "format": "geometry-any"}
    value: dict[str, Any] = {"type": "integer" if q.kind == "integer" else "string"}
    if q.kind in ("date", "datetime"):
        value["format"] = "date" if q.kind == "date" else "date-time"
    if q.enum is not None:
        value["enum"] = [slug for slug, _ in q.enum]
        value["oneOf"] = [{"const": slug, "title": label} for slug, label in q.enum]
    if q.multi:
        return {"title": q.title, "description": q.description, "type": "array", "items": value}
    return {"title": q.title, "description": q.description, **value}


def items_links(self_href: str, alternate_html: str) -> list[dict[str, str]]:
    return [
        link(self_href, "self", GEOJSON, "This document"),
        link(alternate_html, "alternate", HTML, "This document as HTML"),
    ]
