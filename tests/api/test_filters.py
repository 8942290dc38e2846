"""Filter values as people type them: any case, LA names with commas, sort orders, and errors
that say where the bad value was."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas

LIST = "/api/v1/interventions"
LEEDS, SEFTON = "E08000035", "E08000014"
BRISTOL, HULL, HEREFORDSHIRE, BCP = "E06000023", "E06000010", "E06000019", "E06000058"


def _add(session: Session, name: str, las: list[str], **fields: Any) -> int:
    draft = InterventionDraft.model_validate({"name": name, "la_codes": las, **fields})
    row = create_intervention(session, draft, ensure_areas(session, las), state="published")
    session.commit()
    assert row.id is not None
    return row.id


def _ids(client: TestClient, **params: Any) -> list[int]:
    response = client.get(LIST, params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("value", ["active", "ACTIVE", "Active", " active ", "active,ACTIVE"])
def test_status_is_read_in_any_case(client: TestClient, session: Session, value: str) -> None:
    active = _add(session, "Running", [LEEDS], status="active")
    _add(session, "Later", [LEEDS], status="planned")
    assert _ids(client, status=value) == [active]


def test_status_in_any_case_counts_on_the_map_and_in_stats(
    geo_client: TestClient, session: Session
) -> None:
    _add(session, "Running", [LEEDS], status="active")
    _add(session, "Later", [LEEDS], status="planned")
    layer = geo_client.get("/api/v1/areas", params={"status": "ACTIVE", "geometry": "none"})
    counts = {f["id"]: f["properties"]["intervention_count"] for f in layer.json()["features"]}
    assert counts[LEEDS] == 1
    stats = geo_client.get("/api/v1/stats", params={"group_by": "status", "status": "Active"})
    assert stats.json()["total"] == 1


def test_a_wrong_status_is_still_a_422(client: TestClient) -> None:
    response = client.get(LIST, params={"status": "foo"})
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == "status"
    assert detail["location"] == "query"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"target_group": "nobody"}, "target_group"),
        ({"all_of": "status"}, "all_of"),
        ({"la": "Atlantis"}, "la"),
        ({"region": "Wessex"}, "region"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"lat": "53.8"}, "lon"),
        ({"q": "a\x01b"}, "q"),
        ({"limit": "x"}, "limit"),
    ],
)
def test_every_query_parameter_problem_says_it_is_in_the_query(
    geo_client: TestClient, params: dict[str, str], field: str
) -> None:
    response = geo_client.get(LIST, params=params)
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [(d["field"], d["location"]) for d in details] == [(field, "query")]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Bristol, City of", BRISTOL),
        ("Kingston upon Hull, City of", HULL),
        ("Herefordshire, County of", HEREFORDSHIRE),
        ("Bournemouth, Christchurch and Poole", BCP),
    ],
)
def test_la_names_with_a_comma_are_read_whole(
    geo_client: TestClient, session: Session, value: str, code: str
) -> None:
    wanted = _add(session, "There", [code])
    leeds = _add(session, "Leeds", [LEEDS])
    _add(session, "Sefton", [SEFTON])
    assert _ids(geo_client, la=value) == [wanted]
    assert _ids(geo_client, la=f"Leeds,{value}") == [wanted, leeds]
    assert _ids(geo_client, la=f"{value},Leeds") == [wanted, leeds]
    assert _ids(geo_client, la=f"{value},E08000035") == [wanted, leeds]
    assert _ids(geo_client, la=[value, "Leeds"]) == [wanted, leeds]


def test_a_list_of_plain_names_still_splits(geo_client: TestClient, session: Session) -> None:
    leeds, sefton = _add(session, "Leeds", [LEEDS]), _add(session, "Sefton", [SEFTON])
    assert _ids(geo_client, la="Leeds,Sefton") == [leeds, sefton]
    assert _ids(geo_client, la="Leeds, Sefton") == [leeds, sefton]
    assert _ids(geo_client, la="Sefton,Leeds, City of") == [leeds, sefton]
    response = geo_client.get(LIST, params={"la": "Leeds,Nowhere, City of"})
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert "'Nowhere, City of'" in detail["message"]


@pytest.mark.parametrize(
    "params",
    [{"lat": "48.85", "lon": "2.35"}, {"bbox": "2.2,48.8,2.4,48.9"}],
)
def test_a_place_outside_england_matches_nothing_and_says_why(
    geo_client: TestClient, session: Session, params: dict[str, str]
) -> None:
    _add(session, "Leeds", [LEEDS])
    body = geo_client.get(LIST, params=params).json()
    assert body["total"] == 0
    (warning,) = body["warnings"]
    assert "no intervention matches" in warning


def test_sort_orders_with_ties_broken_on_id(client: TestClient, session: Session) -> None:
    early = _add(session, "B", [LEEDS], status="ended", start_date=date(2020, 1, 1))
    undated = _add(session, "A", [LEEDS], status="active")
    late = _add(session, "C", [LEEDS], status="active", start_date=date(2024, 1, 1))
    tie = _add(session, "D", [LEEDS], status="active", start_date=date(2024, 1, 1))
    assert _ids(client, sort="-id") == [tie, late, undated, early]
    assert _ids(client, sort="start_date") == [early, late, tie, undated]
    assert _ids(client, sort="-start_date") == [tie, late, early, undated]
    assert _ids(client, sort="status") == [undated, late, tie, early]
    assert _ids(client, sort="-status") == [early, tie, late, undated]
    response = client.get(LIST, params={"sort": "-colour"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "sort"


def test_research_parameter_problems_are_in_the_query_too(client: TestClient) -> None:
    response = client.get("/api/v1/stats", params={"group_by": "colour"})
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert (detail["field"], detail["location"]) == ("group_by", "query")


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("ÉCOLE", ["ÉCOLE pilote"]),
        ("école", ["ÉCOLE pilote"]),
        ("éCOLE PILOTE", ["ÉCOLE pilote"]),
        ("ÇA", ["Ça va"]),
        ("people's", ["Young people’s hub", "People's club"]),
        ("PEOPLE’S", ["Young people’s hub", "People's club"]),
        ("Οδοσ", ["ΟΔΟΣ"]),
        ("οδος", ["ΟΔΟΣ"]),
        ("STRASSE", ["Straße club"]),
        ("straße", ["Straße club"]),
        ("50%", []),
        ("_", []),
    ],
)
def test_free_text_ignores_case_in_every_alphabet_and_curly_apostrophes(
    client: TestClient, session: Session, q: str, names: list[str]
) -> None:
    for name in (
        "ÉCOLE pilote",
        "Ça va",
        "Young people’s hub",
        "People's club",
        "ΟΔΟΣ",
        "Straße club",
    ):
        _add(session, name, [LEEDS])
    body = client.get(LIST, params={"q": q}).json()
    assert sorted(item["name"] for item in body["items"]) == sorted(names)


def test_fold_text_is_postgresql_lower_with_straight_apostrophes() -> None:
    from models.text.fold import fold_text

    assert fold_text("ÉCOLE İSTANBUL ΟΔΟΣ People’s ‘x’") == "école istanbul οδοσ people's 'x'"
    assert fold_text("PLAIN ascii") == "plain ascii"
    assert fold_text("Straße ὁδός") == fold_text("STRASSE ὉΔΌΣ") == "strasse ὁδόσ"
    assert fold_text(None) is None


def test_age_matches_stated_ages_else_bands_and_never_a_record_silent_on_age(
    client: TestClient, session: Session
) -> None:
    aged = _add(session, "Sixteen to eighteen", [LEEDS], age_min=16, age_max=18)
    banded = _add(session, "Post-16 band", [LEEDS], age_band=["16_18"])
    _add(session, "Says nothing of age", [LEEDS])
    _add(session, "Younger", [LEEDS], age_min=11, age_max=13)
    assert _ids(client, age=17) == [aged, banded]
    assert _ids(client, age=18) == [aged]
    assert _ids(client, age=30) == []


def test_more_words_than_are_searched_is_a_422_not_a_silent_cut(
    client: TestClient, session: Session
) -> None:
    _add(session, "Young people support service", [LEEDS])
    words = "young people support service " * 2 + "and more zzz"
    response = client.get(LIST, params={"q": words})
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == "q"
    assert "has 11 words" in detail["message"]
    assert _ids(client, q="young people support service young people support service") != []


def test_blank_parameters_of_a_read_mean_not_given(
    geo_client: TestClient, session: Session
) -> None:
    """As a search form sends them: typed fields (dates, sort, format) too, not only text."""
    ids = [_add(session, name, [LEEDS]) for name in ("One", "Two")]
    blank = "q=&active_on=&updated_since=&sort=&format=&target_group=&age=+&la="
    response = geo_client.get(f"{LIST}?{blank}&limit=500")
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == ids
    first = geo_client.get(f"{LIST}?{blank}&limit=1").json()["links"]["next"]
    assert first is not None  # a page link exists, so what it carries is tested
    assert "active_on" not in first
    layer = geo_client.get("/api/v1/areas?level=&geometry=none&precision=")
    assert layer.status_code == 200, layer.text
    assert layer.json()["features"][0]["properties"]["level"] == "la"
    assert geo_client.get(f"{LIST}?active_on=yesterday").status_code == 422  # filled and wrong


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (f"{LIST}?bbox=-0.2,51.4,-0.1,51.6&bbox=0,0,0,0", "bbox"),
        ("/api/v1/areas/at?lat=51.53&lon=-0.14&lat=53", "lat"),
        ("/api/v1/areas?level=la&level=region", "level"),
        (f"{LIST}?limit=5&limit=1", "limit"),
    ],
)
def test_a_single_valued_read_parameter_repeated_differently_is_a_422(
    geo_client: TestClient, url: str, name: str
) -> None:
    response = geo_client.get(url)
    assert response.status_code == 422, response.text
    (detail,) = response.json()["error"]["details"]
    assert (detail["field"], detail["location"]) == (name, "query")
    assert "given twice with different values" in detail["message"]


def test_list_parameters_may_repeat_and_the_same_value_twice_is_fine(
    geo_client: TestClient, session: Session
) -> None:
    leeds, sefton = _add(session, "L", [LEEDS]), _add(session, "S", [SEFTON])
    assert _ids(geo_client, la=[LEEDS, SEFTON], limit=[5, 5]) == [leeds, sefton]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"lat": "NaN", "lon": "0"}, "lat", "must be a finite number"),
        ({"limit": "abc"}, "limit", "must be a whole number"),
        ({"active_on": "2025-01-01T10:00:00"}, "active_on", "without a time"),
        ({"format": "kml"}, "format", "must be one of 'json', 'geojson' or 'csv'"),
    ],
)
def test_query_errors_are_in_plain_words(
    client: TestClient, params: dict[str, str], field: str, words: str
) -> None:
    response = client.get(LIST, params=params)
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert (detail["field"], detail["location"]) == (field, "query")
    assert words in detail["message"]
    assert "Input should" not in response.text
