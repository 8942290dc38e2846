"""The `neetmap` command line: serve, migrate, seed, and the command groups.

Every expected failure (a bad file, no network, no schema) ends as one red line on stderr
and exit code 1, through api/commands/common.py: the message already says what to do, and a
traceback would bury it.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Annotated

import typer
from rich.logging import RichHandler

from api import migrations
from api.commands import boundaries as boundary_commands
from api.commands import context as context_commands
from api.commands import imports as import_commands
from api.commands import keys as key_commands
from api.commands import national_sample as sample_commands
from api.commands import oruk as oruk_commands
from api.commands.common import (
    console,
    database_session,
    fail,
    reported_errors,
    safe_url,
    say,
    settings,
    writing_engine,
)
from api.operations import commands as operation_commands
from models.intake.seed import seed as seed_samples

app = typer.Typer(
    help="neetmap: NEET early interventions in England, mapped.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Create, upgrade or downgrade the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(boundary_commands.app, name="boundaries")
app.add_typer(context_commands.app, name="context")
app.add_typer(key_commands.app, name="keys")
app.add_typer(oruk_commands.app, name="oruk")
app.command("import")(import_commands.import_file)
db_app.command("backup")(operation_commands.db_backup)
db_app.command("restore")(operation_commands.db_restore)
db_app.command("prepare")(operation_commands.db_prepare)


@app.callback()
def _logging() -> None:
    """Warnings (e.g. interventions moved to successor LAs by a boundary load) go to the console."""
    handler = RichHandler(console=console, show_time=False, show_path=False, markup=False)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", handlers=[handler])


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the API with uvicorn on uvloop and httptools (OpenAPI docs at /docs).

    Several workers each accept on their own SO_REUSEPORT socket (`api.serving.workers`)."""
    import uvicorn

    from api.serving.workers import SERVER_OPTIONS, reuse_port_supported, run_workers

    config = settings()
    boundary_commands.boundaries_for_serving(config)
    _check_free(host, port)
    say(f"neetmap on http://{host}:{port}  (database: {safe_url(config.database_url)})")
    if workers > 1 and not reload and reuse_port_supported:
        run_workers(host, port, workers, config.log_level)
        return
    uvicorn.run(
        **SERVER_OPTIONS,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=config.log_level,
    )


def _check_free(host: str, port: int) -> None:
    """Fail in one line before start-up when the address is taken: uvicorn would start the
    app, log the error among its start-up lines, then shut down again."""
    try:
        socket.create_server((host, port)).close()
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        fail(f"Cannot listen on {host}:{port}: {reason}. Stop what uses it or pass --port.")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create the database or bring it up to date with the migrations."""
    url = settings().database_url
    with writing_engine(migrated=False), reported_errors(url):
        with console.status("Migrating the database..."):
            migrations.upgrade(url, revision)
        reached = migrations.current(url)
    say(f"Database at {reached}: {safe_url(url)}")


# "-1" is a revision, not an option.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Step the schema back (data in dropped tables is lost)."""
    url = settings().database_url
    with writing_engine(migrated=False), reported_errors(url):
        migrations.downgrade(url, revision)
        reached = migrations.current(url)
    say(f"Database at {reached}: {safe_url(url)}")


@app.command()
def seed(
    documents_only: Annotated[
        bool,
        typer.Option(
            "--documents-only",
            help="Load only the seed documents' records, not the national sample.",
        ),
    ] = False,
) -> None:
    """Load the sample interventions: the seed documents' records and the national sample
    compiled from public pages, checked as a partner import is (a second run adds nothing)."""
    with database_session() as session, console.status("Loading sample interventions..."):
        result = seed_samples(session)
        session.commit()
    say(f"Sample interventions: {result.added} added, {result.skipped} already present.")
    if not documents_only:
        sample_commands.seed_national_sample(settings())


def main() -> None:  # pragma: no cover - console script entry
    app()
