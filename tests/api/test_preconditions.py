"""Conditional writes per RFC 9110: the ETag any GET of a record gave is its If-Match.

Whatever representation the client read (JSON, GeoJSON, gzip-coded, with a key or without),
PATCH and DELETE of the same URI accept its ETag while nothing has changed the record, and
refuse it with 412 once anything has, a pending edit by someone else included. Weak tags are
never accepted (strong comparison).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from tests.api.partner_keys import Keys, bearer, edit, issue_keys, publish, read_history, submit

URL = "/api/v1/interventions"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up runs after the history is deleted."""
    yield from issue_keys(engine)


def _published(client: TestClient, keys: Keys) -> int:
    record = submit(client, keys.leeds, name="Published")
    publish(client, keys.moderator, record["id"])
    return int(record["id"])


def _tags(client: TestClient, key: str, record_id: int) -> list[str]:
    """The ETags of every representation a GET of the record's URI gives."""
    tags = []
    for params in ({}, {"format": "geojson"}, {"format": "geojson", "geometry": "none"}):
        for headers in ({}, bearer(key), {"Accept-Encoding": "gzip"}):
            response = client.get(f"{URL}/{record_id}", params=params, headers=headers)
            assert response.status_code == 200, response.text
            tags.append(response.headers["ETag"])
    return tags


def test_every_get_etag_of_the_uri_is_accepted_while_nothing_changed(
    geo_client: TestClient, keys: Keys
) -> None:
    record_id = _published(geo_client, keys)
    tags = _tags(geo_client, keys.leeds, record_id)
    assert not any(tag.startswith("W/") for tag in tags)
    assert len(set(tags)) > 1  # JSON and GeoJSON are different representations
    for number, tag in enumerate(tags):
        fresh = _tags(geo_client, keys.leeds, record_id)[tags.index(tag)]
        response = edit(geo_client, keys.leeds, record_id, fresh, provider=f"P{number}")
        assert response.status_code == 200, (fresh, response.text)


def test_an_etag_from_before_a_pending_edit_by_someone_else_gets_a_412(
    geo_client: TestClient, keys: Keys
) -> None:
    record_id = _published(geo_client, keys)
    before = geo_client.get(f"{URL}/{record_id}")
    other = edit(geo_client, keys.west_yorkshire, record_id, "*", provider="Someone else")
    assert other.status_code == 200, other.text
    # The public sees the published version still, but the record has changed.
    assert geo_client.get(f"{URL}/{record_id}").json() == before.json()

    refused = edit(geo_client, keys.leeds, record_id, before.headers["ETag"], name="Mine")
    assert refused.status_code == 412
    assert refused.json()["error"]["details"][0]["field"] == "If-Match"
    gone = geo_client.delete(
        f"{URL}/{record_id}", headers=bearer(keys.leeds, **{"If-Match": before.headers["ETag"]})
    )
    assert gone.status_code == 412

    now = geo_client.get(f"{URL}/{record_id}").headers["ETag"]
    assert now != before.headers["ETag"]
    assert edit(geo_client, keys.leeds, record_id, now, name="Mine").status_code == 200


def test_delete_accepts_the_public_etag(geo_client: TestClient, keys: Keys) -> None:
    record_id = _published(geo_client, keys)
    tag = geo_client.get(f"{URL}/{record_id}").headers["ETag"]
    gone = geo_client.delete(f"{URL}/{record_id}", headers=bearer(keys.leeds, **{"If-Match": tag}))
    assert gone.status_code == 200, gone.text
    assert geo_client.get(f"{URL}/{record_id}").status_code == 404


def test_a_weak_etag_never_matches(geo_client: TestClient, keys: Keys) -> None:
    record_id = _published(geo_client, keys)
    for url, headers in (
        (f"{URL}/{record_id}", {}),
        (f"/api/v1/submissions/{record_id}", bearer(keys.leeds)),
    ):
        tag = geo_client.get(url, headers=headers).headers["ETag"]
        refused = edit(geo_client, keys.leeds, record_id, f"W/{tag}", name="Weak")
        assert refused.status_code == 412
        assert "weak" in refused.json()["error"]["message"]
        assert edit(geo_client, keys.leeds, record_id, tag, name=f"Strong {url}").status_code == 200


def test_a_304_still_answers_the_record_tag(geo_client: TestClient, keys: Keys) -> None:
    record_id = _published(geo_client, keys)
    tag = geo_client.get(f"{URL}/{record_id}").headers["ETag"]
    again = geo_client.get(f"{URL}/{record_id}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert "x-neetmap-record-version" not in again.headers


def test_simultaneous_if_match_star_edits_all_apply_or_say_when_to_retry(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds, name="Raced")
    names = [f"Edit {n}" for n in range(20)]
    results: dict[str, int] = {}
    retry_after: list[str | None] = []

    def run(name: str) -> None:
        response = edit(geo_client, keys.leeds, record["id"], "*", provider=name)
        results[name] = response.status_code
        if response.status_code != 200:
            retry_after.append(response.headers.get("retry-after"))

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 503 only when twenty writers outnumber the worker's pooled connections for longer than
    # NEETMAP_POOL_TIMEOUT_S (a loaded machine); either way the client is told when to retry.
    assert set(results.values()) <= {200, 409, 503}, results
    assert all(retry_after), "a refusal without Retry-After"
    applied = {name for name, status in results.items() if status == 200}
    versions = read_history(geo_client, keys.leeds, record["id"]).versions
    edited = [v.snapshot["provider"] for v in versions if v.action == "edited"]
    assert sorted(edited) == sorted(applied)  # every 200 is a version, nothing else is
