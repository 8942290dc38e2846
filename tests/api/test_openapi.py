"""The OpenAPI document makes good clients: short unique operation ids, typology enums with
their labels, GSS code patterns, examples on the main reads."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from api.main import create_app
from api.settings import Settings

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
