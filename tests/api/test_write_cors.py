"""CORS for partners' browser apps that write: preflights for the configured origins only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

PARTNER = "https://neet.leeds.example"
ASKED = "authorization, idempotency-key, if-match, content-type"


def _preflight(client: TestClient, origin: str, method: str, headers: str = ASKED) -> object:
    return client.options(
        "/api/v1/interventions/1",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_a_configured_origin_may_write(settings: Settings, method: str) -> None:
    configured = settings.model_copy(
        update={"cors_write_origins": [PARTNER, "https://other.example"]}
    )
    with TestClient(create_app(configured)) as client:
        response = _preflight(client, PARTNER, method)
        assert response.status_code == 200, response.text
        assert response.headers["access-control-allow-origin"] == PARTNER
        assert method in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        assert all(h.strip() in allowed for h in ASKED.split(","))
        assert "Origin" in response.headers["vary"]
        elsewhere = _preflight(client, "https://evil.example", method)
        assert elsewhere.status_code == 400
        assert elsewhere.json()["error"]["code"] == "cors_not_allowed"
        odd = _preflight(client, PARTNER, method, "authorization, x-secret")
        assert odd.status_code == 400
        assert "x-secret" in odd.json()["error"]["message"]
        read = client.get("/healthz", headers={"Origin": PARTNER})
        assert read.headers["access-control-allow-origin"] == "*"  # reads stay open to all


def test_no_origin_may_write_by_default(client: TestClient) -> None:
    response = _preflight(client, PARTNER, "POST")
    assert response.status_code == 400
    read = _preflight(client, PARTNER, "GET", "")
    assert read.status_code == 200
    assert read.headers["access-control-allow-origin"] == "*"


def test_write_origins_are_read_from_a_comma_separated_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEETMAP_CORS_WRITE_ORIGINS", f"{PARTNER}, https://b.example ,")
    assert Settings().cors_write_origins == [PARTNER, "https://b.example"]
