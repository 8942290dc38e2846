"""Security of the write API: keys, scope, roles, what the public sees, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app as cli
from api.settings import get_settings
from models.partners import accounts as account
from tests.api.partner_keys import (
    LEEDS,
    WAKEFIELD,
    Keys,
    bearer,
    delete_submission_data,
    issue_keys,
    publish,
    submit,
)

URL = "/api/v1/interventions"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up (and `seeded`'s) runs after the history is deleted."""
    yield from issue_keys(engine)


ENDPOINTS = [
    ("POST", URL, {"name": "X", "la_codes": [LEEDS]}),
    ("PATCH", f"{URL}/1", {"name": "X"}),
    ("DELETE", f"{URL}/1", None),
    ("POST", f"{URL}/1/publish", None),
    ("POST", f"{URL}/1/reject", {"reason": "no"}),
    ("GET", f"{URL}/1/history", None),
    ("GET", "/api/v1/submissions", None),
    ("GET", "/api/v1/submissions/1", None),
    ("GET", "/api/v1/moderation", None),
    ("POST", "/api/v1/imports", None),
]


def _call(client: TestClient, method: str, url: str, body: Any, **headers: str) -> Any:
    return client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
def test_no_key_wrong_key_and_revoked_key_are_401(
    geo_client: TestClient, keys: Keys, engine: Engine, method: str, url: str, body: Any
) -> None:
    prefix = account.prefix_of(keys.leeds)
    wrong_secret = f"{prefix}_{'x' * 43}"
    for headers in ({}, bearer("nonsense"), bearer(wrong_secret), {"Authorization": "Basic x"}):
        response = _call(geo_client, method, url, body, **headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        detail = response.json()["error"]["details"][0]
        assert (detail["field"], detail["location"]) == ("Authorization", "header")
    with engine.begin() as conn:
        conn.execute(text("UPDATE api_key SET revoked_at = CURRENT_TIMESTAMP"))
    revoked = _call(geo_client, method, url, body, **bearer(keys.leeds))
    assert revoked.status_code == 401


def test_partners_cannot_write_outside_their_las(geo_client: TestClient, keys: Keys) -> None:
    created = geo_client.post(
        URL, json={"name": "X", "la_codes": [LEEDS, WAKEFIELD]}, headers=bearer(keys.leeds)
    )
    assert created.status_code == 403
    assert "E08000036 Wakefield" in created.json()["error"]["message"]
    detail = created.json()["error"]["details"][0]
    assert (detail["field"], detail["location"]) == ("la_codes", "body")

    theirs = submit(geo_client, keys.wakefield, la_codes=[WAKEFIELD])
    live = publish(geo_client, keys.moderator, theirs["id"])
    edit = geo_client.patch(
        f"{URL}/{theirs['id']}",
        json={"name": "Taken over"},
        headers=bearer(keys.leeds, **{"If-Match": live["etag"]}),
    )
    assert edit.status_code == 403
    assert "Wakefield" in edit.json()["error"]["message"]
    withdraw = geo_client.delete(f"{URL}/{theirs['id']}", headers=bearer(keys.leeds))
    assert withdraw.status_code == 403

    mine = submit(geo_client, keys.leeds)
    moved = geo_client.patch(
        f"{URL}/{mine['id']}",
        json={"la_codes": [WAKEFIELD]},
        headers=bearer(keys.leeds, **{"If-Match": mine["etag"]}),
    )
    assert moved.status_code == 403
    assert geo_client.get(f"{URL}/{theirs['id']}").json()["name"] == theirs["name"]


def test_a_record_a_partner_can_see_but_not_wholly_write_is_403_not_404(
    geo_client: TestClient, keys: Keys
) -> None:
    """Unpublished records of other LAs stay 404 (their existence is not revealed); a record
    the partner can see, because it serves one of its LAs too, or is published, is a 403."""
    shared = geo_client.post(
        URL, json={"name": "Shared", "la_codes": [LEEDS, WAKEFIELD]}, headers=bearer(keys.admin)
    ).json()
    url = f"{URL}/{shared['id']}"
    seen = geo_client.get(f"/api/v1/submissions/{shared['id']}", headers=bearer(keys.leeds))
    assert seen.status_code == 200
    edited = geo_client.patch(
        url, json={"name": "Mine now"}, headers=bearer(keys.leeds, **{"If-Match": shared["etag"]})
    )
    assert edited.status_code == 403
    assert "E08000036 Wakefield" in edited.json()["error"]["message"]
    assert geo_client.delete(url, headers=bearer(keys.leeds)).status_code == 403

    theirs = submit(geo_client, keys.wakefield, name="Theirs", la_codes=[WAKEFIELD])
    hidden = f"{URL}/{theirs['id']}"
    headers = bearer(keys.leeds, **{"If-Match": theirs["etag"]})
    assert geo_client.patch(hidden, json={"name": "x"}, headers=headers).status_code == 404
    assert geo_client.delete(hidden, headers=bearer(keys.leeds)).status_code == 404
    state = geo_client.get(f"/api/v1/submissions/{shared['id']}", headers=bearer(keys.admin))
    assert (state.json()["name"], state.json()["publication_state"]) == ("Shared", "submitted")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>"])
def test_only_web_addresses_are_stored_as_links(
    geo_client: TestClient, keys: Keys, url: str
) -> None:
    created = geo_client.post(
        URL,
        json={"name": "X", "la_codes": [LEEDS], "source": {"url": url}},
        headers=bearer(keys.leeds),
    )
    assert created.status_code == 422
    assert created.json()["error"]["details"][0]["field"] == "source.url"
    record = submit(geo_client, keys.leeds)
    edited = geo_client.patch(
        f"{URL}/{record['id']}",
        json={"website": url, "contact_email": "<img src=x>@example.org"},
        headers=bearer(keys.leeds, **{"If-Match": record["etag"]}),
    )
    assert [d["field"] for d in edited.json()["error"]["details"]] == ["website", "contact_email"]
    upload = geo_client.post(
        "/api/v1/imports",
        content=f'name,la_codes,source_url\nA,{LEEDS},"{url}"\n',
        params={"dry_run": "true"},
        headers=bearer(keys.leeds, **{"Content-Type": "text/csv"}),
    )
    assert [p["column"] for p in upload.json()["problems"]] == ["source_url"]


def test_csv_rows_outside_the_scope_are_403_and_nothing_is_stored(
    geo_client: TestClient, keys: Keys
) -> None:
    csv = f"name,la_codes\nOurs,{LEEDS}\nTheirs,Wakefield\n"
    response = geo_client.post(
        "/api/v1/imports", content=csv, headers=bearer(keys.leeds, **{"Content-Type": "text/csv"})
    )
    assert response.status_code == 403
    detail = response.json()["error"]["details"][0]
    assert (detail["row"], detail["field"]) == (3, "la_codes")
    assert "Wakefield" in detail["message"]
    mine = geo_client.get("/api/v1/submissions", headers=bearer(keys.moderator)).json()
    assert mine["total"] == 0


def test_partners_cannot_moderate(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds)
    for path in ("publish", "reject"):
        response = geo_client.post(
            f"{URL}/{record['id']}/{path}", json={"reason": "mine"}, headers=bearer(keys.leeds)
        )
        assert response.status_code == 403
    assert geo_client.get("/api/v1/moderation", headers=bearer(keys.leeds)).status_code == 403
    state = geo_client.get(f"/api/v1/submissions/{record['id']}", headers=bearer(keys.leeds))
    assert state.json()["publication_state"] == "submitted"


def test_unpublished_records_and_counts_never_reach_public_endpoints(
    geo_client: TestClient, keys: Keys
) -> None:
    def leeds_count() -> int:
        features = geo_client.get("/api/v1/areas", params={"geometry": "none"}).json()
        return next(
            f["properties"]["intervention_count"]
            for f in features["features"]
            if f["properties"]["code"] == LEEDS
        )

    live = submit(geo_client, keys.leeds, name="Live name")
    live_etag = publish(geo_client, keys.moderator, live["id"])["etag"]
    hidden = submit(geo_client, keys.leeds, name="Hidden submission")
    rejected = submit(geo_client, keys.leeds, name="Rejected submission")
    geo_client.post(
        f"{URL}/{rejected['id']}/reject", json={"reason": "no"}, headers=bearer(keys.moderator)
    )
    geo_client.patch(
        f"{URL}/{live['id']}",
        json={"name": "Pending edit"},
        headers=bearer(keys.leeds, **{"If-Match": live_etag}),
    )

    listing = geo_client.get(URL, params={"limit": 500}).json()
    assert [i["name"] for i in listing["items"]] == ["Live name"]
    assert listing["total"] == 1
    assert leeds_count() == 1
    for record in (hidden, rejected):
        assert geo_client.get(f"{URL}/{record['id']}").status_code == 404
    text_search = geo_client.get(URL, params={"q": "submission"}).json()
    assert text_search["total"] == 0
    geo_client.delete(f"{URL}/{live['id']}", headers=bearer(keys.leeds))
    assert geo_client.get(URL).json()["total"] == 0
    assert leeds_count() == 0


def test_others_unpublished_records_are_not_found(geo_client: TestClient, keys: Keys) -> None:
    theirs = submit(geo_client, keys.wakefield, la_codes=[WAKEFIELD])
    for path in (f"/api/v1/submissions/{theirs['id']}", f"{URL}/{theirs['id']}/history"):
        assert geo_client.get(path, headers=bearer(keys.leeds)).status_code == 404
        assert geo_client.get(path, headers=bearer(keys.wakefield)).status_code == 200
    listed = geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    assert listed["total"] == 0


def test_keys_are_compared_in_constant_time_and_stored_only_as_hashes(
    geo_client: TestClient, keys: Keys, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[str, str]] = []
    real = account.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(account.hmac, "compare_digest", spy)
    prefix = account.prefix_of(keys.leeds)
    for presented in (f"{prefix}_wrongsecret", "nmk_00000000_unknownprefix", keys.leeds):
        geo_client.get("/api/v1/submissions", headers=bearer(presented))
    assert len(compared) == 3  # a wrong secret, an unknown prefix and the right key alike

    with engine.connect() as conn:
        rows = conn.execute(text("SELECT prefix, hash FROM api_key")).all()
    stored = " ".join(f"{p} {h}" for p, h in rows)
    assert keys.leeds not in stored
    assert account.hash_key(keys.leeds) in stored


def test_the_audit_history_cannot_be_edited(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds, name="Original")
    history_url = f"{URL}/{record['id']}/history"
    before = geo_client.get(history_url, headers=bearer(keys.admin)).json()
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        response = geo_client.request(
            method, history_url, json={"versions": []}, headers=bearer(keys.admin)
        )
        assert response.status_code == 405, method
    geo_client.patch(
        f"{URL}/{record['id']}",
        json={"name": "Changed"},
        headers=bearer(keys.leeds, **{"If-Match": record["etag"]}),
    )
    after = geo_client.get(history_url, headers=bearer(keys.admin)).json()
    assert after["versions"][0] == before["versions"][0]
    assert after["versions"][0]["snapshot"]["name"] == "Original"
    assert len(after["versions"]) == 2


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch, boundaries: Engine) -> Any:
    monkeypatch.setenv("NEETMAP_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()
    delete_submission_data(boundaries)


def test_keys_cli_create_list_revoke(cli_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(
        cli, ["keys", "create", "--name", "North Yorks", "--la", "E10000023", "--la", "Leeds"]
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("nmk_")
    assert "E06000065" in created.output  # the superseded North Yorkshire code, now current

    region = runner.invoke(
        cli, ["keys", "create", "--name", "Y&H", "--region", "Yorkshire and The Humber"]
    )
    assert region.exit_code == 0
    assert "E08000036" in region.output
    authority = runner.invoke(
        cli, ["keys", "create", "--name", "WY", "--combined-authority", "West Yorkshire"]
    )
    assert authority.exit_code == 0, authority.output
    assert "E08000032, E08000033, E08000034, E08000035, E08000036" in authority.output
    as_region = runner.invoke(cli, ["keys", "create", "--name", "WY", "--region", "West Yorkshire"])
    assert as_region.exit_code == 1
    assert "--combined-authority" in as_region.output
    unknown = runner.invoke(
        cli, ["keys", "create", "--name", "X", "--combined-authority", "Wessex"]
    )
    assert unknown.exit_code == 1
    assert "not a mayoral combined authority" in unknown.output
    no_la = runner.invoke(cli, ["keys", "create", "--name", "Nobody"])
    assert no_la.exit_code == 1
    bad = runner.invoke(cli, ["keys", "create", "--name", "Bad", "--la", "Atlantis"])
    assert bad.exit_code == 1
    assert "Atlantis" in bad.output

    listed = runner.invoke(cli, ["keys", "list"])
    assert "North Yorks" in listed.output
    assert secret not in listed.output
    prefix = account.prefix_of(secret)
    assert prefix is not None
    assert runner.invoke(cli, ["keys", "revoke", prefix]).exit_code == 0
    csv = tmp_path / "one.csv"
    csv.write_text(f"name,la_codes\nA,{LEEDS}\n", encoding="utf-8")
    refused = runner.invoke(cli, ["import", str(csv), "--key", secret, "--dry-run"])
    assert refused.exit_code == 1
    assert "revoked" in refused.output


def test_nul_characters_are_422_not_a_database_error(geo_client: TestClient, keys: Keys) -> None:
    created = geo_client.post(
        URL, json={"name": "a\x00b", "la_codes": [LEEDS]}, headers=bearer(keys.leeds)
    )
    assert created.status_code == 422
    assert created.json()["error"]["details"][0]["field"] == "name"
    record = submit(geo_client, keys.leeds)
    edited = geo_client.patch(
        f"{URL}/{record['id']}",
        json={"source": {"quote": "x\x00"}},
        headers=bearer(keys.leeds, **{"If-Match": record["etag"]}),
    )
    assert edited.status_code == 422
    assert edited.json()["error"]["details"][0]["field"] == "source.quote"
    reason = geo_client.post(
        f"{URL}/{record['id']}/reject", json={"reason": "no\x00"}, headers=bearer(keys.admin)
    )
    assert reason.status_code == 422
    upload = geo_client.post(
        "/api/v1/imports",
        content=f"name,la_codes\na\x00b,{LEEDS}\n",
        headers=bearer(keys.leeds, **{"Content-Type": "text/csv"}),
    )
    assert upload.status_code == 422
    assert upload.json()["report"]["problems"][0]["column"] == "name"
