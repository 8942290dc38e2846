"""Running the Alembic migrations from code (the CLI, tests and the Docker entrypoint)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

_REPO_ROOT = Path(__file__).resolve().parent.parent


def script_location() -> Path:
    """The migrations folder: beside the packages in a checkout, inside `api` in a wheel."""
    for candidate in (_REPO_ROOT / "alembic", Path(__file__).resolve().parent / "_alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("The alembic migrations folder is missing from this installation.")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
