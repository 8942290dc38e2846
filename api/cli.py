"""The `neetmap` command line: serve, migrate, seed and load boundaries.

Every expected failure (a bad file, no network, no schema) ends as one red line on stderr
and exit code 1: the message already says what to do, and a traceback would bury it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api import migrations
from api.commands import context as context_commands
from api.commands import imports as import_commands
from api.commands import keys as key_commands
from api.settings import Settings, get_settings
from geodata.errors import GeodataError
from geodata.ons import ONS_CTYUA_LAYERS, cache_path, download_layer
from models.boundary_loading import (
    REGIONS_FROM_FILE,
    boundaries_loaded,
    load_boundary_inputs,
    read_boundary_inputs,
)
from models.engine import create_db_engine, for_writing
from models.errors import DomainError
from models.seed import seed as seed_samples

app = typer.Typer(
    help="neetmap: NEET early interventions in England, mapped.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Create, upgrade or downgrade the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
boundaries_app = typer.Typer(
    help="Load LA and region boundaries (ONS) into the database.", no_args_is_help=True
)
app.add_typer(boundaries_app, name="boundaries")
app.add_typer(context_commands.app, name="context")
app.add_typer(key_commands.app, name="keys")
app.command("import")(import_commands.import_file)
console = Console(stderr=True)


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
    """Serve the API with uvicorn (OpenAPI docs at /docs)."""
    import uvicorn

    settings = get_settings()
    _boundaries_for_serving(settings)
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
    engine = for_writing(create_db_engine(get_settings().database_url))
    with console.status("Loading sample interventions..."), Session(engine) as session:
        result = seed_samples(session)
        session.commit()
    engine.dispose()
    console.print(f"Sample interventions: {result.added} added, {result.skipped} already present.")


_PATH_HELP = "LA boundary file or folder (.shp, .gpkg, .geojson). [default: NEETMAP_BOUNDARIES]"
_REGIONS_HELP = "Regions boundary file, else regions are dissolved. [default: NEETMAP_REGIONS]"
_LA_CODES_HELP = "DfE list of LA codes (dfe_las.csv). [default: NEETMAP_LA_CODES]"
_VINTAGE_HELP = f"ONS release: {', '.join(ONS_CTYUA_LAYERS)}."
RegionsOption = Annotated[Path | None, typer.Option(help=_REGIONS_HELP, show_default=False)]
LACodesOption = Annotated[Path | None, typer.Option(help=_LA_CODES_HELP, show_default=False)]
ColumnOption = Annotated[str | None, typer.Option(help="Column to use if not detected.")]


@boundaries_app.command("load")
def boundaries_load(
    path: Annotated[Path | None, typer.Argument(help=_PATH_HELP, show_default=False)] = None,
    code_column: ColumnOption = None,
    name_column: ColumnOption = None,
    regions: RegionsOption = None,
    la_codes: LACodesOption = None,
) -> None:
    """Load LA boundaries from a local ONS file, replacing those loaded before."""
    settings = get_settings()
    path = path or settings.boundaries
    if path is None:
        _fail("No boundary file given: pass PATH or set NEETMAP_BOUNDARIES.")
    regions, la_codes = regions or settings.regions, la_codes or settings.la_codes
    _load_boundaries(
        settings, path, regions, la_codes, code_column=code_column, name_column=name_column
    )


@boundaries_app.command("download")
def boundaries_download(
    vintage: Annotated[str, typer.Option(help=_VINTAGE_HELP)] = "2023",
    refresh: Annotated[bool, typer.Option(help="Download again even if cached.")] = False,
    regions: RegionsOption = None,
    la_codes: LACodesOption = None,
    retries: Annotated[int, typer.Option(min=0, help="Retries per request.")] = 4,
    base_url: Annotated[str | None, typer.Option(hidden=True)] = None,
) -> None:
    """Download LA boundaries from the ONS Open Geography Portal, cache them, and load them."""
    settings = get_settings()
    with _reported_errors():
        dest = cache_path(settings.cache_dir, vintage)
        url = base_url or ONS_CTYUA_LAYERS[vintage]
        if dest.is_file() and not refresh:
            console.print(f"Using the download cached at {dest} (--refresh to fetch again).")
        else:
            _download(url, dest, vintage, retries)
    _load_boundaries(
        settings, dest, regions or settings.regions, la_codes or settings.la_codes, source=url
    )


def _download(url: str, dest: Path, vintage: str, retries: int) -> None:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(f"Downloading {vintage} LA boundaries", total=None)
        try:
            download_layer(
                url,
                dest,
                retries=retries,
                on_page=lambda fetched, total: bar.update(task, completed=fetched, total=total),
            )
        except OSError as exc:  # the cache folder, not the network: DownloadError covers that
            _fail(f"Could not save the download to {dest}: {exc.strerror or exc}.")
    console.print(f"Downloaded {url} to {dest}.")


def _load_boundaries(
    settings: Settings,
    path: Path,
    regions: Path | None,
    la_codes: Path | None,
    **options: str | None,
) -> None:
    """Read every file first (a bad one changes nothing), then replace boundaries in one commit."""
    with _reported_errors():
        with console.status(f"Reading {path}..."):
            inputs = read_boundary_inputs(path, regions=regions, la_codes=la_codes, **options)
        engine = _migrated_engine(settings)
        try:
            with console.status("Writing boundaries..."), Session(engine) as session:
                load = load_boundary_inputs(session, inputs)
                session.commit()
                where = f"from {regions}" if load.regions_from == REGIONS_FROM_FILE else "dissolved"
                dfe = (
                    f"{len(inputs.dfe_codes)} from {la_codes}" if inputs.dfe_codes else "none given"
                )
                lines = [
                    f"Loaded {load.la_count} LAs, vintage {load.vintage}, from {load.source}.",
                    f"Regions: {load.region_count}, {where}. DfE LA codes: {dfe}.",
                    f"Boundary version {load.id}.",
                ]
        finally:
            engine.dispose()
    console.print("\n".join(lines), soft_wrap=True, markup=False, highlight=False)


def _boundaries_for_serving(settings: Settings) -> None:
    """Load NEETMAP_BOUNDARIES into a database that has none, or say how to."""
    engine = _migrated_engine(settings)
    try:
        with Session(engine) as session:
            loaded = boundaries_loaded(session)
    finally:
        engine.dispose()
    if loaded:
        return
    if settings.boundaries is None:
        console.print(
            "No boundaries are loaded, so the geographic endpoints answer 503: run "
            "`neetmap boundaries load PATH` (or `neetmap boundaries download`), "
            "or set NEETMAP_BOUNDARIES.",
            style="yellow",
            markup=False,
            soft_wrap=True,
        )
        return
    console.print(
        f"No boundaries are loaded yet; loading {settings.boundaries} (NEETMAP_BOUNDARIES)."
    )
    _load_boundaries(settings, settings.boundaries, settings.regions, settings.la_codes)


def _migrated_engine(settings: Settings) -> Engine:
    """An engine on a database whose schema is at the migrations' head, else exit with the fix."""
    url = settings.database_url
    engine = for_writing(create_db_engine(url))
    heads = set(ScriptDirectory.from_config(migrations.alembic_config(url)).get_heads())
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except OperationalError:
        engine.dispose()
        _fail(f"Could not connect to the database at {_safe_url(url)}.")
    if current != heads:
        engine.dispose()
        _fail("The database schema is missing or out of date: run `neetmap db upgrade` first.")
    return engine


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Domain and geography errors carry a user-safe message; show it instead of a traceback."""
    try:
        yield
    except (GeodataError, DomainError) as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _safe_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:  # pragma: no cover - console script entry
    app()
