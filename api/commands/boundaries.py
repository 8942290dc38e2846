"""`neetmap boundaries load|download`: LA and region boundaries into the database.

Every file is read and checked before the first write, and the load replaces the previous
boundaries in one transaction, so a bad file, or one covering only part of England, changes
nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from api.commands.common import (
    console,
    database_session,
    fail,
    reported_errors,
    say,
    settings,
    warn,
)
from api.settings import Settings
from geodata.ons import ONS_CTYUA_LAYERS, cache_path, download_layer
from models.geography.catalogue import boundary_version

if TYPE_CHECKING:
    from models.vintages.loading import BoundaryInputs

# models.vintages.loading is imported by the commands that read or write boundary files, not
# here: it brings geopandas, pandas and GDAL (about 80 MB of RSS), which `neetmap serve` on a
# database whose boundaries are loaded never needs.

app = typer.Typer(
    help="Load LA and region boundaries (ONS) into the database.", no_args_is_help=True
)

_PATH_HELP = "LA boundary file or folder (.shp, .gpkg, .geojson). [default: NEETMAP_BOUNDARIES]"
_REGIONS_HELP = "Regions boundary file, else regions are dissolved. [default: NEETMAP_REGIONS]"
_LA_CODES_HELP = "DfE list of LA codes (dfe_las.csv). [default: NEETMAP_LA_CODES]"
_PARTIAL_HELP = (
    "Load a file that covers only part of England (fewer than 140 LAs, or without LAs the "
    "loaded boundaries have), replacing the national set with it."
)
RegionsOption = Annotated[Path | None, typer.Option(help=_REGIONS_HELP, show_default=False)]
LACodesOption = Annotated[Path | None, typer.Option(help=_LA_CODES_HELP, show_default=False)]
PartialOption = Annotated[bool, typer.Option(help=_PARTIAL_HELP)]


@app.command("load")
def boundaries_load(
    path: Annotated[Path | None, typer.Argument(help=_PATH_HELP, show_default=False)] = None,
    code_column: Annotated[
        str | None, typer.Option(help="Column of LA codes, if not detected (e.g. CTYUA23CD).")
    ] = None,
    name_column: Annotated[
        str | None, typer.Option(help="Column of LA names, if not detected (e.g. CTYUA23NM).")
    ] = None,
    layer: Annotated[
        str | None, typer.Option(help="Layer to read from a file with several (GeoPackage).")
    ] = None,
    crs: Annotated[
        str | None,
        typer.Option(help="Coordinate system of a file that declares none, e.g. EPSG:27700."),
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option(help="Label of the boundaries' release, e.g. 2023-05. [default: detected]"),
    ] = None,
    regions: RegionsOption = None,
    la_codes: LACodesOption = None,
    allow_partial: PartialOption = False,
) -> None:
    """Load LA boundaries from a local ONS file, replacing those loaded before."""
    from models.vintages.loading import read_boundary_inputs

    config = settings()
    path = path or config.boundaries
    if path is None:
        fail("No boundary file given: pass PATH or set NEETMAP_BOUNDARIES.")
    regions, la_codes = regions or config.regions, la_codes or config.la_codes
    with reported_errors(), console.status(f"Reading {path}..."):
        inputs = read_boundary_inputs(
            path,
            code_column=code_column,
            name_column=name_column,
            layer=layer,
            crs=crs,
            vintage=vintage,
            regions=regions,
            la_codes=la_codes,
        )
    load_boundaries(inputs, regions, la_codes, allow_partial=allow_partial)


@app.command("download")
def boundaries_download(
    vintage: Annotated[
        str, typer.Option(help=f"ONS release: {', '.join(ONS_CTYUA_LAYERS)}.")
    ] = "2023",
    refresh: Annotated[bool, typer.Option(help="Download again even if cached.")] = False,
    regions: RegionsOption = None,
    la_codes: LACodesOption = None,
    retries: Annotated[int, typer.Option(min=0, help="Retries per request.")] = 4,
    base_url: Annotated[str | None, typer.Option(hidden=True)] = None,
) -> None:
    """Download LA boundaries from the ONS Open Geography Portal, cache them, and load them."""
    from models.vintages.loading import read_boundary_inputs

    config = settings()
    regions, la_codes = regions or config.regions, la_codes or config.la_codes
    with reported_errors():
        dest = cache_path(config.cache_dir, vintage)
        url = base_url or ONS_CTYUA_LAYERS[vintage]
        if dest.is_file() and not refresh:
            say(f"Using the download cached at {dest} (--refresh to fetch again).")
        else:
            _download(url, dest, vintage, retries)
        with console.status(f"Reading {dest}..."):
            inputs = read_boundary_inputs(
                dest, vintage=vintage, regions=regions, la_codes=la_codes, source=url
            )
    load_boundaries(inputs, regions, la_codes)


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
            fail(f"Could not save the download to {dest}: {exc.strerror or exc}.")
    say(f"Downloaded {url} to {dest}.")


def load_boundaries(
    inputs: BoundaryInputs,
    regions: Path | None,
    la_codes: Path | None,
    *,
    allow_partial: bool = False,
) -> None:
    """Replace the boundaries with `inputs` in one commit, and say what was loaded."""
    from models.vintages.loading import REGIONS_FROM_FILE, load_boundary_inputs

    with database_session() as session, console.status("Writing boundaries..."):
        load = load_boundary_inputs(session, inputs, allow_partial=allow_partial)
        session.commit()
        where = f"from {regions}" if load.regions_from == REGIONS_FROM_FILE else "dissolved"
        dfe = f"{len(inputs.dfe_codes)} from {la_codes}" if inputs.dfe_codes else "none given"
        vintage = f"vintage {load.vintage}" if load.vintage else "vintage not recognised"
        lines = [
            f"Loaded {load.la_count} LAs, {vintage}, from {load.source}.",
            f"Regions: {load.region_count}, {where}. DfE LA codes: {dfe}.",
            f"Boundary version {load.id}.",
        ]
    say("\n".join(lines))


def boundaries_for_serving(config: Settings) -> None:
    """Load NEETMAP_BOUNDARIES into a database that has none, or say how to."""
    with database_session() as session:
        loaded = boundary_version(session) is not None
    if loaded:
        return
    if config.boundaries is None:
        warn(
            "No boundaries are loaded, so the geographic endpoints answer 503: run "
            "`neetmap boundaries load PATH` (or `neetmap boundaries download`), "
            "or set NEETMAP_BOUNDARIES."
        )
        return
    say(f"No boundaries are loaded yet; loading {config.boundaries} (NEETMAP_BOUNDARIES).")
    from models.vintages.loading import read_boundary_inputs

    with reported_errors():
        inputs = read_boundary_inputs(
            config.boundaries, regions=config.regions, la_codes=config.la_codes
        )
    load_boundaries(inputs, config.regions, config.la_codes)
