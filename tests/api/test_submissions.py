"""Partner submissions through the JSON API: create, edit with If-Match, moderate, withdraw.

Every test runs on SQLite and PostgreSQL with the real 2023 boundaries loaded.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text, update
from sqlmodel import Session

from api.errors import install_error_handlers
from api.schemas.submissions import (
    SubmissionPage,
    SubmissionPublic,
)
from api.writing.idempotency import IDEMPOTENCY_HOURS
from api.writing.inputs import check_write_query
from models.base import table_of, utcnow
from models.partners import moderation as moderation_queries
from models.partners import submissions as submission_queries
from models.partners.accounts import IdempotencyRecord
from models.partners.record_versions import StaleVersionError, etag_for
from tests.api.partner_keys import (
    LEEDS,
    Keys,
    bearer,
    edit,
    issue_keys,
    publish,
    read_history,
    submit,
)

URL = "/api/v1/interventions"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up (and `seeded`'s) runs after the history is deleted."""
    yield from issue_keys(engine)


def test_create_is_submitted_with_location_and_etag(geo_client: TestClient, keys: Keys) -> None:
    response = geo_client.post(
        URL,
        json={"name": "Leeds Pathways", "la_codes": ["383"], "target_group": ["SEND"]},
        headers=bearer(keys.leeds),
    )
    assert response.status_code == 201, response.text
    record = SubmissionPublic.model_validate(response.json())
    assert record.publication_state == "submitted"
    assert [a.code for a in record.areas] == [LEEDS]  # DfE code 383 is Leeds
    assert record.target_group == ["send"]  # the label was read as the slug
    assert response.headers["Location"] == f"/api/v1/submissions/{record.id}"
    assert response.headers["ETag"] == record.etag == f'"{record.id}-1"'
    assert geo_client.get(f"{URL}/{record.id}").status_code == 404


def test_superseded_codes_map_with_a_warning_and_a_split_county_is_all_its_successors(
    geo_client: TestClient, keys: Keys
) -> None:
    moved = geo_client.post(
        URL, json={"name": "Dales", "la_codes": ["E10000023"]}, headers=bearer(keys.admin)
    )
    assert moved.status_code == 201, moved.text
    assert [a["code"] for a in moved.json()["areas"]] == ["E06000065"]
    assert "E06000065" in moved.json()["warnings"][0]

    split = geo_client.post(
        URL, json={"name": "Lakes", "la_codes": ["E10000006"]}, headers=bearer(keys.admin)
    )
    assert split.status_code == 201, split.text
    assert sorted(a["code"] for a in split.json()["areas"]) == ["E06000063", "E06000064"]
    (warning,) = split.json()["warnings"]
    assert "E06000063 Cumberland" in warning
    assert "E06000064 Westmorland and Furness" in warning
    history = read_history(geo_client, keys.admin, split.json()["id"])
    snapshot = history.versions[0].snapshot
    assert snapshot["la_codes"] == ["E06000063", "E06000064"]
    assert snapshot["la_codes_as_submitted"] == ["E10000006"]


def test_every_problem_of_a_body_comes_at_once_las_included(
    geo_client: TestClient, keys: Keys
) -> None:
    body = {
        "name": "Lakes",
        "la_codes": ["Leeds", "Atlantis", "Cumbria", "Bristol, City of"],
        "target_group": ["sned"],
        "age_max": 40,
    }
    response = geo_client.post(URL, json=body, headers=bearer(keys.admin))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    details = {d["field"]: d for d in error["details"]}
    assert set(details) == {"age_max", "target_group", "la_codes.1"}  # Cumbria: its successors
    assert {d["location"] for d in error["details"]} == {"body"}
    assert "Atlantis" in details["la_codes.1"]["message"]
    assert error["message"] == ("Some values are not valid: age_max, target_group, la_codes.1.")
    fixed = {**body, "la_codes": ["Leeds", "Bristol, City of"], "target_group": ["send"]}
    created = geo_client.post(URL, json=fixed | {"age_max": 18}, headers=bearer(keys.admin))
    assert created.status_code == 201, created.text
    assert [a["code"] for a in created.json()["areas"]] == ["E06000023", LEEDS]


