"""Rate limits per key and per client address (429, Retry-After readable through CORS) and
the security headers, on the real app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.main import create_app
from api.settings import Settings

ORIGIN = {"Origin": "https://maps.example"}
KEY_A = "nmk_0000aaaa_" + "a" * 43


@pytest.fixture
def limited(database_url: str) -> Iterator[FastAPI]:
    app = create_app(
        Settings(
            database_url=database_url, rate_limit_writes="3/minute", rate_limit_reads="2/minute"
        )
    )
    with TestClient(app):
        yield app


def _post(client: TestClient, key: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post("/api/v1/interventions", json={}, headers=headers).status_code


def test_writes_are_limited_per_address_with_retry_after_through_cors(limited: FastAPI) -> None:
    client = TestClient(limited, client=("192.0.2.1", 5000))
    assert [_post(client) for _ in range(3)] == [401, 401, 401]
    refused = client.post("/api/v1/interventions", json={}, headers=ORIGIN)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "at most 3 per minute" in refused.json()["error"]["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["access-control-allow-origin"] in {"*", ORIGIN["Origin"]}
    assert "retry-after" in refused.headers["access-control-expose-headers"].lower()
    other = TestClient(limited, client=("192.0.2.2", 5000))
    assert _post(other) == 401, "another address has its own count"


def test_writes_are_limited_per_key_across_addresses(limited: FastAPI) -> None:
    addresses = [TestClient(limited, client=(f"192.0.2.{n}", 5000)) for n in (10, 11, 12, 13)]
    assert [_post(c, KEY_A) for c in addresses[:3]] == [401, 401, 401]
    assert _post(addresses[3], KEY_A) == 429
    assert _post(addresses[3]) == 401, "the address itself is within its limit"


def test_expensive_reads_are_limited_and_cheap_ones_not(limited: FastAPI) -> None:
    client = TestClient(limited, client=("192.0.2.20", 5000))
    statuses = [client.get("/api/v1/stats?group_by=status").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert all(client.get("/livez").status_code == 200 for _ in range(5))
    assert client.get("/api/v1/typology").status_code == 200


def test_limits_can_be_switched_off(database_url: str) -> None:
    app = create_app(
        Settings(database_url=database_url, rate_limits=False, rate_limit_writes="1/minute")
    )
    with TestClient(app) as client:
        assert [_post(client) for _ in range(3)] == [401, 401, 401]


def test_a_rate_that_is_not_one_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="rate_limit_writes"):
        Settings(rate_limit_writes="lots")


def test_html_pages_get_a_strict_policy_and_json_gets_nosniff(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    app.add_api_route("/page-for-test", lambda: HTMLResponse("<p>map</p>"))
    page = client.get("/page-for-test")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert page.headers["x-content-type-options"] == "nosniff"
    data = client.get("/api/v1/typology")
    assert data.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in data.headers
