"""Moderation: the queue, publishing and rejecting new records and edits to published ones.

Every test runs on SQLite and PostgreSQL with the real 2023 boundaries loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.schemas.submissions import ModerationPage, SubmissionPublic
from tests.api.partner_keys import Keys, bearer, edit, issue_keys, publish, read_history, submit

URL = "/api/v1/interventions"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up (and `seeded`'s) runs after the history is deleted."""
    yield from issue_keys(engine)


def test_an_edit_to_a_published_record_waits_for_moderation(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds, name="Published name")
    live = publish(geo_client, keys.moderator, record["id"])
    edited = edit(geo_client, keys.leeds, record["id"], live["etag"], name="Proposed name")
    assert edited.status_code == 200
    body = SubmissionPublic.model_validate(edited.json())
    assert body.name == "Published name"
    assert body.pending_edit is not None
    assert [(c.field, c.published, c.proposed) for c in body.pending_edit.changes] == [
        ("name", "Published name", "Proposed name")
    ]
    assert geo_client.get(f"{URL}/{record['id']}").json()["name"] == "Published name"

    queue = ModerationPage.model_validate(
        geo_client.get("/api/v1/moderation", headers=bearer(keys.moderator)).json()
    )
    item = next(i for i in queue.items if i.id == record["id"])
    assert item.kind == "edit"
    assert [c.field for c in item.changes] == ["name"]

    publish(geo_client, keys.moderator, record["id"])
    assert geo_client.get(f"{URL}/{record['id']}").json()["name"] == "Proposed name"
    actions = [v.action for v in read_history(geo_client, keys.leeds, record["id"]).versions]
    assert actions == ["created", "published", "edited", "published"]


def test_rejecting_an_edit_keeps_the_published_version(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds, name="Good name")
    live = publish(geo_client, keys.moderator, record["id"])
    edit(geo_client, keys.leeds, record["id"], live["etag"], name="Worse name")
    rejected = geo_client.post(
        f"{URL}/{record['id']}/reject",
        json={"reason": "The old name is the official one."},
        headers=bearer(keys.moderator),
    )
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert body["publication_state"] == "published"
    assert body["pending_edit"] is None
    assert body["rejection_reason"] == "The old name is the official one."
    assert geo_client.get(f"{URL}/{record['id']}").json()["name"] == "Good name"
    last = read_history(geo_client, keys.leeds, record["id"]).versions[-1]
    assert (last.action, last.reason, last.snapshot["name"]) == (
        "rejected",
        "The old name is the official one.",
        "Worse name",
    )


def test_a_rejected_submission_can_be_fixed_and_resubmitted(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds)
    no_reason = geo_client.post(
        f"{URL}/{record['id']}/reject", json={}, headers=bearer(keys.moderator)
    )
    assert no_reason.status_code == 422
    rejected = geo_client.post(
        f"{URL}/{record['id']}/reject",
        json={"reason": "Add a provider."},
        headers=bearer(keys.admin),
    ).json()
    assert rejected["publication_state"] == "rejected"
    fixed = edit(geo_client, keys.leeds, record["id"], rejected["etag"], provider="Leeds CC")
    assert fixed.json()["publication_state"] == "submitted"
    assert fixed.json()["rejection_reason"] is None


def test_moderation_queue_is_oldest_first(geo_client: TestClient, keys: Keys) -> None:
    first = submit(geo_client, keys.leeds, name="First")
    second = submit(geo_client, keys.leeds, name="Second")
    queue = geo_client.get("/api/v1/moderation", headers=bearer(keys.moderator)).json()
    assert [i["id"] for i in queue["items"]] == [first["id"], second["id"]]
    assert queue["items"][0]["kind"] == "new"
    assert queue["items"][0]["submitted_by"] == "Leeds NEET team"


def test_publish_with_a_stale_etag_publishes_nothing(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds)
    edit(geo_client, keys.leeds, record["id"], record["etag"], name="Changed after review")
    response = geo_client.post(
        f"{URL}/{record['id']}/publish",
        headers=bearer(keys.moderator, **{"If-Match": record["etag"]}),
    )
    assert response.status_code == 412
    assert geo_client.get(f"{URL}/{record['id']}").status_code == 404


def test_a_rejection_needs_a_reason_that_says_something(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds)
    for reason in ("   ", "\t\n"):
        blank = geo_client.post(
            f"{URL}/{record['id']}/reject", json={"reason": reason}, headers=bearer(keys.moderator)
        )
        assert blank.status_code == 422
        detail = blank.json()["error"]["details"][0]
        assert (detail["field"], detail["location"]) == ("reason", "body")
        assert "blank" in detail["message"]
    state = geo_client.get(f"/api/v1/submissions/{record['id']}", headers=bearer(keys.leeds))
    assert state.json()["publication_state"] == "submitted"


def test_a_rejection_moves_updated_at_and_records_the_state_change(
    geo_client: TestClient, keys: Keys
) -> None:
    first = submit(geo_client, keys.leeds, name="First")
    submit(geo_client, keys.leeds, name="Second")
    rejected = geo_client.post(
        f"{URL}/{first['id']}/reject",
        json={"reason": "  Add a provider.  "},
        headers=bearer(keys.moderator),
    ).json()
    moved = datetime.fromisoformat(rejected["updated_at"])
    assert moved > datetime.fromisoformat(first["updated_at"])
    assert rejected["rejection_reason"] == "Add a provider."
    mine = geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    assert [i["name"] for i in mine["items"]] == ["First", "Second"]
    last = read_history(geo_client, keys.leeds, first["id"]).versions[-1]
    assert (last.action, last.changed) == ("rejected", ["publication_state"])
