"""`/livez` and `/readyz`: ready only with a reachable database at the head migration and
boundaries loaded, with a 503 naming the reason otherwise; `/healthz` as before."""

from __future__ import annotations

from collections.abc import Callable

from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

from api.main import create_app
from api.migrations import alembic_config, upgrade
from api.settings import Settings


def _ready(url: str) -> tuple[int, dict[str, object], dict[str, str]]:
    with TestClient(create_app(Settings(database_url=url))) as client:
        response = client.get("/readyz")
        live = client.get("/livez")
        assert live.status_code == 200
        assert live.json() == {"status": "alive"}
        return response.status_code, response.json(), dict(response.headers)


def test_ready_with_schema_and_boundaries(geo_client: TestClient) -> None:
    response = geo_client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready"
    assert response.headers["cache-control"] == "no-store"
    assert geo_client.get("/healthz").status_code == 200


def test_not_ready_without_a_schema(new_database: Callable[[], str]) -> None:
    status, body, headers = _ready(new_database())
    assert status == 503
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "not_ready"
    assert "no schema" in error["message"]
    assert "neetmap db upgrade" in error["message"]
    assert headers["retry-after"] == "5"


def test_not_ready_half_migrated(new_database: Callable[[], str]) -> None:
    url = new_database()
    scripts = ScriptDirectory.from_config(alembic_config(url))
    below = scripts.get_revision("head").down_revision
    assert isinstance(below, str)
    upgrade(url, below)
    status, body, _ = _ready(url)
    assert status == 503
    error = body["error"]
    assert isinstance(error, dict)
    assert f"is at {below}" in error["message"]
    assert [d["field"] for d in error["details"]] == ["schema"]


def test_not_ready_without_boundaries_while_healthz_says_ok(
    new_database: Callable[[], str],
) -> None:
    url = new_database()
    upgrade(url)
    status, body, _ = _ready(url)
    assert status == 503
    error = body["error"]
    assert isinstance(error, dict)
    assert [d["field"] for d in error["details"]] == ["boundaries"]
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/healthz").status_code == 200


def test_not_ready_when_the_database_does_not_answer() -> None:
    # Port 1 on loopback refuses at once: a database that is down.
    url = "postgresql+psycopg://neetmap@127.0.0.1:1/neetmap"
    status, body, _ = _ready(url)
    assert status == 503
    error = body["error"]
    assert isinstance(error, dict)
    assert error["message"] == "Not ready: database does not answer."
