"""Features whose data is not loaded answer 200 with that part empty and a warning saying so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.main import create_app
from api.migrations import upgrade
from api.settings import Settings
from models.engine import create_db_engine
from models.vintages.loading import load_boundary_inputs, read_boundary_inputs
from tests.conftest import DFE_LAS, LA_2023_BUC, REGIONS_2023


@pytest.fixture
def without_context(tmp_path: Path, shared_dir: Path) -> Iterator[TestClient]:
    """A new SQLite database with boundaries but no context ever loaded."""
    url = f"sqlite:///{tmp_path / 'no-context.db'}"
    upgrade(url)
    inputs = read_boundary_inputs(
        shared_dir / LA_2023_BUC, regions=shared_dir / REGIONS_2023, la_codes=shared_dir / DFE_LAS
    )
    engine = create_db_engine(url)
    with Session(engine) as session:
        load_boundary_inputs(session, inputs)
        session.commit()
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield client


def test_with_context_and_no_context_loaded_is_a_200_with_empty_context_and_a_warning(
    without_context: TestClient,
) -> None:
    coverage = without_context.get("/api/v1/coverage", params={"with_context": "true"})
    assert coverage.status_code == 200, coverage.text
    body = coverage.json()
    assert body["items"]
    assert all(item["context"] is None for item in body["items"])
    assert body["context_version"] is None
    assert any("context" in warning for warning in body["warnings"])

    stats = without_context.get(
        "/api/v1/stats", params={"group_by": "region", "with_context": "true"}
    )
    assert stats.status_code == 200, stats.text
    assert any("context" in warning for warning in stats.json()["warnings"])
    assert not any(stats.json()["context"].values())
