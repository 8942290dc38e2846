"""Shared by the submission, security and import tests: API keys, and cleaning up after them.

Each module wraps `issue_keys` in a `keys` fixture on the client with real boundaries, since LA
codes in submissions resolve through the loaded geography; it deletes the version history
before the shared fixtures delete the interventions it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from api.schemas.submissions import HistoryPublic
from models.partners.keys import create_key

LEEDS, WAKEFIELD, BRADFORD = "E08000035", "E08000036", "E08000032"
SUBMISSION_TABLES = (
    "intervention_version",
    "intervention_head",
    "idempotency_record",
    "api_key_area",
    "api_key",
)


@dataclass(frozen=True)
class Keys:
    leeds: str  # partner, Leeds only
    west_yorkshire: str  # partner, Leeds and Bradford (a combined authority's slice)
    wakefield: str  # partner, Wakefield only
    moderator: str
    admin: str


def bearer(key: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **headers}


def delete_submission_data(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in SUBMISSION_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


def issue_keys(engine: Engine) -> Iterator[Keys]:
    """Keys for a test (wrap it in a `keys` fixture that also asks for `geo_client`), then
    delete everything the test wrote to the submission tables."""
    with Session(engine) as session:
        made = {
            "leeds": create_key(session, "Leeds NEET team", "partner", [LEEDS])[1],
            "west_yorkshire": create_key(session, "WY CA", "partner", [LEEDS, BRADFORD])[1],
            "wakefield": create_key(session, "Wakefield", "partner", [WAKEFIELD])[1],
            "moderator": create_key(session, "Moderator", "moderator", [])[1],
            "admin": create_key(session, "Admin", "admin", [])[1],
        }
        session.commit()
    yield Keys(**made)
    delete_submission_data(engine)


def submit(client: TestClient, key: str, **fields: Any) -> dict[str, Any]:
    """POST a record (Leeds by default) and return the body, asserting it was created."""
    body = {"name": "Leeds mentoring", "la_codes": [LEEDS], **fields}
    response = client.post("/api/v1/interventions", json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def publish(client: TestClient, moderator: str, record_id: int) -> dict[str, Any]:
    response = client.post(f"/api/v1/interventions/{record_id}/publish", headers=bearer(moderator))
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


def edit(client: TestClient, key: str, record_id: int, etag: str | None, **fields: Any) -> Any:
    headers = bearer(key, **({"If-Match": etag} if etag else {}))
    return client.patch(f"/api/v1/interventions/{record_id}", json=fields, headers=headers)


def read_history(client: TestClient, key: str, record_id: int) -> HistoryPublic:
    response = client.get(f"/api/v1/interventions/{record_id}/history", headers=bearer(key))
    assert response.status_code == 200, response.text
    return HistoryPublic.model_validate(response.json())
