"""Malformed JSON is the same documented 422 on every write route, naming the field `body`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.errors import ErrorResponse
from tests.api.partner_keys import Keys, bearer, issue_keys, submit


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    yield from issue_keys(engine)


def test_reject_with_malformed_json_is_the_documented_422(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds)
    headers = bearer(keys.moderator, **{"Content-Type": "application/json"})
    answers = [
        geo_client.post(
            f"/api/v1/interventions/{record['id']}/reject", content=b'{"reason": ', headers=headers
        ),
        geo_client.post(
            "/api/v1/interventions",
            content=b'{"name": ',
            headers=bearer(keys.leeds, **{"Content-Type": "application/json"}),
        ),
    ]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        error = ErrorResponse.model_validate(answer.json()).error
        assert error.message == "The request body is not valid JSON."
        assert [(d.field, d.location) for d in error.details] == [("body", "body")]
    assert (
        "422"
        in geo_client.get("/openapi.json").json()["paths"][
            "/api/v1/interventions/{intervention_id}/reject"
        ]["post"]["responses"]
    )
