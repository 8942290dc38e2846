"""Settings come from NEETMAP_* variables; building the app touches nothing."""

import pytest

from api.main import create_app
from api.settings import Settings
from models.engine import UnsupportedDatabaseUrl


def test_environment_prefix_and_url_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEETMAP_DATABASE_URL", "postgres://u:p@db/neetmap")
    monkeypatch.setenv("NEETMAP_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("NEETMAP_LOG_LEVEL", "debug")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u:p@db/neetmap"
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.log_level == "debug"


@pytest.mark.parametrize(
    "pasted",
    [
        "postgres://u:p@db/neetmap",
        "postgresql://u:p@db/neetmap",
        "postgresql+psycopg2://u:p@db/neetmap",
    ],
)
def test_postgres_aliases_use_psycopg(pasted: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEETMAP_DATABASE_URL", pasted)
    assert Settings().database_url == "postgresql+psycopg://u:p@db/neetmap"


@pytest.mark.parametrize("url", ["postgresql+asyncpg://u@db/n", "mysql://x@y/z", "oracle://u@h/x"])
def test_the_app_refuses_a_driver_it_does_not_ship_before_starting(url: str) -> None:
    with pytest.raises(UnsupportedDatabaseUrl, match="which neetmap does not use: write"):
        create_app(Settings(database_url=url))


def test_default_is_an_embedded_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEETMAP_DATABASE_URL", raising=False)
    assert Settings().database_url.startswith("sqlite:///")


def test_creating_the_app_does_not_connect() -> None:
    app = create_app(Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    assert not hasattr(app.state, "engine")
