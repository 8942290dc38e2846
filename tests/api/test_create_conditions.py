"""`If-None-Match: *` on the creates (a submission, an import): with an Idempotency-Key that
already created something, that thing exists, so the create answers 412 naming it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from tests.api.partner_keys import LEEDS, Keys, bearer, issue_keys

URL = "/api/v1/interventions"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up runs after the history is deleted."""
    yield from issue_keys(engine)


def test_a_keyed_create_that_already_happened_is_a_412_naming_it(
    geo_client: TestClient, keys: Keys
) -> None:
    body = {"name": "Only once", "la_codes": [LEEDS]}
    headers = bearer(keys.leeds, **{"Idempotency-Key": "once-1", "If-None-Match": "*"})
    first = geo_client.post(URL, json=body, headers=headers)
    assert first.status_code == 201, first.text[:300]
    again = geo_client.post(URL, json=body, headers=headers)
    assert again.status_code == 412, again.text[:300]
    error = again.json()["error"]
    assert error["code"] == "precondition_failed"
    assert error["details"][0] == {
        "field": "If-None-Match",
        "message": error["message"],
        "location": "header",
        "row": None,
    }
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "Idempotent-Replayed" not in again.headers
    mine = geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    assert mine["total"] == 1
    # Without the condition the same key still replays the first answer.
    plain = bearer(keys.leeds, **{"Idempotency-Key": "once-1"})
    replayed = geo_client.post(URL, json=body, headers=plain)
    assert replayed.status_code == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"


def test_without_a_key_if_none_match_star_always_creates(
    geo_client: TestClient, keys: Keys
) -> None:
    headers = bearer(keys.leeds, **{"If-None-Match": "*"})
    body = {"name": "Twice", "la_codes": [LEEDS]}
    ids = {geo_client.post(URL, json=body, headers=headers).json()["id"] for _ in range(2)}
    assert len(ids) == 2


def test_a_keyed_import_that_already_happened_is_a_412(geo_client: TestClient, keys: Keys) -> None:
    data = f"name,la_codes\nImported once,{LEEDS}\n".encode()
    headers = bearer(
        keys.leeds,
        **{"Idempotency-Key": "file-1", "If-None-Match": "*", "Content-Type": "text/csv"},
    )
    first = geo_client.post("/api/v1/imports", content=data, headers=headers)
    assert first.status_code == 201, first.text[:300]
    again = geo_client.post("/api/v1/imports", content=data, headers=headers)
    assert again.status_code == 412, again.text[:300]
    assert again.json()["error"]["details"][0]["field"] == "If-None-Match"
    mine = geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    assert mine["total"] == 1


def test_the_creates_document_the_header_and_the_412(geo_client: TestClient) -> None:
    paths = geo_client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/interventions", "/api/v1/imports"):
        post = paths[path]["post"]
        assert "412" in post["responses"], path
        names = {p["name"].lower() for p in post["parameters"] if p["in"] == "header"}
        assert "if-none-match" in names, path
