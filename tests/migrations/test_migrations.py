"""Migrations own the schema: they build exactly what the models describe, up and down."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import models  # noqa: F401
from api.migrations import downgrade, upgrade
from models.engine import create_db_engine
from tests.conftest import discard_database, empty_database_url

#: Spatial indexes exist only on PostGIS and are created by the migration, not the metadata.
POSTGIS_ONLY = {"ix_area_geom", "ix_venue_geom"}


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    url = empty_database_url(backend, tmp_path)
    yield url
    discard_database(url)


def _diff(url: str) -> list[object]:
    import geoalchemy2  # noqa: F401  (teaches the PostgreSQL dialect to reflect geometry)

    engine = create_db_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": lambda _obj, name, type_, *_: (
                    not (type_ == "index" and name in POSTGIS_ONLY)
                ),
                "include_name": lambda name, type_, *_: (
                    not (type_ == "table" and name in {"spatial_ref_sys", "alembic_version"})
                ),
            },
        )
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return list(diff)


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names - {"spatial_ref_sys"}


def test_upgrade_head_matches_the_models(empty_url: str) -> None:
    upgrade(empty_url)
    assert _diff(empty_url) == []


def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    upgrade(empty_url)
    assert "intervention" in _tables(empty_url)
    downgrade(empty_url, "base")
    assert _tables(empty_url) == {"alembic_version"}
    upgrade(empty_url)
    assert _diff(empty_url) == []


def test_postgis_geometry_columns_and_gist_indexes(empty_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostGIS-specific")
    upgrade(empty_url)
    engine = create_db_engine(empty_url)
    with engine.connect() as conn:
        from sqlalchemy import text

        kinds = dict(
            conn.execute(
                text(
                    "SELECT f_table_name || '.' || f_geometry_column, type || ':' || srid "
                    "FROM geometry_columns"
                )
            ).all()
        )
        gist = {
            row[0]
            for row in conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gist%'")
            )
        }
    engine.dispose()
    assert kinds["area.geom"] == "MULTIPOLYGON:4326"
    assert kinds["venue.geom"] == "POINT:4326"
    assert POSTGIS_ONLY <= gist
