"""The OpenAPI document makes good clients: short unique operation ids, typology enums with
their labels, GSS code patterns, examples on the main reads."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from api.main import create_app
from api.schemas.interventions import InterventionPage, InterventionPublic
from api.schemas.research import StatsTable
from api.settings import Settings
from models.typology.vocabulary import DIMENSIONS, VOCABULARIES, Dimension, slugs

METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document, built without a database (the app never connects to describe itself)."""
    return create_app(Settings(database_url="sqlite://")).openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_operation_ids_are_tag_and_verb_and_unique(document: dict[str, Any]) -> None:
    ids = {(m, p): op["operationId"] for m, p, op in operations(document)}
    assert ids[("get", "/api/v1/interventions")] == "interventions-list"
    assert ids[("get", "/api/v1/interventions/{intervention_id}")] == "interventions-read"
    assert ids[("get", "/api/v1/areas")] == "areas-list"
    assert ids[("get", "/api/v1/stats")] == "research-read-stats"
    repeated = [name for name, count in Counter(ids.values()).items() if count > 1]
    assert not repeated
    for (_, path), name in ids.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name), (path, name)


def _parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    parameters = document["paths"][path]["get"]["parameters"]
    found: dict[str, Any] = next(p for p in parameters if p["name"] == name)
    return found


def _items(parameter: dict[str, Any]) -> dict[str, Any]:
    array = next(s for s in parameter["schema"]["anyOf"] if s.get("type") == "array")
    items: dict[str, Any] = array["items"]
    return items


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_typology_filters_are_enums_with_their_labels(
    document: dict[str, Any], dimension: Dimension
) -> None:
    for path in ("/api/v1/interventions", "/api/v1/areas", "/api/v1/export", "/api/v1/stats"):
        items = _items(_parameter(document, path, dimension))
        terms = VOCABULARIES[dimension]
        assert items["enum"] == [term.slug for term in terms]
        described = items["x-enum-descriptions"]
        assert [text.split(": ")[0] for text in described] == [term.label for term in terms]
    body = document["paths"]["/api/v1/interventions"]["post"]["requestBody"]
    field = body["content"]["application/json"]["schema"]["properties"][dimension]
    assert (field.get("items") or field)["enum"] == list(slugs(dimension))


def test_place_filters_carry_the_gss_code_patterns(document: dict[str, Any]) -> None:
    la = re.compile(_items(_parameter(document, "/api/v1/interventions", "la"))["pattern"])
    region = re.compile(_items(_parameter(document, "/api/v1/areas", "region"))["pattern"])
    for code in ("E06000001", "E08000035", "E09000007", "E10000023"):
        assert la.match(code)
        assert not region.match(code)
    assert region.match("E12000003")
    assert not la.match("E12000003")
    for wrong in ("E07000001", "W06000001", "E0800003", "Leeds"):
        assert not la.match(wrong)


def test_the_main_reads_have_examples_that_fit_their_shapes(document: dict[str, Any]) -> None:
    def example(path: str, media: str = "application/json") -> Any:
        return document["paths"][path]["get"]["responses"]["200"]["content"][media]["example"]

    InterventionPage.model_validate(example("/api/v1/interventions"))
    InterventionPublic.model_validate(example("/api/v1/interventions/{intervention_id}"))
    StatsTable.model_validate(example("/api/v1/stats"))
    layer = example("/api/v1/areas", "application/geo+json")
    assert layer["type"] == "FeatureCollection"
    assert layer["features"][0]["properties"]["code"] == "E08000035"


def test_errors_are_documented_in_the_shape_they_have(document: dict[str, Any]) -> None:
    """FastAPI's own 422 entry (`HTTPValidationError`) names a body the API never sends."""
    assert "HTTPValidationError" not in str(document)
    write = document["paths"]["/api/v1/imports"]["post"]["responses"]
    assert {"413", "415", "422", "429"} <= set(write)
    assert "Retry-After" in write["429"]["headers"]
    features = document["paths"]["/ogc/collections/{collection_id}/items"]["get"]["responses"]
    assert "422" not in features  # the OGC routes answer bad parameters with 400
    assert "application/problem+json" in features["400"]["content"]
