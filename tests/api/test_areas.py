"""The areas API: choropleth layers, one area, point lookups, and the code crosswalk."""

import math
from pathlib import Path
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import MultiPolygon, shape
from sqlmodel import Session

from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas

LEEDS = {"lat": 53.8008, "lon": -1.5491}


def _add(
    session: Session, name: str, las: list[str], state: str = "published", **fields: Any
) -> int:
    draft = InterventionDraft.model_validate({"name": name, "la_codes": las, **fields})
    row = create_intervention(session, draft, ensure_areas(session, las), state=state)
    session.commit()
    assert row.id is not None
    return row.id


def _counts(client: TestClient, **params: str) -> dict[str, int]:
    response = client.get("/api/v1/areas", params={"geometry": "none", **params})
    assert response.status_code == 200, response.text
    return {
        f["properties"]["code"]: f["properties"]["intervention_count"]
        for f in response.json()["features"]
    }


def test_la_layer_is_rfc7946_geojson(geo_client: TestClient) -> None:
    response = geo_client.get("/api/v1/areas", params={"level": "la"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 153
    camden = next(f for f in body["features"] if f["properties"]["code"] == "E09000007")
    assert camden["properties"]["region_name"] == "London"
    geom = shape(camden["geometry"])
    assert geom.is_valid
    lon, lat = geom.representative_point().coords[0]
    assert -0.3 < lon < 0.0
    assert 51.4 < lat < 51.6
    for polygon in geom.geoms:
        assert shapely.is_ccw(polygon.exterior)
    coords = shapely.get_coordinates(geom).ravel()
    assert all(math.isclose(c, round(c, 5), abs_tol=1e-9) for c in coords)


def test_region_layer(geo_client: TestClient) -> None:
    body = geo_client.get(
        "/api/v1/areas", params={"level": "region", "geometry": "simplified"}
    ).json()
    assert len(body["features"]) == 9
    assert {f["properties"]["type"] for f in body["features"]} == {"region"}


def test_counts_follow_the_filters_and_the_counting_rule(
    geo_client: TestClient, session: Session
) -> None:
    _add(session, "Both LAs", ["E08000035", "E08000033"], target_group=["send"])
    _add(session, "Sefton only", ["E08000014"], target_group=["neet"])
    _add(session, "Hidden", ["E08000035"], state="submitted", target_group=["send"])
    la = _counts(geo_client, level="la")
    assert la["E08000035"] == 1
    assert la["E08000033"] == 1
    assert la["E08000014"] == 1
    assert la["E09000007"] == 0
    assert sum(la.values()) == 3
    regions = _counts(geo_client, level="region")
    assert regions["E12000003"] == 1  # Yorkshire: once, though it serves two of its LAs
    assert regions["E12000002"] == 1
    send = _counts(geo_client, level="la", target_group="send")
    assert send["E08000014"] == 0
    assert send["E08000035"] == 1
    total = geo_client.get("/api/v1/interventions", params={"target_group": "send"}).json()["total"]
    assert total == 1


def test_one_area_by_any_code_form(geo_client: TestClient, session: Session) -> None:
    _add(session, "Camden thing", ["E09000007"])
    for form in ("E09000007", "202", "camden", "CAMDEN"):
        response = geo_client.get(f"/api/v1/areas/{form}", params={"geometry": "none"})
        assert response.status_code == 200, form
        props = response.json()["properties"]
        assert props["code"] == "E09000007"
        assert props["intervention_count"] == 1
        assert props["interventions"][0]["name"] == "Camden thing"
    region = geo_client.get("/api/v1/areas/London", params={"geometry": "none"}).json()
    assert region["properties"]["code"] == "E12000007"
    assert region["properties"]["intervention_count"] == 1


def test_superseded_and_ambiguous_codes(geo_client: TestClient) -> None:
    somerset = geo_client.get("/api/v1/areas/E10000027", params={"geometry": "none"}).json()
    assert somerset["properties"]["code"] == "E06000066"
    assert somerset["properties"]["resolved_from"]["warning"]
    cumbria = geo_client.get("/api/v1/areas/E10000006")
    assert cumbria.status_code == 409
    assert "E06000063" in cumbria.json()["error"]["message"]
    assert geo_client.get("/api/v1/areas/E99999999").status_code == 404


@pytest.mark.parametrize("form", ["E10000006", "Cumbria", "909"])
def test_ambiguous_area_lists_the_candidates(geo_client: TestClient, form: str) -> None:
    response = geo_client.get(f"/api/v1/areas/{form}", params={"geometry": "none"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "ambiguous_area"
    assert [(d["field"], d["message"]) for d in error["details"]] == [
        ("code", "E06000063 Cumberland"),
        ("code", "E06000064 Westmorland and Furness"),
    ]


def test_a_code_newer_than_the_boundaries_is_not_called_superseded(
    geo_client: TestClient,
) -> None:
    barnsley = geo_client.get("/api/v1/areas/E08000038", params={"geometry": "none"}).json()
    resolved = barnsley["properties"]["resolved_from"]
    assert barnsley["properties"]["code"] == "E08000016"
    assert resolved["from"] == "newer_gss"
    assert "newer than the loaded boundaries" in resolved["warning"]
    somerset = geo_client.get("/api/v1/areas/E10000027", params={"geometry": "none"}).json()
    assert somerset["properties"]["resolved_from"]["from"] == "superseded_gss"


def test_point_lookup(geo_client: TestClient) -> None:
    body = geo_client.get("/api/v1/areas/at", params=LEEDS).json()
    assert body["la"]["code"] == "E08000035"
    assert body["region"]["code"] == "E12000003"
    sea = geo_client.get("/api/v1/areas/at", params={"lat": 54.5, "lon": 2.0})
    assert sea.status_code == 404
    assert "not inside any English" in sea.json()["error"]["message"]
    for bad in (
        {"lat": 91, "lon": 0},
        {"lat": 52, "lon": 181},
        {"lat": "x", "lon": 0},
        {"lat": 52},
    ):
        response = geo_client.get("/api/v1/areas/at", params=bad)
        assert response.status_code == 422, bad


def test_place_filters_on_the_list(geo_client: TestClient, session: Session) -> None:
    leeds = _add(session, "Leeds", ["E08000035"])
    camden = _add(session, "Camden", ["E09000007"])

    def ids(**params: Any) -> set[int]:
        response = geo_client.get("/api/v1/interventions", params=params)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert ids(la="383") == {leeds}
    assert ids(la="leeds,202") == {leeds, camden}
    assert ids(region="London") == {camden}
    assert ids(region="E12000003") == {leeds}
    assert ids(bbox="-1.6,53.75,-1.5,53.85") == {leeds}
    assert ids(lat=LEEDS["lat"], lon=LEEDS["lon"]) == {leeds}
    assert ids(la="leeds", region="London") == set()


@pytest.mark.parametrize(
    "bbox", ["-1,53,-1,53", "-1,53,-1,53.1", "-1.5491,53.8008,-1.5491,53.8008"]
)
def test_a_box_without_area_is_the_point_or_line_it_is(
    geo_client: TestClient, session: Session, bbox: str
) -> None:
    minlon, minlat = (float(v) for v in bbox.split(",")[:2])
    at_corner = geo_client.get("/api/v1/areas/at", params={"lat": minlat, "lon": minlon}).json()
    local = _add(session, "Local", [at_corner["la"]["code"]])
    _add(session, "Camden", ["E09000007"])
    response = geo_client.get("/api/v1/interventions", params={"bbox": bbox})
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [local]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "0,53,-1,54"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"lat": "53.8"}, "lon"),
        ({"la": "Atlantis"}, "la"),
        ({"region": "Wessex"}, "region"),
    ],
)
def test_bad_place_filters_name_the_parameter(
    geo_client: TestClient, params: dict[str, str], field: str
) -> None:
    response = geo_client.get("/api/v1/interventions", params=params)
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json()["error"]["details"]]


