"""Fixtures: every database test runs on SQLite and on PostgreSQL/PostGIS, built by the migrations.

Each test run creates its own PostgreSQL database and drops it afterwards. When no PostgreSQL
answers, the PostgreSQL half is skipped with a message, except in CI (`CI=true`), where a
missing server is a failure: CI must test both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

# Schemathesis imports its OpenAPI machinery lazily, from inside a test, where pytest rewrites
# its asserts. Parsed that deep in the stack, CPython 3.11.7's AST constructor can fail with
# "recursion depth mismatch" (a SystemError seen in CI); imported here it is parsed once, shallow.
import schemathesis.specs.openapi.schemas  # noqa: F401
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url, text
from sqlmodel import Session

from api.main import create_app
from api.migrations import upgrade
from api.settings import Settings
from models.engine import create_db_engine
from models.interventions.public_version import bump_public_version

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
PG_ADMIN_URL = os.environ.get(
    "NEETMAP_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
#: Deleted after each test, children first (history has no cascade, on purpose).
DATA_TABLES = (
    "idempotency_record",
    "intervention_version",
    "intervention_head",
    "venue",
    "intervention_term",
    "intervention_area",
    "intervention",
)


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc.__class__.__name__})"


def require_postgres() -> None:
    """Skip (or, in CI, fail) when there is no PostgreSQL server to test against."""
    problem = _pg_reachable()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{problem}; CI must run the PostgreSQL tests.")
    pytest.skip(f"{problem}: skipping the PostgreSQL tests.")


def database_url_on(admin_url: str, name: str) -> str:
    """The SQLAlchemy URL of database `name` on the admin URL's server, user and options."""
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def create_pg_database() -> str:
    """A new empty database on the server of NEETMAP_TEST_PG_ADMIN; returns its URL."""
    name = f"neetmap_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url_on(PG_ADMIN_URL, name)


def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_database_url(backend: str, tmp_dir: Path) -> str:
    if backend == "postgresql":
        require_postgres()
        return create_pg_database()
    return f"sqlite:///{tmp_dir / f'neetmap-{uuid.uuid4().hex[:8]}.db'}"


def discard_database(url: str) -> None:
    if url.startswith("postgresql"):
        drop_pg_database(url)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database shared by the session's tests; tests clean their rows up."""
    url = empty_database_url(backend, tmp_path_factory.mktemp("db"))
    upgrade(url)
    yield url
    discard_database(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
    _delete_data(engine)


def _delete_data(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in DATA_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
        bump_public_version(conn)  # a Core delete announces itself, as loaders do


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """An HTTP client on the real app (lifespan included) over the migrated database."""
    with TestClient(create_app(settings)) as client:
        yield client
    _delete_data(engine)


@pytest.fixture
def seeded(session: Session) -> Session:
    """The embedded sample data, committed."""
    from models.intake.seed import seed

    seed(session)
    session.commit()
    return session


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"the shared data folder {SHARED} is missing; CI must test real data")
        pytest.skip(f"the shared data folder {SHARED} is not present")
    return SHARED


LA_2023_BUC = "geodata/boundaries/ctyua_2023_buc/CTYUA_MAY_2023_UK_BUC.shp"
REGIONS_2023 = "geodata/boundaries/regions_2023_buc/Regions_December_2023_Boundaries_EN_BUC.geojson"
DFE_LAS = "geodata/lookups/dfe_las.csv"


@pytest.fixture(scope="session")
def boundaries(engine: Engine, shared_dir: Path) -> Engine:
    """The May 2023 LA boundaries, the regions file and the DfE list, loaded once per backend."""
    from models.vintages.loading import load_boundary_inputs, read_boundary_inputs

    inputs = read_boundary_inputs(
        shared_dir / LA_2023_BUC,
        regions=shared_dir / REGIONS_2023,
        la_codes=shared_dir / DFE_LAS,
    )
    with Session(engine) as session:
        load_boundary_inputs(session, inputs)
        session.commit()
    return engine


@pytest.fixture
def geo_client(boundaries: Engine, client: TestClient) -> TestClient:
    """A client over a database with real boundaries loaded."""
    return client
