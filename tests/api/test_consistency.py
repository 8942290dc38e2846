"""List, map and counts agree, under the same filters, with the counting rule.

The rule: an intervention serving several LAs counts once in a list total, once in each LA it
serves and once in each region it serves. Unpublished records count nowhere.
"""

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas

LEEDS, CALDERDALE, SEFTON, CAMDEN = "E08000035", "E08000033", "E08000014", "E09000007"
YORKSHIRE = "E12000003"
FILTERS = [
    {},
    {"target_group": "send"},
    {"target_group": "neet,send", "all_of": "target_group"},
    {"q": "mentoring"},
    {"funding_source": "ukspf", "age": "17"},
    {"region": YORKSHIRE},
    {"la": "Leeds"},
    {"bbox": "-1.6,53.7,-1.5,53.9"},  # a view of Leeds: the LAs it touches
]


def _add(
    session: Session, name: str, las: list[str], state: str = "published", **fields: Any
) -> None:
    draft = InterventionDraft.model_validate({"name": name, "la_codes": las, **fields})
    create_intervention(session, draft, ensure_areas(session, las), state=state)
    session.commit()


@pytest.fixture
def dataset(session: Session) -> None:
    _add(
        session,
        "Yorkshire mentoring",
        [LEEDS, CALDERDALE],
        target_group=["send"],
        funding_source=["ukspf"],
        age_min=16,
        age_max=18,
    )
    _add(session, "Across regions", [LEEDS, SEFTON], target_group=["neet", "send"])
    _add(session, "Camden mentoring", [CAMDEN], target_group=["neet"], funding_source=["ukspf"])
    _add(session, "Sefton tracking", [SEFTON], target_group=["at_risk"], age_min=14, age_max=15)
    _add(session, "Draft", [LEEDS, CAMDEN], state="submitted", target_group=["send", "neet"])
    _add(session, "Withdrawn", [CALDERDALE], state="withdrawn", target_group=["send"])


def _items(client: TestClient, params: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/interventions", params={**params, "limit": 500})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return list(body["items"])


def _area_counts(client: TestClient, level: str, params: dict[str, str]) -> dict[str, int]:
    response = client.get("/api/v1/areas", params={**params, "level": level, "geometry": "none"})
    assert response.status_code == 200, response.text
    return {f["id"]: f["properties"]["intervention_count"] for f in response.json()["features"]}


@pytest.mark.parametrize("params", FILTERS)
def test_list_areas_and_stats_follow_the_counting_rule(
    geo_client: TestClient, dataset: None, params: dict[str, str]
) -> None:
    items = _items(geo_client, params)
    la_counts = _area_counts(geo_client, "la", params)
    region_counts = _area_counts(geo_client, "region", params)
    region_of = {
        f["id"]: f["properties"]["region_code"]
        for f in geo_client.get("/api/v1/areas", params={"geometry": "none"}).json()["features"]
    }

    # A place filter lists only the LAs inside it and their regions, on every area answer.
    inside = set(region_of)
    if "la" in params:
        inside = {LEEDS}
    if "region" in params:
        inside = {code for code, region in region_of.items() if region == params["region"]}
    if "bbox" in params:
        inside = set(la_counts)
        assert LEEDS in inside
        assert SEFTON not in inside
    regions_inside = {region_of[code] for code in inside}
    assert set(la_counts) == inside
    assert set(region_counts) == regions_inside

    expected_la = Counter(
        area["code"] for item in items for area in item["areas"] if area["code"] in inside
    )
    expected_region = Counter(
        region
        for item in items
        for region in {region_of[a["code"]] for a in item["areas"]}
        if region in regions_inside
    )
    assert {code: n for code, n in la_counts.items() if n} == dict(expected_la)
    assert {code: n for code, n in region_counts.items() if n} == dict(expected_region)

    # The same count again as a list total: the filters plus "serves this area" (a parameter
    # already in use would be replaced rather than combined, so that case is left out).
    for code in {LEEDS, CALDERDALE, SEFTON, CAMDEN} & inside if "la" not in params else ():
        assert la_counts[code] == len(_items(geo_client, {**params, "la": code})), code
    regions = {region_of[c] for c in (LEEDS, SEFTON, CAMDEN)} & regions_inside
    for code in regions if "region" not in params else ():
        assert region_counts[code] == len(_items(geo_client, {**params, "region": code})), code

    # /stats and /coverage count the same and list the same areas.
    for level, counts in (("la", la_counts), ("region", region_counts)):
        stats = geo_client.get("/api/v1/stats", params={**params, "group_by": level}).json()
        assert stats["total"] == len(items)
        assert {row[level]: row["count"] for row in stats["rows"]} == counts
    coverage = geo_client.get("/api/v1/coverage", params=params).json()
    assert {item["code"]: item["count"] for item in coverage["items"]} == la_counts


def test_unpublished_records_count_nowhere(geo_client: TestClient, dataset: None) -> None:
    names = {item["name"] for item in _items(geo_client, {})}
    assert names.isdisjoint({"Draft", "Withdrawn"})
    assert _area_counts(geo_client, "la", {})[CAMDEN] == 1
    assert _area_counts(geo_client, "region", {})[YORKSHIRE] == 2
