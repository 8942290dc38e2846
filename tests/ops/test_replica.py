"""NEETMAP_READ_DATABASE_URL: public GETs read the replica; writes and keyed reads the primary.

Two real PostgreSQL databases stand for a primary and its replica. They hold different data
on purpose, so every answer shows which one it came from.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.main import create_app
from api.migrations import upgrade
from api.settings import Settings
from models.engine import create_db_engine
from models.intake.seed import seed
from models.partners.keys import create_key
from tests.api.partner_keys import bearer
from tests.conftest import create_pg_database, drop_pg_database, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def primary_and_replica() -> Iterator[tuple[str, str, int, str]]:
    """(primary URL, replica URL, records on the replica only, a moderator key on the primary)."""
    require_postgres()
    primary, replica = create_pg_database(), create_pg_database()
    try:
        for url in (primary, replica):
            upgrade(url)
        engine = create_db_engine(replica)
        with Session(engine) as session:
            added = seed(session).added
            session.commit()
        engine.dispose()
        engine = create_db_engine(primary)
        with Session(engine) as session:
            _, key = create_key(session, "Moderator", "moderator", [])
            session.commit()
        engine.dispose()
        yield primary, replica, added, key
    finally:
        drop_pg_database(primary)
        drop_pg_database(replica)


def test_public_reads_go_to_the_replica_and_keyed_reads_to_the_primary(
    primary_and_replica: tuple[str, str, int, str],
) -> None:
    primary, replica, on_replica, key = primary_and_replica
    assert on_replica > 0
    app = create_app(Settings(database_url=primary, read_database_url=replica))
    with TestClient(app) as client:
        public = client.get("/api/v1/interventions")
        assert public.status_code == 200
        assert public.json()["total"] == on_replica
        keyed = client.get("/api/v1/submissions", headers=bearer(key))
        assert keyed.status_code == 200, "the key exists on the primary only"
        assert keyed.json()["total"] == 0
        written = client.post("/api/v1/interventions", json={}, headers=bearer(key))
        # The key was accepted (not 401): the write went to the primary, which then has no
        # boundaries to check the LAs against.
        assert written.status_code == 503, written.text
        assert "boundar" in written.json()["error"]["message"]
        metrics = client.get("/metrics").text
        assert 'neetmap_db_pool_size{engine="replica"}' in metrics


def test_without_a_replica_everything_reads_the_primary(
    primary_and_replica: tuple[str, str, int, str],
) -> None:
    primary, _, _, _ = primary_and_replica
    with TestClient(create_app(Settings(database_url=primary, read_database_url=""))) as client:
        assert client.get("/api/v1/interventions").json()["total"] == 0
