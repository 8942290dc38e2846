"""The GeoJSON bodies (written by orjson) are what the OpenAPI document says they are.

Each documented shape (geojson-pydantic, `api.schemas.geojson`) must accept the real body,
undocumented members included as failures, and the document's own JSON Schema for the route
must accept it too, so a client generated from /openapi.json reads what the service sends.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from sqlmodel import Session

from api.ogc.shapes import AreaItem, InterventionItem, ItemsPage
from api.schemas.areas import AreaDetail, AreaLayer
from api.schemas.geojson import GEOJSON
from api.schemas.intervention_geojson import (
    InterventionFeatureCollection,
    InterventionFeatureDocument,
)
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas

LEEDS, CAMDEN = "E08000035", "E09000007"


@pytest.fixture
def ids(session: Session) -> list[int]:
    out = []
    for name, las, venues in (
        ("Leeds pathways", [LEEDS], []),
        ("Camden hub", [CAMDEN], [{"name": "Hub", "lat": 51.54, "lon": -0.14}]),
        ("Both", [LEEDS, CAMDEN], []),
    ):
        draft = InterventionDraft.model_validate({"name": name, "la_codes": las, "venues": venues})
        row = create_intervention(session, draft, ensure_areas(session, las), state="published")
        session.commit()
        assert row.id is not None
        out.append(row.id)
    return out


def _cases(ids: list[int]) -> list[tuple[str, dict[str, Any], type[BaseModel]]]:
    return [
        ("/api/v1/areas", {"geometry": "simplified", "precision": 3}, AreaLayer),
        ("/api/v1/areas", {"level": "region", "geometry": "none", "context": "false"}, AreaLayer),
        (f"/api/v1/areas/{LEEDS}", {"precision": 3}, AreaDetail),
        (
            "/api/v1/interventions",
            {"format": "geojson", "limit": 1, "offset": 1},  # next and prev links
            InterventionFeatureCollection,
        ),
        (
            "/api/v1/interventions",
            {"format": "geojson", "geometry": "venues"},
            InterventionFeatureCollection,
        ),
        (f"/api/v1/interventions/{ids[1]}", {"format": "geojson"}, InterventionFeatureDocument),
        ("/ogc/collections/local-authorities/items", {"limit": 2, "offset": 2}, ItemsPage),
        ("/ogc/collections/interventions/items", {"limit": 2}, ItemsPage),
        (f"/ogc/collections/regions/items/{'E12000003'}", {}, AreaItem),
        (f"/ogc/collections/interventions/items/{ids[2]}", {}, InterventionItem),
    ]


def _schema_of(document: dict[str, Any], path: str) -> dict[str, Any]:
    """The route's documented GeoJSON schema, resolvable against the whole document."""
    template = next(
        p
        for p in document["paths"]
        if p.count("/") == path.count("/")
        and all(
            a == b or a.startswith("{") for a, b in zip(p.split("/"), path.split("/"), strict=True)
        )
    )
    content = document["paths"][template]["get"]["responses"]["200"]["content"]
    return {**content[GEOJSON]["schema"], "components": document["components"]}


def test_every_geojson_body_fits_its_documented_shape(
    geo_client: TestClient, ids: list[int]
) -> None:
    document = geo_client.get("/openapi.json").json()
    for path, params, shape in _cases(ids):
        body = _fits(geo_client, document, path, params, shape)
        if "features" in body:
            assert body["features"], (path, "validating an empty page proves little")
    outside = {"geometry": "none", "lat": "48.85", "lon": "2.35"}  # the optional `warnings`
    assert _fits(geo_client, document, "/api/v1/areas", outside, AreaLayer)["warnings"]


def _fits(
    client: TestClient,
    document: dict[str, Any],
    path: str,
    params: dict[str, Any],
    shape: type[BaseModel],
) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, response.text[:300])
    body = response.json()
    shape.model_validate(body)  # raises on a missing, mistyped or undocumented member
    Draft202012Validator(_schema_of(document, path)).validate(body)
    return body


def test_an_undocumented_member_is_caught(geo_client: TestClient, ids: list[int]) -> None:
    body = geo_client.get(f"/api/v1/interventions/{ids[0]}", params={"format": "geojson"}).json()
    body["surprise"] = 1
    with pytest.raises(ValueError, match="surprise"):
        InterventionFeatureDocument.model_validate(body)


def test_shapes_share_fastapis_components_unchanged(geo_client: TestClient) -> None:
    """A model both FastAPI and the GeoJSON shapes name (InterventionPublic, say) is kept
    once, as FastAPI wrote it: the two must then be the same but for the `default`s, which
    FastAPI leaves out of response schemas."""
    schemas = geo_client.get("/openapi.json").json()["components"]["schemas"]
    shapes = [AreaLayer, AreaDetail, InterventionFeatureCollection, ItemsPage, AreaItem]
    _, found = models_json_schema(
        [(shape, "serialization") for shape in shapes],
        ref_template="#/components/schemas/{model}",
    )
    for name, schema in found["$defs"].items():
        assert _without_defaults(schemas[name]) == _without_defaults(schema), name


def _without_defaults(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_defaults(v) for k, v in node.items() if k != "default"}
    if isinstance(node, list):
        return [_without_defaults(v) for v in node]
    return node
