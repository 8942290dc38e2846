"""The ORUK read API: every answer valid against the UK profile, on both backends."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.oruk.ids import NAMESPACE, service_id
from api.oruk.taxonomy import TAXONOMIES, TERMS
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas
from models.interventions.tables import Intervention
from tests.api.oruk.oruk_schema import assert_profile_response, assert_schema, profile_operation


def _published_ids(session: Session) -> set[int]:
    statement = select(Intervention.id).where(col(Intervention.publication_state) == "published")
    return {int(i) for i in session.exec(statement).all() if i is not None}


def _add(session: Session, state: str = "published", **fields: Any) -> int:
    draft = InterventionDraft.model_validate({"name": "Leeds venue mentoring", **fields})
    row = create_intervention(session, draft, ensure_areas(session, draft.la_codes), state=state)
    session.commit()
    assert row.id is not None
    return row.id


def _walk(client: TestClient, query: str, per_page: int = 4) -> list[dict[str, Any]]:
    """Every page of /oruk/services for a query, each checked against the profile."""
    items: list[dict[str, Any]] = []
    page, last = 1, False
    while not last:
        response = client.get(f"/oruk/services?{query}&page={page}&per_page={per_page}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert_profile_response(body, "/services")
        for item in body["contents"]:
            assert_schema(item, "compiled/service_list.json")
        assert body["page_number"] == page
        assert body["size"] == len(body["contents"])
        items.extend(body["contents"])
        last, page = body["last_page"], page + 1
        assert page - 1 <= max(body["total_pages"], 1)
    return items


def test_root_says_version_and_profile(client: TestClient) -> None:
    response = client.get("/oruk/")
    assert response.status_code == 200
    assert_profile_response(response.json(), "/")
    assert response.json()["version"] == "3.0"
    assert response.headers["access-control-allow-origin"] == "*"


def test_walking_every_page_gets_every_published_record_once(
    client: TestClient, seeded: Session
) -> None:
    hidden = _add(seeded, state="submitted", la_codes=["E08000035"])
    items = _walk(client, "")
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == {service_id(i) for i in _published_ids(seeded)}
    assert service_id(hidden) not in ids
    first = client.get("/oruk/services?per_page=4").json()
    assert first["total_items"] == len(ids)
    assert first["total_pages"] == -(-len(ids) // 4)


def test_every_service_is_a_valid_nested_service(geo_client: TestClient, seeded: Session) -> None:
    venue_id = _add(
        seeded,
        la_codes=["E08000035"],
        funding_source=["ukspf"],
        venues=[{"name": "Leeds hub", "lat": 53.7997, "lon": -1.5492}],
    )
    for item in _walk(geo_client, "", per_page=50):
        response = geo_client.get(f"/oruk/services/{item['id']}")
        assert response.status_code == 200
        service = response.json()
        assert_profile_response(service, "/services/{id}")
        assert_schema(service, "compiled/service.json")
        assert {k: service[k] for k in item} == item  # the list shows the same fields
        if service["id"] != service_id(venue_id):  # every sample record cites a document
            assert service["neetmap_source"]["document"]
        for area in service["service_areas"]:
            assert area["uri"].rsplit("/", 1)[1].startswith("E")
    one = geo_client.get(f"/oruk/services/{service_id(venue_id)}").json()
    assert one["service_areas"][0]["name"] == "Leeds"
    assert one["funding"][0]["source"] == "UK Shared Prosperity Fund"
    (located,) = one["service_at_locations"]
    assert located["location"]["latitude"] == pytest.approx(53.7997)


def test_services_at_locations_list_the_venues(client: TestClient, seeded: Session) -> None:
    venues = [{"name": "Hub", "lat": 53.8, "lon": -1.55}, {"name": "Van", "lat": 53.7, "lon": -1.6}]
    record = _add(seeded, la_codes=["E08000035"], venues=venues)
    _add(seeded, state="submitted", la_codes=["E08000035"], venues=venues)
    response = client.get("/oruk/service_at_locations?per_page=1")
    body = response.json()
    assert_profile_response(body, "/service_at_locations")
    assert body["total_items"] == 2  # the unpublished record's venues are not there
    assert_schema(body["contents"][0], "compiled/service_at_location_list.json")
    assert body["contents"][0]["service"]["id"] == service_id(record)
    one = client.get(f"/oruk/service_at_locations/{body['contents'][0]['id']}")
    assert one.status_code == 200
    assert one.json() == body["contents"][0]


def test_taxonomies_are_the_typology(client: TestClient) -> None:
    typology = client.get("/api/v1/typology").json()["dimensions"]
    body = client.get("/oruk/taxonomies").json()
    assert_profile_response(body, "/taxonomies")
    assert {t["name"].removeprefix("neetmap ") for t in body["contents"]} == {
        d.replace("_", " ") for d in typology
    }
    for taxonomy in body["contents"]:
        one = client.get(f"/oruk/taxonomies/{taxonomy['id']}").json()
        assert_profile_response(one, "/taxonomies/{id}")
        assert_schema(one, "taxonomy.json")
    terms: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get(f"/oruk/taxonomy_terms?page={page}&per_page=20").json()
        assert_profile_response(body, "/taxonomy_terms")
        terms += body["contents"]
        if body["last_page"]:
            break
        page += 1
    served = {(t["taxonomy"], t["term"]): (t["name"], t["description"]) for t in terms}
    expected = {
        (f"neetmap {d.replace('_', ' ')}", t["slug"]): (t["label"], t["description"])
        for d, values in typology.items()
        for t in values
    }
    assert served == expected
    one = client.get(f"/oruk/taxonomy_terms/{terms[0]['id']}").json()
    assert_profile_response(one, "/taxonomy_terms/{id}")
    assert_schema(one, "taxonomy_term.json")


def _json_api_ids(client: TestClient, query: str) -> set[str]:
    body = client.get(f"/api/v1/interventions?{query}&limit=500").json()
    return {service_id(item["id"]) for item in body["items"]}


def test_a_term_filter_gives_the_json_api_filter_records(
    client: TestClient, seeded: Session
) -> None:
    checked = 0
    for term in TERMS:
        oruk = {item["id"] for item in _walk(client, f"taxonomy_term_id={term.id}", 50)}
        assert oruk == _json_api_ids(client, f"{term.dimension}={term.term.slug}")
        checked += bool(oruk)
    assert checked > 10  # the sample data fills many terms, so this compares non-empty sets
    target = next(t for t in TAXONOMIES if t.dimension == "target_group")
    both = next(t for t in TERMS if t.term.slug == "neet")
    care = next(t for t in TERMS if t.term.slug == "care_experienced")
    assert {i["id"] for i in _walk(client, f"taxonomy_id={target.id}", 50)} == _json_api_ids(
        client,
        "target_group=" + ",".join(t.term.slug for t in TERMS if t.dimension == "target_group"),
    )
    pair = {i["id"] for i in _walk(client, f"taxonomy_term_id={both.id},{care.id}", 50)}
    assert pair == _json_api_ids(client, "target_group=neet,care_experienced")


def test_text_and_age_filters(client: TestClient, seeded: Session) -> None:
    for word in ("careers", "NEET advisers"):
        oruk = {i["id"] for i in _walk(client, f"text={word}", 50)}
        assert oruk == {i["id"] for i in _walk(client, f"search={word}", 50)}
        assert oruk == _json_api_ids(client, f"q={word}")
    rows = seeded.exec(select(Intervention)).all()
    for low in (11, 16):
        found = {i["id"] for i in _walk(client, f"minimum_age={low}", 50)}
        assert found == {
            service_id(r.id) for r in rows if r.age_min is not None and r.age_min >= low and r.id
        }
    for high in (18, 25):
        found = {i["id"] for i in _walk(client, f"maximum_age={high}", 50)}
        assert found == {
            service_id(r.id) for r in rows if r.age_max is not None and r.age_max <= high and r.id
        }


def test_ids_are_uuid5_of_our_ids_and_survive_a_restart(
    client: TestClient, seeded: Session, settings: Any
) -> None:
    assert uuid.uuid5(uuid.NAMESPACE_URL, "https://neetmap.org/oruk") == NAMESPACE
    first = client.get("/oruk/services?per_page=100").json()
    from api.main import create_app

    with TestClient(create_app(settings)) as again:
        assert again.get("/oruk/services?per_page=100").json()["contents"] == first["contents"]
    ours = min(_published_ids(seeded))
    assert service_id(ours) == str(uuid.uuid5(NAMESPACE, f"service/{ours}"))


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/oruk/services?page=0", 422, "page"),
        ("/oruk/services?per_page=501", 422, "per_page"),
        ("/oruk/services?per_page=abc", 422, "per_page"),
        (f"/oruk/services?taxonomy_term_id={uuid.UUID(int=7)}", 422, "taxonomy_term_id"),
        ("/oruk/services?taxonomy_term_id=not-a-uuid", 422, "taxonomy_term_id"),
        ("/oruk/services?taxonomy_id=zz", 422, "taxonomy_id"),
        ("/oruk/services?minimum_age=-1", 422, "minimum_age"),
        ("/oruk/services?text=a&search=b", 422, "search"),
        ("/oruk/services/not-a-uuid", 422, "id"),
        (f"/oruk/services/{uuid.UUID(int=7)}", 404, None),
        ("/oruk/taxonomies/12", 422, "id"),
        (f"/oruk/taxonomy_terms/{uuid.UUID(int=7)}", 404, None),
        (f"/oruk/service_at_locations/{uuid.UUID(int=7)}", 404, None),
        ("/oruk/taxonomy_terms?page=0", 422, "page"),
    ],
)
def test_bad_input_is_a_clear_4xx(client: TestClient, path: str, status: int, field: str) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"]
    if field is not None:
        assert field in {d["field"] for d in error["details"]}


def test_unpublished_service_is_not_found(client: TestClient, seeded: Session) -> None:
    hidden = _add(seeded, state="submitted", la_codes=["E08000035"])
    assert client.get(f"/oruk/services/{service_id(hidden)}").status_code == 404


def test_profile_paths_and_parameters_are_served(client: TestClient) -> None:
    ours = client.get("/openapi.json").json()["paths"]
    for path in ("/", "/services", "/services/{id}", "/taxonomies", "/taxonomies/{id}"):
        assert "/oruk" + path in ours
    for path in ("/taxonomy_terms", "/taxonomy_terms/{id}", "/service_at_locations"):
        assert "/oruk" + path in ours
    served = {p["name"] for p in ours["/oruk/services"]["get"]["parameters"]}
    wanted = {p["$ref"].rsplit("/", 1)[1] for p in profile_operation("/services")["parameters"]}
    # Schedules (start_time, end_time, day) are not part of neetmap's records.
    assert wanted - served == {"start_time", "end_time", "day"}


def test_every_answer_is_open_to_any_origin(database_url: str, seeded: Session) -> None:
    """`*` even where the rest of the API allows only some origins, and without an Origin."""
    from api.main import create_app
    from api.settings import Settings

    settings = Settings(database_url=database_url, cors_origins=["https://maps.example"])
    with TestClient(create_app(settings)) as client:
        for headers in ({}, {"Origin": "https://directory.example"}):
            for path in ("/oruk", "/oruk/services", "/oruk/taxonomy_terms"):
                response = client.get(path, headers=headers)
                assert response.status_code == 200, path
                assert response.headers["access-control-allow-origin"] == "*"
        assert (
            client.get(
                "/api/v1/typology", headers={"Origin": "https://directory.example"}
            ).headers.get("access-control-allow-origin")
            != "*"
        )
