"""`neetmap context load`: DfE NEET and participation figures and IMD 2019 beside each LA.

The files are read by path (by default from the folder NEETMAP_CONTEXT names) and never
copied; every file is read before anything is written, so a bad file changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from api.settings import get_settings
from geodata.context import read_context_paths
from geodata.errors import GeodataError
from models.engine import create_db_engine, for_writing
from models.errors import DomainError
from models.queries.context import load_context_on_boundaries

app = typer.Typer(help="Load LA context indicators (NEET, Not Known, IMD).", no_args_is_help=True)
console = Console(stderr=True)

_PATHS_HELP = (
    "Context files or folders: DfE NEET and participation LA dashboard CSVs and the IMD 2019 "
    "upper-tier table on 2023 codes. Default: the folder NEETMAP_CONTEXT names."
)


def _fail(message: str) -> NoReturn:
    console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command("load")
def context_load(
    paths: Annotated[
        list[Path] | None, typer.Argument(help=_PATHS_HELP, show_default=False, metavar="PATH")
    ] = None,
) -> None:
    """Read the context files and replace every stored figure, keyed to the loaded LAs."""
    settings = get_settings()
    chosen = paths or ([settings.context] if settings.context else [])
    if not chosen:
        _fail("No context files given: pass PATH ... or set NEETMAP_CONTEXT to their folder.")
    try:
        files = read_context_paths(chosen)
    except GeodataError as exc:
        _fail(exc.message)
    url = settings.database_url
    engine = for_writing(create_db_engine(url))
    try:
        with Session(engine) as session:
            source = "; ".join(str(p) for p in files.read)
            result = load_context_on_boundaries(session, files.figures, source)
            session.commit()
            rows, version = result.load.row_count, result.load.id
    except (OperationalError, ProgrammingError):
        safe = make_url(url).render_as_string(hide_password=True)
        _fail(
            f"Could not write to the database at {safe}: is it reachable, and migrated "
            "(`neetmap db upgrade`)?"
        )
    except DomainError as exc:
        _fail(exc.message)
    finally:
        engine.dispose()
    for warning in result.warnings:
        console.print(warning, style="yellow", markup=False, soft_wrap=True)
    skipped = f" Passed over {len(files.skipped)} other files." if files.skipped else ""
    console.print(
        f"Loaded {rows} figures from {len(files.read)} files "
        f"({', '.join(p.name for p in files.read)}).{skipped} Context version {version}.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
