"""The `neetmap` command line: serve, migrate, seed (and, as the service grows, load and import)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console
from sqlmodel import Session

from api import migrations
from api.settings import get_settings
from models.engine import create_db_engine
from models.seed import seed as seed_samples

app = typer.Typer(
    help="neetmap: NEET early interventions in England, mapped.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Create, upgrade or downgrade the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console(stderr=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the API with uvicorn (OpenAPI docs at /docs)."""
    import uvicorn

    settings = get_settings()
    console.print(
        f"neetmap on http://{host}:{port}  (database: {_safe_url(settings.database_url)})"
    )
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level,
        proxy_headers=True,
    )


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create the database or bring it up to date with the migrations."""
    url = get_settings().database_url
    with console.status("Migrating the database..."):
        migrations.upgrade(url, revision)
    console.print(f"Database at {revision}: {_safe_url(url)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Step the schema back (data in dropped tables is lost)."""
    url = get_settings().database_url
    migrations.downgrade(url, revision)
    console.print(f"Database at {revision}: {_safe_url(url)}")


@app.command()
def seed() -> None:
    """Load the sample interventions from the seed documents (a second run adds nothing)."""
    engine = create_db_engine(get_settings().database_url)
    with console.status("Loading sample interventions..."), Session(engine) as session:
        result = seed_samples(session)
        session.commit()
    engine.dispose()
    console.print(f"Sample interventions: {result.added} added, {result.skipped} already present.")


def _safe_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:  # pragma: no cover - console script entry
    logging.basicConfig(level=logging.WARNING)
    app()