def test_invalid_values_are_422_naming_the_field(geo_client: TestClient, keys: Keys) -> None:
    bad_slug = geo_client.post(
        URL,
        json={"name": "X", "la_codes": [LEEDS], "target_group": ["care leavers"]},
        headers=bearer(keys.leeds),
    )
    assert bad_slug.status_code == 422
    assert bad_slug.json()["error"]["details"][0]["field"] == "target_group"
    unknown_la = geo_client.post(
        URL, json={"name": "X", "la_codes": ["Atlantis"]}, headers=bearer(keys.leeds)
    )
    assert unknown_la.status_code == 422
    assert unknown_la.json()["error"]["details"][0]["field"] == "la_codes.0"


def test_edit_needs_the_current_etag(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds)
    missing = edit(geo_client, keys.leeds, record["id"], None, name="New name")
    assert missing.status_code == 428
    assert missing.json()["error"]["details"][0]["field"] == "If-Match"

    first = edit(geo_client, keys.leeds, record["id"], record["etag"], name="New name")
    assert first.status_code == 200, first.text
    assert first.json()["name"] == "New name"
    assert first.headers["ETag"] == f'"{record["id"]}-2"' != record["etag"]

    stale = edit(geo_client, keys.leeds, record["id"], record["etag"], name="Lost update")
    assert stale.status_code == 412
    assert stale.headers["ETag"] == first.headers["ETag"]
    assert stale.json()["error"]["details"][0]["field"] == "If-Match"
    retried = edit(geo_client, keys.leeds, record["id"], stale.headers["ETag"], name="Retried")
    assert retried.status_code == 200


def test_edit_validates_the_merged_record_and_rederives_age_bands(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds, age_min=14, age_max=17)
    assert record["age_band"] == ["14_16", "16_18"]
    older = edit(geo_client, keys.leeds, record["id"], record["etag"], age_min=16, age_max=19)
    assert older.status_code == 200, older.text
    assert older.json()["age_band"] == ["16_18", "18_plus"]
    reversed_ages = edit(geo_client, keys.leeds, record["id"], older.json()["etag"], age_min=20)
    assert reversed_ages.status_code == 422
    assert reversed_ages.json()["error"]["details"][0]["field"] == "age_min"
    unknown = edit(geo_client, keys.leeds, record["id"], older.json()["etag"], colour="red")
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "colour"


def test_withdrawn_records_are_hidden_but_kept(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds)
    publish(geo_client, keys.moderator, record["id"])
    assert geo_client.get(f"{URL}/{record['id']}").status_code == 200
    withdrawn = geo_client.delete(f"{URL}/{record['id']}", headers=bearer(keys.leeds))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["publication_state"] == "withdrawn"
    assert geo_client.get(f"{URL}/{record['id']}").status_code == 404
    again = geo_client.delete(f"{URL}/{record['id']}", headers=bearer(keys.leeds))
    assert again.json()["version"] == withdrawn.json()["version"]

    for key in (keys.moderator, keys.leeds):
        kept = geo_client.get(f"/api/v1/submissions/{record['id']}", headers=bearer(key))
        assert kept.status_code == 200
        assert kept.json()["name"] == record["name"]
    actions = [v.action for v in read_history(geo_client, keys.moderator, record["id"]).versions]
    assert actions == ["created", "published", "withdrawn"]
    refused = geo_client.post(f"{URL}/{record['id']}/publish", headers=bearer(keys.moderator))
    assert refused.status_code == 409


def test_history_says_who_when_and_what_changed(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds, provider="Leeds CC")
    edit(geo_client, keys.west_yorkshire, record["id"], record["etag"], provider="Prospects")
    versions = read_history(geo_client, keys.leeds, record["id"]).versions
    assert [(v.version, v.action, v.by) for v in versions] == [
        (1, "created", "Leeds NEET team"),
        (2, "edited", "WY CA"),
    ]
    assert versions[1].changed == ["provider"]
    assert versions[0].snapshot["provider"] == "Leeds CC"
    assert versions[1].snapshot["provider"] == "Prospects"
    assert versions[0].at <= versions[1].at


