"""The shapes of the items bodies (`api.ogc.items`), for OpenAPI and the tests: the JSON API's
Features with OGC API - Features members (`api.schemas.geojson` says why they only describe)."""

from __future__ import annotations

from geojson_pydantic import FeatureCollection
from pydantic import ConfigDict, Field

from api.schemas.areas import AreaFeature
from api.schemas.intervention_geojson import GeoJSONLink, InterventionFeature


class AreaItem(AreaFeature):
    """`/ogc/collections/{local-authorities,regions}/items/{code}`."""

    links: list[GeoJSONLink]


class InterventionItem(InterventionFeature):
    """`/ogc/collections/interventions/items/{id}`."""

    links: list[GeoJSONLink]


class ItemsPage(FeatureCollection[AreaFeature | InterventionFeature]):
    """`/ogc/collections/{id}/items`: areas or interventions, by the collection."""

    model_config = ConfigDict(extra="forbid")

    numberMatched: int
    numberReturned: int
    timeStamp: str = Field(description="When the page was made (RFC 3339, UTC).")
    links: list[GeoJSONLink] = Field(description="`self`, `alternate` (HTML), `next`, `prev`.")
    attribution: str
    warnings: list[str] | None = Field(None, description="Filter values read loosely.")