def test_without_boundaries_geography_is_503(
    client: TestClient, backend: str, tmp_path: Any
) -> None:
    from api.main import create_app
    from api.migrations import upgrade
    from api.settings import Settings
    from tests.conftest import discard_database, empty_database_url

    url = empty_database_url(backend, tmp_path)
    try:
        upgrade(url)
        with TestClient(create_app(Settings(database_url=url))) as bare:
            response = bare.get("/api/v1/areas")
            assert response.status_code == 503
            assert "neetmap boundaries load" in response.json()["error"]["message"]
            assert bare.get("/api/v1/interventions").status_code == 200
    finally:
        discard_database(url)


def test_a_rendered_layer_never_outlives_a_change(geo_client: TestClient, session: Session) -> None:
    before = _counts(geo_client, level="la")
    again = geo_client.get("/api/v1/areas", params={"geometry": "none", "level": "la"})
    assert (
        again.headers["etag"]
        == geo_client.get("/api/v1/areas", params={"geometry": "none", "level": "la"}).headers[
            "etag"
        ]
    )
    _add(session, "New in Sefton", ["E08000014"])
    after = _counts(geo_client, level="la")
    assert after["E08000014"] == before["E08000014"] + 1
    changed = geo_client.get("/api/v1/areas", params={"geometry": "none", "level": "la"})
    assert changed.headers["etag"] != again.headers["etag"]


