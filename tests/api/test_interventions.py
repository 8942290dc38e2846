"""Reading interventions: paging, one record, and only published data in public."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.schemas.interventions import InterventionPage, InterventionPublic
from models.intake.seed import load_samples
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas


def test_list_answers_the_sample_with_paging(client: TestClient, seeded: Session) -> None:
    total = len(load_samples())
    first = client.get("/api/v1/interventions", params={"limit": 5})
    assert first.status_code == 200
    page = InterventionPage.model_validate(first.json())
    assert page.total == total
    assert page.limit == 5
    assert page.offset == 0
    assert len(page.items) == 5
    assert page.links.prev is None
    assert page.links.next

    seen = [item.id for item in page.items]
    url: str | None = page.links.next
    while url:
        following = InterventionPage.model_validate(client.get(url).json())
        seen += [item.id for item in following.items]
        url = following.links.next
    assert len(seen) == total == len(set(seen))
    assert seen == sorted(seen)


def test_default_and_maximum_limits(client: TestClient, seeded: Session) -> None:
    assert client.get("/api/v1/interventions").json()["limit"] == 50
    assert client.get("/api/v1/interventions", params={"limit": 500}).status_code == 200
    too_many = client.get("/api/v1/interventions", params={"limit": 501})
    assert too_many.status_code == 422
    assert too_many.json()["error"]["details"][0]["field"] == "limit"
    negative = client.get("/api/v1/interventions", params={"offset": -1})
    assert negative.json()["error"]["details"][0]["field"] == "offset"


def test_one_intervention_carries_its_classification_and_source(
    client: TestClient, seeded: Session
) -> None:
    items = client.get("/api/v1/interventions", params={"limit": 500}).json()["items"]
    sefton = next(
        i for i in items if "Sefton" in i["name"] or "Career Connect" in (i["provider"] or "")
    )
    response = client.get(f"/api/v1/interventions/{sefton['id']}")
    assert response.status_code == 200
    record = InterventionPublic.model_validate(response.json())
    assert [a.code for a in record.areas] == ["E08000014"]
    assert "at_risk" in record.target_group
    assert record.source.document
    assert record.source.quote


def test_unpublished_records_are_invisible(client: TestClient, session: Session) -> None:
    draft = InterventionDraft(name="Hidden draft", la_codes=["E08000035"])
    hidden = create_intervention(
        session, draft, ensure_areas(session, ["E08000035"]), state="submitted"
    )
    session.commit()
    assert client.get("/api/v1/interventions").json()["total"] == 0
    assert client.get(f"/api/v1/interventions/{hidden.id}").status_code == 404


def test_unknown_and_impossible_ids_are_404_or_422(client: TestClient) -> None:
    missing = client.get("/api/v1/interventions/987654")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    for bad in ("abc", "0", "99999999999999999999"):
        response = client.get(f"/api/v1/interventions/{bad}")
        assert response.status_code == 422, bad
        assert response.json()["error"]["details"][0]["field"] == "intervention_id"
