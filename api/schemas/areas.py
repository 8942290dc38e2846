"""Areas as GeoJSON (RFC 7946): Features whose geometries are serialised once per version.

A choropleth layer is the same 153 polygons with different counts, so each area's geometry
JSON is rendered once per (boundary version, detail, precision) and spliced into responses
as an orjson Fragment; only the properties are serialised per request.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from geojson_pydantic import Feature, FeatureCollection, MultiPolygon
from pydantic import BaseModel, ConfigDict, Field

from api.schemas.context import IndicatorPublic
from geodata.geojson import geometry_json, rounded_bbox
from models.cache import VersionedCache
from models.geography.catalogue import AreaCatalogue, AreaInfo

GeometryDetail = Literal["full", "simplified", "none"]
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right."
)
BBOX_DECIMALS = 6
"""Decimals of a Feature's bbox when the caller asks for no precision (about 10 cm)."""


class GeometryCache:
    """Rendered geometry JSON per area for the current boundary version."""

    def __init__(self) -> None:
        self._kept: VersionedCache[tuple[str, GeometryDetail, int], orjson.Fragment] = (
            VersionedCache()
        )

    def fragment(
        self, catalogue: AreaCatalogue, code: str, detail: GeometryDetail, precision: int
    ) -> orjson.Fragment | None:
        """`full` is the loaded boundary; `simplified` the one simplified at load."""
        if detail == "none" or code not in catalogue.geometries:
            return None
        source = catalogue.simplified if detail == "simplified" else catalogue.geometries
        return self._kept.get(
            catalogue.version,
            (code, detail, precision),
            lambda: orjson.Fragment(geometry_json(source[code], precision)),
        )


def area_properties(catalogue: AreaCatalogue, info: AreaInfo, count: int | None) -> dict[str, Any]:
    region = catalogue.regions.get(info.region_code) if info.region_code else None
    if info.level == "region":
        region = info
    props: dict[str, Any] = {
        "code": info.code,
        "name": info.name,
        "level": info.level,
        "type": info.type,
        "region_code": region.code if region else None,
        "region_name": region.name if region else None,
        "vintage": info.vintage,
    }
    if count is not None:
        props["intervention_count"] = count
    return props


def feature(
    props: dict[str, Any],
    geometry: orjson.Fragment | None,
    bbox: tuple[float, float, float, float] | None,
    precision: int = BBOX_DECIMALS,
) -> dict[str, Any]:
    """A Feature; its bbox is rounded outwards to `precision`, the geometry's decimals."""
    out: dict[str, Any] = {"type": "Feature", "id": props["code"], "properties": props}
    if bbox is not None:
        out["bbox"] = list(rounded_bbox(bbox, precision))
    out["geometry"] = geometry
    return out


def feature_collection(features: list[dict[str, Any]], **members: Any) -> bytes:
    return orjson.dumps(
        {"type": "FeatureCollection", "features": features, **members, "attribution": ATTRIBUTION}
    )


# The shapes of the bodies above, for OpenAPI and the tests (`api.schemas.geojson`).


class _AreaBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="GSS code.")
    name: str
    level: Literal["la", "region"]
    type: str = Field(description="GSS entity: E06, E08, E09, E10 (LAs) or E12 (regions).")
    region_code: str | None
    region_name: str | None
    vintage: str | None = Field(description="The boundaries' release.")
    intervention_count: int = Field(description="Published interventions matching the filters.")


class CompactIndicator(BaseModel):
    """A layer's context figure: `IndicatorPublic` without its null members, `source` a key
    into the layer's `context_sources`."""

    model_config = ConfigDict(extra="forbid")

    value: int | float | None
    year: str | None = None
    missing: str | None = None
    source: str | None = None
    note: str | None = None


class AreaProperties(_AreaBase):
    context: dict[str, CompactIndicator] | None = Field(
        None, description="Context indicators (absent with `context=false`; null if none loaded)."
    )


class AreaFeature(Feature[MultiPolygon, AreaProperties]):
    """An LA or region in a layer; `geometry` is null with `geometry=none`."""

    model_config = ConfigDict(extra="forbid")

    id: str  # narrower than GeoJSON's: always the GSS code


class AreaLayer(FeatureCollection[AreaFeature]):
    """`/api/v1/areas`: every LA or region with its count, and RFC 7946 foreign members."""

    model_config = ConfigDict(extra="forbid")

    boundary_version: int
    context_sources: dict[str, str] | None = Field(None, description="Source sentences by key.")
    warnings: list[str] | None = Field(None, description="Filter values read loosely.")
    attribution: str


class ResolvedFrom(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: str
    from_: str = Field(alias="from")
    warning: str | None


class InterventionName(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    name: str


class AreaDetailProperties(_AreaBase):
    context: dict[str, IndicatorPublic] | None
    resolved_from: ResolvedFrom
    interventions: list[InterventionName] = Field(description="The first 100 by name.")
    interventions_truncated: bool
    interventions_href: str | None


class AreaDetail(Feature[MultiPolygon, AreaDetailProperties]):
    """`/api/v1/areas/{code}`: one area with the interventions serving it."""

    model_config = ConfigDict(extra="forbid")

    id: str