def test_a_seeded_record_gets_a_baseline_version_on_first_edit(
    geo_client: TestClient, keys: Keys, seeded: Session
) -> None:
    items = geo_client.get(URL, params={"la": LEEDS, "limit": 1}).json()["items"]
    assert items, "the sample has Leeds records"
    record_id = items[0]["id"]
    record = geo_client.get(f"/api/v1/submissions/{record_id}", headers=bearer(keys.leeds))
    assert record.json()["version"] == 1
    before = read_history(geo_client, keys.leeds, record_id).versions
    assert [v.action for v in before] == ["baseline"]

    edited = edit(geo_client, keys.leeds, record_id, record.headers["ETag"], provider="New one")
    assert edited.status_code == 200, edited.text
    assert edited.json()["pending_edit"]["changes"][0]["field"] == "provider"
    after = read_history(geo_client, keys.leeds, record_id).versions
    assert [(v.version, v.action) for v in after] == [(1, "baseline"), (2, "edited")]
    assert after[0].snapshot == before[0].snapshot
    assert geo_client.get(f"{URL}/{record_id}").json()["provider"] == items[0]["provider"]


def test_own_submissions_in_every_state(geo_client: TestClient, keys: Keys) -> None:
    mine = submit(geo_client, keys.leeds, name="Mine")
    published = submit(geo_client, keys.leeds, name="Mine, published")
    publish(geo_client, keys.moderator, published["id"])
    submit(geo_client, keys.wakefield, name="Theirs", la_codes=["E08000036"])
    page = SubmissionPage.model_validate(
        geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    )
    assert {(i.name, i.publication_state) for i in page.items} == {
        ("Mine", "submitted"),
        ("Mine, published", "published"),
    }
    only = geo_client.get(
        "/api/v1/submissions",
        params={"publication_state": "submitted"},
        headers=bearer(keys.leeds),
    ).json()
    assert [i["id"] for i in only["items"]] == [mine["id"]]
    everything = geo_client.get("/api/v1/submissions", headers=bearer(keys.moderator)).json()
    assert everything["total"] == 3


