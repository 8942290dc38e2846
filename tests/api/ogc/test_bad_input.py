"""Bad input on the OGC routes: a 400 or 404 in problem-details shape naming the parameter."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.ogc.test_documents import valid

ITEMS = "/ogc/collections/interventions/items"
LA_ITEMS = "/ogc/collections/local-authorities/items"
HUGE = "POLYGON((" + ",".join(f"{i / 1000} {i % 2}" for i in range(2001)) + ",0 0))"


@pytest.mark.parametrize(
    ("path", "params", "status", "named"),
    [
        ("/ogc/collections/nope", {}, 404, "nope"),
        ("/ogc/collections/nope/items", {}, 404, "nope"),
        (LA_ITEMS + "/E99999999", {}, 404, "E99999999"),
        (LA_ITEMS + "/not-a-code", {}, 404, "not-a-code"),
        (ITEMS + "/abc", {}, 404, "abc"),
        (ITEMS + "/999999", {}, 404, "999999"),
        (ITEMS, {"limit": "0"}, 400, "limit"),
        (ITEMS, {"limit": "1001"}, 400, "limit"),
        (ITEMS, {"bbox": "1,2,3"}, 400, "bbox"),
        (ITEMS, {"bbox": "1,2,3,4,5"}, 400, "bbox"),
        (ITEMS, {"bbox": "0,53,-1,52"}, 400, "bbox"),
        (ITEMS, {"bbox-crs": "EPSG:27700"}, 400, "bbox-crs"),
        (ITEMS, {"datetime": "2024-13-01"}, 400, "datetime"),
        (ITEMS, {"datetime": "2025-01-01/2024-01-01"}, 400, "datetime"),
        (ITEMS, {"filter": "name = = 'x'"}, 400, "position 8"),
        (ITEMS, {"filter": "colour = 'red'"}, 400, "colour"),
        (ITEMS, {"filter": "age_min = 'young'"}, 400, "age_min"),
        (ITEMS, {"filter": "start_date > 5"}, 400, "start_date"),
        (ITEMS, {"filter": "status = 'paused'"}, 400, "paused"),
        (ITEMS, {"filter": "T_AFTER(start_date, DATE('2024-01-01'))"}, 400, "T_AFTER"),
        (
            ITEMS,
            {"filter": "S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))"},
            400,
            "not valid",
        ),
        (ITEMS, {"filter": f"S_INTERSECTS(geometry, {HUGE})"}, 400, "vertices"),
        (ITEMS, {"filter": "S_INTERSECTS(geometry, POINT(500 10))"}, 400, "CRS84"),
        (ITEMS, {"filter": "{bad json", "filter-lang": "cql2-json"}, 400, "filter"),
        (ITEMS, {"filter": "S_INTERSECTS(geometry, POINT EMPTY)"}, 400, "filter"),
        (ITEMS, {"filter": "name = 'a\x00b'"}, 400, "NUL"),
        (ITEMS, {"filter-lang": "cql2-xml", "filter": "id = 1"}, 400, "filter-lang"),
        (ITEMS, {"target_group": "teenagers"}, 400, "target_group"),
        (ITEMS, {"colour": "red"}, 400, "colour"),
        (ITEMS, {"f": "xml"}, 400, "json, html"),
        (LA_ITEMS, {"filter": "intervention_count > 'many'"}, 400, "intervention_count"),
        ("/ogc/collections", {"limit": "10"}, 400, "limit"),
    ],
)
def test_bad_input_is_a_problem_naming_the_parameter(
    geo_client: TestClient, path: str, params: dict[str, str], status: int, named: str
) -> None:
    response = geo_client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    valid(body, "exception")
    assert body["status"] == status
    assert named in body["detail"], body["detail"]


def test_the_json_api_keeps_its_own_error_shape(geo_client: TestClient) -> None:
    response = geo_client.get("/api/v1/interventions", params={"limit": "0"})
    assert response.status_code == 422
    assert "error" in response.json()


@pytest.mark.parametrize("path", ["/ogc", "/ogc/collections/local-authorities/items"])
def test_a_repeated_parameter_is_a_problem_too(geo_client: TestClient, path: str) -> None:
    """Refused before routing (`ReadRepeatsGuard`), yet in the shape of the path it was sent to."""
    response = geo_client.get(f"{path}?f=json&f=html")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["invalid-params"][0]["name"] == "f"
    api = geo_client.get("/api/v1/interventions?bbox=-2,53,-1,54&bbox=-3,53,-1,54")
    assert api.status_code == 422
    assert api.json()["error"]["details"][0]["field"] == "bbox"


def test_a_repeated_parameter_on_a_tile_route_is_its_400(geo_client: TestClient) -> None:
    """The tile routes answer bad input 400 in neetmap's shape, a repeat included."""
    response = geo_client.get("/ogc/tiles/WebMercatorQuad?f=json&f=html")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "f"
