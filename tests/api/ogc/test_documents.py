"""Landing page, conformance, API definition, collections and queryables, validated against
the OGC response shapes (tests/api/ogc/ogc_schemas.json), in JSON and HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from api.ogc.conformance import CONFORMANCE
from api.tiles import TILES_CONFORMANCE

SCHEMAS = json.loads((Path(__file__).parent / "ogc_schemas.json").read_text())


def valid(body: Any, shape: str) -> None:
    """Fail naming every place the body departs from the OGC shape."""
    validator = Draft202012Validator({**SCHEMAS, "$ref": f"#/$defs/{shape}"})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors[:5]


def test_landing_page_links_everything_a_client_looks_for(geo_client: TestClient) -> None:
    response = geo_client.get("/ogc")
    assert response.status_code == 200
    body = response.json()
    valid(body, "landingPage")
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    tiles = rels["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]["href"]
    assert tiles.endswith("/ogc/tiles")
    for rel in (
        "service-desc",
        "conformance",
        "data",
        "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
    ):
        assert geo_client.get(rels[rel]["href"]).status_code == 200


def test_conformance_lists_the_module_tuple(geo_client: TestClient) -> None:
    body = geo_client.get("/ogc/conformance").json()
    valid(body, "confClasses")
    assert body["conformsTo"] == [*CONFORMANCE, *TILES_CONFORMANCE]


def test_api_definition_is_openapi_30_of_the_ogc_routes(geo_client: TestClient) -> None:
    response = geo_client.get("/ogc/api")
    assert response.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    body = response.json()
    assert body["openapi"].startswith("3.0")
    assert "/ogc/collections/{collection_id}/items" in body["paths"]
    assert all(path.startswith("/ogc") for path in body["paths"])
    text = json.dumps(body)
    assert '{"type": "null"}' not in text  # a 3.1 construct, rewritten as nullable


def test_collections_have_extents_and_crs84(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    body = geo_client.get("/ogc/collections").json()
    valid(body, "collections")
    by_id = {c["id"]: c for c in body["collections"]}
    assert list(by_id) == ["local-authorities", "regions", "interventions"]
    minx, miny, maxx, maxy = by_id["local-authorities"]["extent"]["spatial"]["bbox"][0]
    assert -7 < minx < -5
    assert 49 < miny < 50.5
    assert 1 < maxx < 2
    assert 55 < maxy < 56
    assert by_id["local-authorities"]["storageCrs"].endswith("CRS84")
    start, _ = by_id["interventions"]["extent"]["temporal"]["interval"][0]
    assert start is not None
    assert start <= "2021-01-01T00:00:00Z"
    one = geo_client.get("/ogc/collections/interventions").json()
    valid(one, "collection")
    assert any(link["rel"] == "items" for link in one["links"])


@pytest.mark.parametrize("collection", ["interventions", "local-authorities"])
def test_queryables_are_json_schema_with_labelled_enums(
    geo_client: TestClient, collection: str
) -> None:
    response = geo_client.get(f"/ogc/collections/{collection}/queryables")
    assert response.headers["content-type"].startswith("application/schema+json")
    body = response.json()
    valid(body, "queryables")
    Draft202012Validator.check_schema(body)
    if collection == "interventions":
        status = body["properties"]["status"]
        assert status["enum"] == ["planned", "active", "ended", "not_stated"]
        assert {"const": "active", "title": "Active"} in status["oneOf"]
        assert body["properties"]["start_date"]["format"] == "date"
        assert body["properties"]["la_code"]["type"] == "array"


@pytest.mark.parametrize(
    "path",
    [
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/regions",
        "/ogc/collections/regions/items",
        "/ogc/collections/regions/items/E12000003",
        "/ogc/collections/interventions/queryables",
    ],
)
def test_a_browser_gets_a_readable_page(geo_client: TestClient, path: str) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    response = geo_client.get(path, headers=browser)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" in response.text
    assert "cdn" not in response.text.lower()
    assert geo_client.get(path, params={"f": "html"}).text == response.text
    as_json = geo_client.get(path, headers={"Accept": "application/json"})
    assert "json" in as_json.headers["content-type"]


def test_html_escapes_what_it_shows(geo_client: TestClient) -> None:
    response = geo_client.get(
        "/ogc/collections/interventions/items", params={"f": "html", "q": "<script>"}
    )
    assert response.status_code == 200
    assert "<script>" not in response.text
