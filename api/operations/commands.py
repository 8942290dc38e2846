"""`neetmap db backup|restore|prepare`, registered on the `db` group by api/cli.py.

`prepare` is what a deployment runs once per release, before any API worker starts (the
compose file's one-shot `migrate` service): workers never migrate or load data themselves,
so several replicas starting together never race to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api import migrations
from api.commands import boundaries as boundary_commands
from api.commands.common import (
    console,
    database_session,
    reported_errors,
    safe_url,
    say,
    settings,
    writing_engine,
)
from api.commands.national_sample import seed_national_sample
from api.operations.backup import backup, check_backup, restore
from models.geography.catalogue import boundary_version
from models.intake.seed import seed as seed_samples


def db_backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
) -> None:
    """Back the whole database up to one file (SQLite backup API, or pg_dump)."""
    url = settings().database_url
    with writing_engine(), reported_errors(url), console.status("Backing up..."):
        backup(url, path)
    say(f"Backed up {safe_url(url)} to {path} ({path.stat().st_size:,} bytes).")


def db_restore(
    path: Annotated[Path, typer.Argument(help="A file written by `neetmap db backup`.")],
) -> None:
    """Restore a backup into an empty database (a new one, or one only `db upgrade` ran on)."""
    url = settings().database_url
    with reported_errors(url), console.status("Checking the backup..."):
        check_backup(url, path)  # before connecting: a bad file leaves no trace
    with writing_engine(migrated=False), reported_errors(url):
        with console.status("Restoring..."):
            revision = restore(url, path)
    say(f"Restored {path} into {safe_url(url)} (schema at {revision}).")


def db_prepare(
    download: Annotated[
        bool,
        typer.Option(help="Download boundaries from ONS when none are loaded or configured."),
    ] = True,
    vintage: Annotated[str, typer.Option(help="ONS release to download.")] = "2023",
    seed: Annotated[
        bool, typer.Option(help="Load the sample interventions too (as `neetmap seed`).")
    ] = False,
) -> None:
    """Once per release: migrate, load boundaries if none are, optionally the sample data."""
    config = settings()
    url = config.database_url
    with writing_engine(migrated=False), reported_errors(url):
        migrations.upgrade(url, "head")
        say(f"Database at {migrations.current(url)}: {safe_url(url)}")
    with database_session() as session:
        loaded = boundary_version(session) is not None
    if loaded:
        say("Boundaries are already loaded.")
    elif config.boundaries is not None:
        boundary_commands.boundaries_load()
    elif download:
        boundary_commands.boundaries_download(vintage=vintage)
    else:
        say("No boundaries loaded: set NEETMAP_BOUNDARIES or pass --download.")
    if seed:
        with database_session() as session:
            result = seed_samples(session)
            session.commit()
        say(f"Sample interventions: {result.added} added, {result.skipped} already present.")
        seed_national_sample(config)