def test_the_lightest_layer_leaves_out_context(geo_client: TestClient) -> None:
    body = geo_client.get("/api/v1/areas", params={"context": "false", "geometry": "none"}).json()
    assert all("context" not in f["properties"] for f in body["features"])
    assert "context_sources" not in body


def test_simplified_maps_are_the_geometry_stored_at_load(backend: str, tmp_path: Path) -> None:
    """The API serves `area.geom_simplified` as stored, not a simplification of its own."""
    from api.main import create_app
    from api.migrations import upgrade
    from api.settings import Settings
    from models.engine import create_db_engine
    from models.geography.area import Area
    from models.vintages.loading import load_boundary_inputs, read_boundary_inputs
    from tests.conftest import LA_2023_BUC, SHARED, discard_database, empty_database_url

    url = empty_database_url(backend, tmp_path)
    engine = create_db_engine(url)
    try:
        upgrade(url)
        with Session(engine) as session:
            load_boundary_inputs(session, read_boundary_inputs(SHARED / LA_2023_BUC))
            camden = session.get(Area, "E09000007")
            assert camden is not None
            stored = MultiPolygon([shapely.box(-0.2, 51.51, -0.1, 51.57)])
            camden.geom_simplified = stored
            session.add(camden)
            session.commit()
        with TestClient(create_app(Settings(database_url=url))) as client:
            params = {"geometry": "simplified"}
            served = shape(client.get("/api/v1/areas/E09000007", params=params).json()["geometry"])
            full = shape(client.get("/api/v1/areas/E09000007").json()["geometry"])
        assert served.equals(stored)
        assert not full.equals(stored)
    finally:
        engine.dispose()
        discard_database(url)


def _follow(client: TestClient, href: str) -> set[int]:
    response = client.get(href)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_interventions_href_keeps_the_filters(geo_client: TestClient, session: Session) -> None:
    send = _add(session, "SEND in Camden", ["E09000007"], target_group=["send"])
    _add(session, "NEET in Camden", ["E09000007"], target_group=["neet"])
    leeds = _add(session, "SEND in Leeds", ["E08000035"], target_group=["send"])
    params = {"geometry": "none", "target_group": "send", "precision": "3"}
    london = geo_client.get("/api/v1/areas/London", params=params).json()["properties"]
    assert london["intervention_count"] == 1
    assert "target_group=send" in london["interventions_href"]
    assert "precision" not in london["interventions_href"]
    assert _follow(geo_client, london["interventions_href"]) == {send}
    # The same kind of place filter: the area must be among those named, or nothing matches.
    named = geo_client.get(
        "/api/v1/areas/E08000035", params={"geometry": "none", "la": "leeds,camden"}
    ).json()["properties"]
    assert named["intervention_count"] == 1
    assert _follow(geo_client, named["interventions_href"]) == {leeds}
    elsewhere = geo_client.get(
        "/api/v1/areas/London", params={"geometry": "none", "region": "E12000003"}
    ).json()["properties"]
    assert elsewhere["intervention_count"] == 0
    assert elsewhere["interventions_href"] is None


def test_the_listed_interventions_say_when_they_are_cut_short(
    geo_client: TestClient, session: Session
) -> None:
    for number in range(101):
        _add(session, f"Leeds {number:03d}", ["E08000035"])
    leeds = geo_client.get("/api/v1/areas/E08000035", params={"geometry": "none"}).json()
    props = leeds["properties"]
    assert props["intervention_count"] == 101
    assert len(props["interventions"]) == 100
    assert props["interventions_truncated"] is True
    camden = geo_client.get("/api/v1/areas/E09000007", params={"geometry": "none"}).json()
    assert camden["properties"]["interventions_truncated"] is False


def test_openapi_documents_area_errors_as_json(geo_client: TestClient) -> None:
    paths = geo_client.get("/openapi.json").json()["paths"]
    for path, codes in (
        ("/api/v1/areas", (422, 503)),
        ("/api/v1/areas/{code}", (404, 409, 422, 503)),
    ):
        responses = paths[path]["get"]["responses"]
        assert list(responses["200"]["content"]) == ["application/geo+json"]
        for code in codes:
            assert list(responses[str(code)]["content"]) == ["application/json"], (path, code)
    assert geo_client.get("/api/v1/areas/Cumbria").headers["content-type"] == "application/json"