def test_idempotency_key_makes_a_retry_return_the_first_result(
    geo_client: TestClient, keys: Keys
) -> None:
    body = {"name": "Retried", "la_codes": [LEEDS]}
    headers = bearer(keys.leeds, **{"Idempotency-Key": "abc-123"})
    first = geo_client.post(URL, json=body, headers=headers)
    again = geo_client.post(URL, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    mine = geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    assert mine["total"] == 1

    changed = geo_client.post(URL, json={**body, "name": "Other"}, headers=headers)
    assert changed.status_code == 422
    assert changed.json()["error"]["details"][0]["field"] == "Idempotency-Key"
    other_key = geo_client.post(
        URL, json=body, headers=bearer(keys.west_yorkshire, **{"Idempotency-Key": "abc-123"})
    )
    assert other_key.json()["id"] != first.json()["id"]


def test_an_idempotency_key_is_kept_a_day_then_is_new_again(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    body = {"name": "Weekly", "la_codes": [LEEDS]}
    headers = bearer(keys.leeds, **{"Idempotency-Key": "same-file"})
    first = geo_client.post(URL, json=body, headers=headers).json()["id"]
    with engine.begin() as conn:  # a day and an hour on
        stored = table_of(IdempotencyRecord)  # through the column's type, as the app writes
        conn.execute(
            update(stored).values(created_at=utcnow() - timedelta(hours=IDEMPOTENCY_HOURS + 1))
        )
    later = geo_client.post(URL, json=body, headers=headers)
    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later.headers
    assert later.json()["id"] != first
    retried = geo_client.post(URL, json=body, headers=headers)  # the new answer is kept
    assert retried.json()["id"] == later.json()["id"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM idempotency_record")).scalar_one() == 1


def test_concurrent_edits_of_one_version_exactly_one_wins(
    geo_client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = submit(geo_client, keys.leeds)

    # On PostgreSQL both requests pass the If-Match check before either claims the next
    # version, so only the conditional UPDATE can tell them apart.
    def edit_to(name: str) -> Callable[[], Any]:
        return lambda: edit(geo_client, keys.leeds, record["id"], record["etag"], name=name)

    results = _race(monkeypatch, {name: edit_to(name) for name in ("Alpha", "Beta")})
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 412]
    winner = next(name for name, r in results.items() if r.status_code == 200)
    loser = next(r for r in results.values() if r.status_code == 412)
    assert loser.headers["ETag"] == results[winner].headers["ETag"] == f'"{record["id"]}-2"'
    versions = read_history(geo_client, keys.leeds, record["id"]).versions
    assert [v.action for v in versions] == ["created", "edited"]
    assert versions[-1].snapshot["name"] == winner


def _race(
    monkeypatch: pytest.MonkeyPatch, requests: dict[str, Callable[[], Any]]
) -> dict[str, Any]:
    """Run the requests in threads that all pass their reads before any claims a version.

    On PostgreSQL the claims then meet at the head row's lock; SQLite queues writing requests
    whole (BEGIN IMMEDIATE), so there the barrier times out and they run one after the other.
    """
    barrier = threading.Barrier(len(requests), timeout=3)
    claim = submission_queries.claim_version

    def claim_together(*args: Any, **kwargs: Any) -> int:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return claim(*args, **kwargs)

    monkeypatch.setattr(submission_queries, "claim_version", claim_together)
    monkeypatch.setattr(moderation_queries, "claim_version", claim_together)
    results: dict[str, Any] = {}

    def run(name: str) -> None:
        results[name] = requests[name]()

    threads = [threading.Thread(target=run, args=(name,)) for name in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    return results


def test_concurrent_withdrawals_without_if_match_both_succeed(
    geo_client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No If-Match means no precondition: losing the race is retried, never a 412 or a 500."""
    record = submit(geo_client, keys.leeds)
    delete = lambda: geo_client.delete(f"{URL}/{record['id']}", headers=bearer(keys.leeds))  # noqa: E731
    results = _race(monkeypatch, {"a": delete, "b": delete})
    assert sorted(r.status_code for r in results.values()) == [200, 200], [
        r.text for r in results.values()
    ]
    assert {r.json()["publication_state"] for r in results.values()} == {"withdrawn"}
    versions = read_history(geo_client, keys.leeds, record["id"]).versions
    assert [v.action for v in versions] == ["created", "withdrawn"]


def test_concurrent_edits_with_if_match_star_are_both_applied(
    geo_client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`If-Match: *` asks for no particular version, so both edits apply, one after the other."""
    record = submit(geo_client, keys.leeds)
    results = _race(
        monkeypatch,
        {
            "name": lambda: edit(geo_client, keys.leeds, record["id"], "*", name="Renamed"),
            "provider": lambda: edit(geo_client, keys.leeds, record["id"], "*", provider="LCC"),
        },
    )
    assert [r.status_code for r in results.values()] == [200, 200], [
        r.text for r in results.values()
    ]
    current = geo_client.get(f"/api/v1/submissions/{record['id']}", headers=bearer(keys.leeds))
    assert (current.json()["name"], current.json()["provider"]) == ("Renamed", "LCC")
    assert current.headers["ETag"] == f'"{record["id"]}-3"'
    versions = read_history(geo_client, keys.leeds, record["id"]).versions
    assert [v.action for v in versions] == ["created", "edited", "edited"]


def test_concurrent_publishing_without_if_match_is_one_200_and_one_409(
    geo_client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loser is retried, finds the record already published and says so: 409, not 412."""
    record = submit(geo_client, keys.leeds)
    url = f"{URL}/{record['id']}/publish"
    post = lambda: geo_client.post(url, headers=bearer(keys.moderator))  # noqa: E731
    results = _race(monkeypatch, {"a": post, "b": post})
    assert sorted(r.status_code for r in results.values()) == [200, 409]
    loser = next(r for r in results.values() if r.status_code == 409)
    assert "already published" in loser.json()["error"]["message"]
    versions = read_history(geo_client, keys.leeds, record["id"]).versions
    assert [v.action for v in versions] == ["created", "published"]


def test_a_seeded_record_withdrawn_twice_at_once_gets_one_baseline(
    geo_client: TestClient, keys: Keys, seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests create the first version of a seeded record; one insert loses, and the
    request is retried rather than answered 412 or 500."""
    record_id = geo_client.get(URL, params={"la": LEEDS, "limit": 1}).json()["items"][0]["id"]
    delete = lambda: geo_client.delete(f"{URL}/{record_id}", headers=bearer(keys.leeds))  # noqa: E731
    results = _race(monkeypatch, {"a": delete, "b": delete})
    assert sorted(r.status_code for r in results.values()) == [200, 200], [
        r.text for r in results.values()
    ]
    versions = read_history(geo_client, keys.leeds, record_id).versions
    assert [v.action for v in versions] == ["baseline", "withdrawn"]


def test_an_edit_that_loses_the_race_leaves_no_trace(
    geo_client: TestClient, keys: Keys, seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request that fails after its first write keeps none of it: the next edit of a seeded
    record still records the baseline version it starts from."""
    record_id = geo_client.get(URL, params={"la": LEEDS, "limit": 1}).json()["items"][0]["id"]
    etag = geo_client.get(f"/api/v1/submissions/{record_id}", headers=bearer(keys.leeds)).headers[
        "ETag"
    ]

    def lose_the_race(session: Session, intervention_id: int, *_: Any, **__: Any) -> int:
        raise StaleVersionError("someone else was first", etag_for(intervention_id, 2))

    monkeypatch.setattr(submission_queries, "claim_version", lose_the_race)
    lost = edit(geo_client, keys.leeds, record_id, etag, provider="Lost")
    assert lost.status_code == 412
    monkeypatch.undo()

    won = edit(geo_client, keys.leeds, record_id, etag, provider="Won")
    assert won.status_code == 200, won.text
    versions = read_history(geo_client, keys.leeds, record_id).versions
    assert [(v.version, v.action) for v in versions] == [(1, "baseline"), (2, "edited")]


def test_the_public_etag_is_accepted_by_if_match_until_the_record_changes(
    geo_client: TestClient, keys: Keys
) -> None:
    """RFC 9110: If-Match compares with the current representation of the target URI."""
    record = submit(geo_client, keys.leeds, name="Published")
    live = publish(geo_client, keys.moderator, record["id"])
    public_etag = geo_client.get(f"{URL}/{record['id']}").headers["ETag"]
    assert public_etag != live["etag"]

    accepted = edit(geo_client, keys.leeds, record["id"], public_etag, name="Renamed")
    assert accepted.status_code == 200, accepted.text
    refused = edit(geo_client, keys.leeds, record["id"], public_etag, name="Again")
    assert refused.status_code == 412
    error = refused.json()["error"]
    assert "has changed" in error["message"]
    assert refused.headers["ETag"] == accepted.headers["ETag"]
    assert edit(geo_client, keys.leeds, record["id"], refused.headers["ETag"], name="R").is_success


def test_post_names_every_bad_field_in_plain_words_with_location_body(
    geo_client: TestClient, keys: Keys
) -> None:
    response = geo_client.post(
        URL,
        json={
            "name": "X",
            "la_codes": [LEEDS],
            "age_min": 16,
            "age_max": 17,
            "age_band": ["pre_14"],
            "start_date": "2025-09-01",
            "end_date": "2024-09-01",
            "provider": 12,
            "status": "finished",
        },
        headers=bearer(keys.leeds),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    details = {d["field"]: d for d in error["details"]}
    assert set(details) == {"age_band", "end_date", "provider", "status"}
    assert {d["location"] for d in error["details"]} == {"body"}
    assert details["end_date"]["message"] == "end_date must not be before start_date"
    assert details["provider"]["message"] == "provider must be text (got '12')"
    assert "Did you mean 'ended'?" in details["status"]["message"]
    assert error["message"] == "Some values are not valid: provider, age_band, status, end_date."

    words = geo_client.post(
        URL, json={"name": "X", "la_codes": [LEEDS], "age_min": "x"}, headers=bearer(keys.leeds)
    )
    assert words.json()["error"]["details"] == [
        {
            "field": "age_min",
            "message": "age_min must be a whole number, such as 16 (got 'x')",
            "location": "body",
            "row": None,
        }
    ]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"name": "X", "la_codes": ["E08000035"],}', "is not valid JSON"),
        (b"", "is empty"),
        (b'["E08000035"]', "must be a JSON object"),
        (b"\xff\xfe{", "is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "too deeply"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_named_body(
    geo_client: TestClient, keys: Keys, body: bytes, words: str
) -> None:
    headers = bearer(keys.leeds, **{"Content-Type": "application/json"})
    for response in (
        geo_client.post(URL, content=body, headers=headers),
        geo_client.patch(
            f"{URL}/{submit(geo_client, keys.leeds)['id']}", content=body, headers=headers
        ),
    ):
        assert response.status_code == 422, response.text
        detail = response.json()["error"]["details"][0]
        assert (detail["field"], detail["location"]) == ("body", "body")
        assert words in detail["message"]


def test_patch_reports_every_bad_field_at_once_in_the_same_words(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds)
    response = edit(
        geo_client, keys.leeds, record["id"], record["etag"], age_min="x", target_group=["carers"]
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert [(d["field"], d["location"]) for d in error["details"]] == [
        ("age_min", "body"),
        ("target_group", "body"),
    ]
    assert error["details"][0]["message"] == "age_min must be a whole number, such as 16 (got 'x')"
    assert "Did you mean 'young_carers'?" in error["details"][1]["message"]
    assert error["message"] == "Some values are not valid: age_min, target_group."


def test_patch_bands_that_contradict_the_stored_ages_are_422(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds, age_min=19, age_max=24)
    response = edit(geo_client, keys.leeds, record["id"], record["etag"], age_band=["16_18"])
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == "age_band"
    assert detail["message"].startswith(
        "age_band 16_18 covers ages 16–17, but age_min–age_max is 19–24: they share no age."
    )
    unchanged = geo_client.get(f"/api/v1/submissions/{record['id']}", headers=bearer(keys.leeds))
    assert unchanged.json()["version"] == 1


def test_bands_overlapping_the_ages_are_accepted_and_ages_over_29_refused(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds, age_min=16, age_max=18, age_band=["16_18"])
    assert record["age_band"] == ["16_18", "18_plus"]  # "16-18" as people say it; derived
    too_old = geo_client.post(
        URL, json={"name": "X", "la_codes": [LEEDS], "age_max": 30}, headers=bearer(keys.leeds)
    )
    assert too_old.status_code == 422
    (detail,) = too_old.json()["error"]["details"]
    assert (detail["field"], detail["location"]) == ("age_max", "body")
    assert detail["message"].startswith("age_max must be at most 29")


def test_an_edit_that_changes_nothing_makes_no_version(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds, name="Same", provider="Leeds CC")
    live = publish(geo_client, keys.moderator, record["id"])
    for changes in ({}, {"name": "Same", "provider": "Leeds CC"}):
        same = edit(geo_client, keys.leeds, record["id"], live["etag"], **changes)
        assert same.status_code == 200, same.text
        assert same.json()["version"] == live["version"]
        assert same.headers["ETag"] == live["etag"]
        assert same.json()["pending_edit"] is None
    actions = [v.action for v in read_history(geo_client, keys.leeds, record["id"]).versions]
    assert actions == ["created", "published"]
    queue = geo_client.get("/api/v1/moderation", headers=bearer(keys.moderator)).json()
    assert queue["total"] == 0


def test_an_edit_back_to_the_published_values_drops_the_waiting_edit(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds, name="Published name")
    live = publish(geo_client, keys.moderator, record["id"])
    pending = edit(geo_client, keys.leeds, record["id"], live["etag"], name="New name")
    back = edit(
        geo_client, keys.leeds, record["id"], pending.headers["ETag"], name="Published name"
    )
    assert back.status_code == 200, back.text
    assert back.json()["pending_edit"] is None
    assert back.json()["publication_state"] == "published"
    last = read_history(geo_client, keys.leeds, record["id"]).versions[-1]
    assert (last.action, last.state, last.changed) == ("edited", "published", ["name"])
    queue = geo_client.get("/api/v1/moderation", headers=bearer(keys.moderator)).json()
    assert queue["total"] == 0


def test_a_withdrawn_record_cannot_be_edited(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds)
    publish(geo_client, keys.moderator, record["id"])
    withdrawn = geo_client.delete(f"{URL}/{record['id']}", headers=bearer(keys.leeds)).json()
    response = edit(geo_client, keys.leeds, record["id"], withdrawn["etag"], name="Back again")
    assert response.status_code == 409
    assert "withdrawn records cannot be edited" in response.json()["error"]["message"]
    after = geo_client.get(f"/api/v1/submissions/{record['id']}", headers=bearer(keys.leeds))
    assert after.json()["publication_state"] == "withdrawn"
    assert after.json()["version"] == withdrawn["version"]
    assert geo_client.get("/api/v1/moderation", headers=bearer(keys.moderator)).json()["total"] == 0


def test_unknown_query_parameters_on_writes_are_422(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds)
    response = geo_client.delete(
        f"{URL}/{record['id']}", params={"force": "true"}, headers=bearer(keys.leeds)
    )
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert (detail["field"], detail["location"]) == ("force", "query")
    state = geo_client.get(f"/api/v1/submissions/{record['id']}", headers=bearer(keys.leeds))
    assert state.json()["publication_state"] == "submitted"
    listed = geo_client.get(
        "/api/v1/submissions", params={"colour": "red"}, headers=bearer(keys.leeds)
    )
    assert listed.status_code == 200  # reads ignore unknown parameters, as the public API does


@pytest.mark.parametrize(
    ("venue", "field", "words"),
    [
        ({"lat": 48.6, "lon": -1.5}, "venues.0.lat", "49.8"),  # Mont-Saint-Michel
        ({"lat": 53.8, "lon": 6.0}, "venues.0.lon", "1.8"),  # the North Sea off Germany
        ({"lat": -1.55, "lon": 53.8}, "venues.0", "look swapped"),  # Leeds, the wrong way round
    ],
)
def test_a_venue_outside_england_is_refused_naming_it(
    geo_client: TestClient, keys: Keys, venue: dict[str, float], field: str, words: str
) -> None:
    body = {"name": "Hub", "la_codes": [LEEDS], "venues": [{"name": "Hub", **venue}]}
    response = geo_client.post(URL, json=body, headers=bearer(keys.leeds))
    assert response.status_code == 422, response.text
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == field
    assert words in detail["message"]
    listed = geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    assert listed["total"] == 0


def test_a_venue_in_england_is_kept(geo_client: TestClient, keys: Keys) -> None:
    scilly = {"name": "St Mary's", "lat": 49.914, "lon": -6.31}
    record = submit(geo_client, keys.leeds, venues=[scilly])
    assert [(v["lat"], v["lon"]) for v in record["venues"]] == [(49.914, -6.31)]


def test_writes_refuse_a_repeated_single_parameter_but_not_a_repeated_list() -> None:
    """On a write route of its own, since none of ours takes a list in the query yet."""
    app = FastAPI(dependencies=[Depends(check_write_query)])
    install_error_handlers(app)

    @app.post("/things")
    def make(
        tag: Annotated[list[str] | None, Query()] = None, force: bool = False
    ) -> dict[str, Any]:
        return {"tag": tag, "force": force}

    client = TestClient(app)
    listed = client.post("/things", params=[("tag", "a"), ("tag", "b"), ("force", "true")])
    assert listed.status_code == 200
    assert listed.json() == {"tag": ["a", "b"], "force": True}
    clash = client.post("/things", params=[("force", "true"), ("force", "false"), ("force", "no")])
    assert clash.status_code == 422
    (detail,) = clash.json()["error"]["details"]
    assert detail["message"].startswith("force was given 3 times with different values")


def test_a_dfe_code_as_a_number_and_a_csv_spelling_of_a_field_are_understood(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds, la_codes=[383])  # Leeds' DfE code, unquoted
    assert [a["code"] for a in record["areas"]] == [LEEDS]
    body = {"name": "X", "la_codes": [LEEDS], "target_groups": ["neet"]}
    response = geo_client.post(URL, json=body, headers=bearer(keys.leeds))
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == "target_groups"
    assert "did you mean 'target_group'?" in detail["message"]


def test_a_partner_narrows_its_submissions_with_the_public_filters(
    geo_client: TestClient, keys: Keys
) -> None:
    leeds = submit(geo_client, keys.west_yorkshire, name="Leeds hub", la_codes=[LEEDS])
    bradford = submit(geo_client, keys.west_yorkshire, name="Bradford hub", la_codes=["Bradford"])
    geo_client.post(
        f"{URL}/{bradford['id']}/reject",
        json={"reason": "Needs a source"},
        headers=bearer(keys.moderator),
    )

    def ids(**params: str) -> list[int]:
        response = geo_client.get(
            "/api/v1/submissions", params=params, headers=bearer(keys.west_yorkshire)
        )
        assert response.status_code == 200, response.text
        return sorted(item["id"] for item in response.json()["items"])

    assert ids() == sorted([leeds["id"], bradford["id"]])
    assert ids(la="Bradford") == [bradford["id"]]
    assert ids(q="leeds") == [leeds["id"]]
    assert ids(publication_state="Rejected") == [bradford["id"]]
    assert ids(publication_state="submitted,rejected") == sorted([leeds["id"], bradford["id"]])
    assert ids(la="Wakefield") == []  # outside the key: still nothing of anyone else's
    bad = geo_client.get(
        "/api/v1/submissions",
        params={"publication_state": "draft"},
        headers=bearer(keys.west_yorkshire),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "publication_state"
