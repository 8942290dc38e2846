"""Interventions as GeoJSON (RFC 7946) Features, for maps and GIS exports.

An intervention has no boundary of its own: it is where its LAs are, or where its venues are.
Most records serve one LA and many share the same set, so each set's union is computed and
rendered once per boundary version and reused by every Feature, page and export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

import orjson
import shapely
from geojson_pydantic import Feature, FeatureCollection, MultiPoint, MultiPolygon
from pydantic import BaseModel, ConfigDict, Field
from shapely.geometry.base import BaseGeometry

from api.schemas.areas import ATTRIBUTION
from api.schemas.interventions import InterventionPublic
from geodata.geojson import geometry_json, snap_to_grid
from models.cache import VersionedCache
from models.errors import ServiceUnavailableError
from models.geography.catalogue import AreaCatalogue
from models.interventions.records import InterventionView

GeometryChoice = Literal["areas", "venues", "none"]
GEOMETRY_HELP = (
    "Feature geometry: `areas` (default), the union of the simplified boundaries of the LAs "
    "served; `venues`, a MultiPoint of its venues (null when it lists none); or `none`."
)
PRECISION = 5  # decimal places of area unions, about 1 m
VENUE_PRECISION = 6  # decimal places of venues, about 10 cm
NO_BOUNDARIES_WARNING = "No LA boundaries are loaded, so the area geometries are null."


class AreaUnionCache:
    """Unions of LA sets for one boundary version, as shapely and as rendered GeoJSON.

    Args:
        max_entries: How many LA sets to keep; the least recently used go first.
    """

    def __init__(self, max_entries: int = 4096) -> None:
        self._kept: VersionedCache[tuple[str, ...], tuple[BaseGeometry, orjson.Fragment]] = (
            VersionedCache(max_entries)
        )

    def get(
        self, catalogue: AreaCatalogue, codes: Iterable[str]
    ) -> tuple[BaseGeometry, orjson.Fragment] | None:
        """The union of these LAs' simplified boundaries, on the output grid, or None when
        none has a boundary (or, impossibly at 5 decimals, the union collapses)."""
        key = tuple(sorted({code for code in codes if code in catalogue.geometries}))
        if not key:
            return None
        found = self._kept.peek(catalogue.version, key)
        if found is not None:
            return found
        # The simplified LAs were simplified together, so neighbours' unions have no slivers.
        geom = snap_to_grid(shapely.union_all([catalogue.simplified[c] for c in key]), PRECISION)
        if geom is None:
            return None
        entry = (geom, orjson.Fragment(geometry_json(geom, PRECISION)))
        return self._kept.put(catalogue.version, key, entry)


def catalogue_for(
    choice: GeometryChoice, load: Callable[[], AreaCatalogue], warnings: list[str]
) -> AreaCatalogue | None:
    """The catalogue when area geometries are wanted. Without loaded boundaries the Features
    still come, with null geometry and a warning saying why, rather than a 503."""
    if choice != "areas":
        return None
    try:
        return load()
    except ServiceUnavailableError:
        warnings.append(NO_BOUNDARIES_WARNING)
        return None


def venue_geometry(row: InterventionView) -> BaseGeometry | None:
    """The intervention's venues as one MultiPoint, or None when it lists none."""
    if not row.venues:
        return None
    return snap_to_grid(shapely.MultiPoint([v.geom for v in row.venues]), VENUE_PRECISION)


def row_geometry(
    row: InterventionView,
    choice: GeometryChoice,
    catalogue: AreaCatalogue | None,
    unions: AreaUnionCache,
) -> tuple[BaseGeometry, orjson.Fragment] | None:
    """The geometry chosen for one intervention, as shapely and as rendered GeoJSON."""
    if choice == "venues":
        geom = venue_geometry(row)
        if geom is None:
            return None
        return geom, orjson.Fragment(geometry_json(geom, VENUE_PRECISION))
    if choice == "areas" and catalogue is not None:
        return unions.get(catalogue, (area.code for area in row.areas))
    return None


def intervention_feature(row: InterventionView, geometry: orjson.Fragment | None) -> dict[str, Any]:
    """One Feature: the public JSON shape as properties, the intervention id as Feature id."""
    properties = InterventionPublic.from_row(row).model_dump(mode="json")
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": geometry,
        "properties": properties,
    }


def features(
    rows: Iterable[InterventionView],
    choice: GeometryChoice,
    catalogue: AreaCatalogue | None,
    unions: AreaUnionCache,
) -> list[dict[str, Any]]:
    """Features for a page of interventions."""
    out = []
    for row in rows:
        found = row_geometry(row, choice, catalogue, unions)
        out.append(intervention_feature(row, found[1] if found else None))
    return out


def feature_collection(features: list[dict[str, Any]], **members: Any) -> bytes:
    """A FeatureCollection with foreign members (paging, warnings) and the boundary attribution."""
    return orjson.dumps(
        {"type": "FeatureCollection", **members, "attribution": ATTRIBUTION, "features": features}
    )


def feature_collection_chunks(
    members: dict[str, Any], pages: Iterable[list[dict[str, Any]]]
) -> Iterator[bytes]:
    """The same document streamed: the members first, then one chunk of Features per page."""
    head = orjson.dumps({"type": "FeatureCollection", **members, "attribution": ATTRIBUTION})
    yield head[:-1] + b',"features":['
    first = True
    for page in pages:
        if not page:
            continue
        body = b",".join(orjson.dumps(feature) for feature in page)
        yield body if first else b"," + body
        first = False
    yield b"]}"


# The shapes of the bodies above, for OpenAPI and the tests (`api.schemas.geojson`).


class InterventionFeature(Feature[MultiPolygon | MultiPoint, InterventionPublic]):
    """An intervention: its LAs' union (`geometry=areas`), its venues (`venues`) or null."""

    model_config = ConfigDict(extra="forbid")

    id: int  # narrower than GeoJSON's: the intervention id


class InterventionFeatureDocument(InterventionFeature):
    """`/api/v1/interventions/{id}?format=geojson`: one Feature with its foreign members."""

    attribution: str
    warnings: list[str]


class GeoJSONLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    href: str
    rel: str
    type: str
    title: str | None = None


class InterventionFeatureCollection(FeatureCollection[InterventionFeature]):
    """`/api/v1/interventions?format=geojson`: a page, with OGC API - Features paging members."""

    model_config = ConfigDict(extra="forbid")

    numberMatched: int = Field(description="Matching interventions in all pages.")
    numberReturned: int
    links: list[GeoJSONLink] = Field(description="`next` and `prev` pages, where they exist.")
    warnings: list[str]
    attribution: str
