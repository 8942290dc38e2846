"""Items: the JSON API's filters, bbox, datetime and CQL2 through the one filter object, and
paging that returns each feature once."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.ogc.conftest import BRADFORD, CAMDEN, CORNWALL, LEEDS
from tests.api.ogc.test_documents import valid

ITEMS = "/ogc/collections/{}/items"


def walk(client: TestClient, collection: str, **params: Any) -> tuple[list[Any], int]:
    """Every feature, page by page through the `next` links; and numberMatched."""
    url: str | None = ITEMS.format(collection)
    seen: list[Any] = []
    matched = -1
    query: dict[str, Any] | None = params
    while url:
        response = client.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        valid(body, "featureCollectionGeoJSON")
        assert body["numberReturned"] == len(body["features"])
        matched = body["numberMatched"]
        seen.extend(f["id"] for f in body["features"])
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        query = None
    return seen, matched


def json_api_ids(client: TestClient, **params: Any) -> list[int]:
    body = client.get("/api/v1/interventions", params={"limit": 500, **params}).json()
    return sorted(item["id"] for item in body["items"])


@pytest.mark.parametrize(
    ("collection", "params"),
    [
        ("local-authorities", {"limit": 7}),
        ("local-authorities", {"limit": 5, "bbox": "-2.5,53,-1,54.5", "target_group": "send"}),
        ("regions", {"limit": 2}),
        ("interventions", {"limit": 3}),
        ("interventions", {"limit": 2, "target_group": "send,neet", "bbox": "-2.5,53,-1,54.5"}),
        ("interventions", {"limit": 4, "filter": "status <> 'ended'"}),
    ],
)
def test_paging_returns_each_feature_once(
    geo_client: TestClient, published: dict[str, int], collection: str, params: dict[str, Any]
) -> None:
    params = dict(params)  # shared by both backends' runs
    limit = params.pop("limit")
    whole, matched = walk(geo_client, collection, limit=1000, **params)
    paged, _ = walk(geo_client, collection, limit=limit, **params)
    assert paged == whole
    assert len(set(paged)) == len(paged) == matched
    assert matched > limit  # more than one page was walked


def test_last_page_has_prev_and_no_next(geo_client: TestClient, published: dict[str, int]) -> None:
    body = geo_client.get(ITEMS.format("regions"), params={"limit": 4, "offset": 8}).json()
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "alternate", "prev"} <= rels
    assert "next" not in rels
    assert body["numberReturned"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"target_group": "send"},
        {"target_group": "send,neet", "all_of": "target_group"},
        {"status": "Active"},
        {"la": "Leeds"},
        {"region": "London"},
        {"bbox": "-1.6,53.75,-1.5,53.85"},
        {"age": 15},
        {"q": "mentoring"},
    ],
)
def test_typology_filters_select_what_the_json_api_does(
    geo_client: TestClient, published: dict[str, int], params: dict[str, Any]
) -> None:
    ogc, matched = walk(geo_client, "interventions", **params)
    assert sorted(ogc) == json_api_ids(geo_client, **params)
    assert matched == len(ogc)


def test_la_counts_follow_the_filters_as_the_areas_layer(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    params = {"target_group": "send"}
    body = geo_client.get(
        ITEMS.format("local-authorities"), params={"limit": 1000, **params}
    ).json()
    ours = {f["id"]: f["properties"]["intervention_count"] for f in body["features"]}
    layer = geo_client.get("/api/v1/areas", params={"geometry": "none", **params}).json()
    theirs = {
        f["properties"]["code"]: f["properties"]["intervention_count"] for f in layer["features"]
    }
    assert ours == theirs
    assert ours[LEEDS] >= 2
    assert ours[BRADFORD] >= 1


@pytest.mark.parametrize(
    ("datetime", "inside", "outside"),
    [
        ("2022-06-01", ["west_yorkshire"], ["leeds_send", "camden_open"]),
        ("2024-06-01/..", ["leeds_send", "camden_open"], ["west_yorkshire"]),
        ("../2021-06-01", ["west_yorkshire"], ["leeds_send"]),
        (
            "2019-01-01T00:00:00Z/2020-12-31T23:59:59Z",
            [],
            ["west_yorkshire", "leeds_send", "camden_open"],
        ),
    ],
)
def test_datetime_matches_records_running_then(
    geo_client: TestClient,
    published: dict[str, int],
    datetime: str,
    inside: list[str],
    outside: list[str],
) -> None:
    ids, _ = walk(geo_client, "interventions", datetime=datetime)
    assert all(published[name] in ids for name in inside)
    assert not any(published[name] in ids for name in outside)


def test_camden_started_2024_is_not_running_in_2022(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    ids, _ = walk(geo_client, "interventions", datetime="2022-06-01")
    assert published["camden_open"] not in ids


@pytest.mark.parametrize(
    ("cql", "json_api"),
    [
        ("target_group = 'send'", {"target_group": "send"}),
        (
            "A_OVERLAPS(target_group, ('send', 'care_experienced'))",
            {"target_group": "send,care_experienced"},
        ),
        (
            "A_CONTAINS(target_group, ('send', 'neet'))",
            {"target_group": "send,neet", "all_of": "target_group"},
        ),
        (f"la_code IN ('{LEEDS}', '{CAMDEN}')", {"la": f"{LEEDS},{CAMDEN}"}),
        (
            "S_INTERSECTS(geometry, BBOX(-1.6, 53.75, -1.5, 53.85))",
            {"bbox": "-1.6,53.75,-1.5,53.85"},
        ),
        (
            "status IN ('active') AND age_min <= 15 AND age_max >= 15",
            {"status": "active", "age": 15},
        ),
    ],
)
def test_cql2_gives_the_ids_of_the_equivalent_json_api_filter(
    geo_client: TestClient, published: dict[str, int], cql: str, json_api: dict[str, str]
) -> None:
    ids, _ = walk(geo_client, "interventions", filter=cql)
    expected = json_api_ids(geo_client, **json_api)
    if "age" in json_api:  # the JSON API's age also reads age bands; the CQL asks ages only
        assert set(ids) <= set(expected)
        assert published["leeds_send"] in ids
    else:
        assert sorted(ids) == expected


def test_cql2_operators(geo_client: TestClient, published: dict[str, int]) -> None:
    def ids(cql: str) -> set[int]:
        return set(walk(geo_client, "interventions", filter=cql)[0])

    assert ids("name LIKE 'Leeds%'") == {published["leeds_send"]}
    assert published["leeds_send"] not in ids("name LIKE 'leeds%'")  # LIKE is case-sensitive
    assert published["west_yorkshire"] in ids(
        "start_date BETWEEN DATE('2020-06-01') AND DATE('2021-06-01')"
    )
    assert published["cornwall_venue"] in ids("start_date IS NULL")
    assert ids("NOT (start_date IS NULL) AND end_date IS NULL") >= {published["camden_open"]}
    assert ids("A_CONTAINEDBY(target_group, ('send', 'neet'))") >= {
        published["leeds_send"],
        published["west_yorkshire"],
    }
    assert published["cornwall_venue"] not in ids("A_CONTAINEDBY(target_group, ('send', 'neet'))")
    assert ids("A_EQUALS(target_group, ('send'))") >= {published["west_yorkshire"]}
    assert published["leeds_send"] not in ids("A_EQUALS(target_group, ('send'))")
    both = ids("target_group = 'send' OR la_code = 'E06000052'")
    assert {published["leeds_send"], published["cornwall_venue"]} <= both


def test_s_intersects_reaches_venues_and_polygons(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    truro = "S_INTERSECTS(geometry, POLYGON((-5.06 50.26, -5.04 50.26, -5.04 50.27, -5.06 50.27, -5.06 50.26)))"
    found = set(walk(geo_client, "interventions", filter=truro)[0])
    assert published["cornwall_venue"] in found
    las, _ = walk(geo_client, "local-authorities", filter=truro)
    assert las == [CORNWALL]


def test_area_collections_filter_on_their_own_properties(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    yorkshire, _ = walk(
        geo_client, "local-authorities", filter="region_name = 'Yorkshire and The Humber'"
    )
    assert LEEDS in yorkshire
    assert len(yorkshire) == 15
    point, _ = walk(
        geo_client, "local-authorities", filter="S_INTERSECTS(geometry, POINT(-1.5491 53.8008))"
    )
    assert point == [LEEDS]
    busy, _ = walk(
        geo_client, "local-authorities", filter="intervention_count >= 1", target_group="send"
    )
    layer = geo_client.get("/api/v1/areas", params={"geometry": "none", "target_group": "send"})
    counted = {
        f["properties"]["code"]
        for f in layer.json()["features"]
        if f["properties"]["intervention_count"]
    }
    assert set(busy) == counted
    assert {LEEDS, BRADFORD} <= counted
    regions, _ = walk(geo_client, "regions", filter="name LIKE '%London%'")
    assert regions == ["E12000007"]


def test_features_carry_geometry_and_the_public_shape(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    one = geo_client.get(ITEMS.format("interventions") + f"/{published['west_yorkshire']}")
    assert one.headers["content-type"].startswith("application/geo+json")
    body = one.json()
    valid(body, "featureGeoJSON")
    assert body["geometry"]["type"] == "MultiPolygon"
    assert {la["code"] for la in body["properties"]["areas"]} == {LEEDS, BRADFORD}
    assert (
        geo_client.get(ITEMS.format("interventions") + f"/{published['draft']}").status_code == 404
    )
    leeds = geo_client.get(ITEMS.format("local-authorities") + f"/{LEEDS}").json()
    valid(leeds, "featureGeoJSON")
    assert leeds["properties"]["name"] == "Leeds"


def test_pages_are_cached_until_the_data_changes(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    from sqlmodel import Session

    url = ITEMS.format("local-authorities")
    first = geo_client.get(url, params={"limit": 200, "target_group": "care_experienced"})
    again = geo_client.get(
        url,
        params={"limit": 200, "target_group": "care_experienced"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    from tests.api.ogc.conftest import add

    engine = geo_client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        add(session, "New Leeds care leavers", [LEEDS], target_group=["care_experienced"])
    after = geo_client.get(url, params={"limit": 200, "target_group": "care_experienced"})
    leeds = next(f for f in after.json()["features"] if f["id"] == LEEDS)
    before = next(f for f in first.json()["features"] if f["id"] == LEEDS)
    assert (
        leeds["properties"]["intervention_count"] == before["properties"]["intervention_count"] + 1
    )


def test_a_repeated_page_is_the_same_answer_from_the_fast_path(
    geo_client: TestClient, published: dict[str, int]
) -> None:
    url = ITEMS.format("interventions")
    params = {"filter": "target_group = 'send'", "limit": 2}
    first = geo_client.get(url, params=params, headers={"Accept-Encoding": "gzip"})
    second = geo_client.get(url, params=params, headers={"Accept-Encoding": "gzip"})
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-crs"] == first.headers["content-crs"]
    assert second.headers["cache-control"].startswith("public")
    plain = geo_client.get(url, params=params, headers={"Accept-Encoding": "identity"})
    assert plain.content == first.content
    assert "content-encoding" not in plain.headers
    head = geo_client.head(url, params=params)
    assert head.status_code == 200
    assert head.content == b""
    html = geo_client.get(url, params={**params, "f": "html"})
    assert html.headers["content-type"].startswith("text/html")
    bad = geo_client.get(url, params={**params, "f": "xml"})
    assert bad.status_code == 400
