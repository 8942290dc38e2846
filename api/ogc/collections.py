"""The three collections and their metadata documents (`/collections`, `/collections/{id}`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from api.ogc.links import link
from api.ogc.params import CRS84
from models.errors import NotFoundError
from models.geography.catalogue import AreaCatalogue
from models.interventions.cql.queryables import AREA_QUERYABLES, INTERVENTION_QUERYABLES, Queryable
from models.interventions.filters import PUBLIC_STATES
from models.interventions.tables import Intervention

GEOJSON = "application/geo+json"
HTML = "text/html"


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    level: str | None  # "la" or "region" for the area collections
    queryables: dict[str, Queryable]


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            "local-authorities",
            "Upper-tier local authorities",
            "The 153 upper-tier LAs of England (ONS boundaries, feature id = current GSS "
            "code) with `intervention_count`: published interventions serving each that match "
            "the request's typology filters.",
            "la",
            AREA_QUERYABLES,
        ),
        Collection(
            "regions",
            "English regions",
            "The 9 English regions (E12 codes) with `intervention_count` under the request's "
            "typology filters.",
            "region",
            AREA_QUERYABLES,
        ),
        Collection(
            "interventions",
            "NEET early interventions",
            "Published interventions, classified on the neetmap typology; the geometry is the "
            "union of the LAs served.",
            None,
            INTERVENTION_QUERYABLES,
        ),
    )
}


def find_collection(collection_id: str) -> Collection:
    found = COLLECTIONS.get(collection_id)
    if found is None:
        raise NotFoundError(
            f"There is no collection '{collection_id[:100]}'; collections: {', '.join(COLLECTIONS)}."
        )
    return found


def spatial_extent(catalogue: AreaCatalogue) -> list[float]:
    boxes = [info.bbox for info in catalogue.las.values() if info.bbox is not None]
    if not boxes:
        return [-180.0, -90.0, 180.0, 90.0]
    return [
        round(min(b[0] for b in boxes), 6),
        round(min(b[1] for b in boxes), 6),
        round(max(b[2] for b in boxes), 6),
        round(max(b[3] for b in boxes), 6),
    ]


def temporal_extent(session: Session) -> list[str | None]:
    """The earliest start and latest end of the published interventions (null: open)."""
    row = session.exec(  # type: ignore[call-overload]
        select(func.min(col(Intervention.start_date)), func.max(col(Intervention.end_date))).where(
            col(Intervention.publication_state).in_(PUBLIC_STATES)
        )
    ).one()
    return [f"{row[0]}T00:00:00Z" if row[0] else None, f"{row[1]}T00:00:00Z" if row[1] else None]


def collection_document(
    base: str, collection: Collection, bbox: list[float], interval: list[str | None] | None
) -> dict[str, Any]:
    href = f"{base}/collections/{collection.id}"
    extent: dict[str, Any] = {"spatial": {"bbox": [bbox], "crs": CRS84}}
    if interval is not None:
        extent["temporal"] = {
            "interval": [interval],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": extent,
        "links": [
            link(href, "self", "application/json", collection.title),
            link(href + "?f=html", "alternate", HTML, collection.title + " (HTML)"),
            link(href + "/items", "items", GEOJSON, "Features (GeoJSON)"),
            link(href + "/items?f=html", "items", HTML, "Features (HTML)"),
            link(
                href + "/queryables",
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                "Queryables",
            ),
        ],
    }
