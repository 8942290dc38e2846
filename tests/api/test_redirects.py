"""The trailing-slash redirect names the configured public URL, never the request's Host."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


def test_the_redirect_ignores_a_forged_host(settings: Settings) -> None:
    with TestClient(create_app(settings), follow_redirects=False) as client:
        response = client.get("/api/v1/interventions/?limit=2", headers={"Host": "evil.example"})
    assert response.status_code in {307, 308}
    assert "evil.example" not in response.headers["location"]
    assert response.headers["location"] == "/api/v1/interventions?limit=2"


def test_the_redirect_uses_the_public_url(settings: Settings) -> None:
    public = settings.model_copy(update={"public_url": "https://neetmap.example.org/"})
    with TestClient(create_app(public), follow_redirects=False) as client:
        response = client.get("/api/v1/interventions/", headers={"Host": "evil.example"})
    assert response.headers["location"] == "https://neetmap.example.org/api/v1/interventions"
    with TestClient(create_app(settings)) as client:
        followed = client.get("/api/v1/interventions/")
    assert followed.status_code == 200  # a relative Location still leads to the list
