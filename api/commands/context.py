"""`neetmap context load`: DfE NEET and participation figures and IMD 2019 beside each LA.

The files are read by path (by default from the folder NEETMAP_CONTEXT names) and never
copied; every file is read before anything is written, so a bad file changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.commands.common import database_session, fail, reported_errors, say, settings, warn
from geodata.context import read_context_paths
from models.context.queries import load_context_on_boundaries

app = typer.Typer(help="Load LA context indicators (NEET, Not Known, IMD).", no_args_is_help=True)

_PATHS_HELP = (
    "Context files or folders: DfE NEET and participation LA dashboard CSVs and the IMD 2019 "
    "upper-tier table on 2023 codes. Default: the folder NEETMAP_CONTEXT names."
)


@app.command("load")
def context_load(
    paths: Annotated[
        list[Path] | None, typer.Argument(help=_PATHS_HELP, show_default=False, metavar="PATH")
    ] = None,
) -> None:
    """Read the context files and replace every stored figure, keyed to the loaded LAs."""
    config = settings()
    chosen = paths or ([config.context] if config.context else [])
    if not chosen:
        fail("No context files given: pass PATH ... or set NEETMAP_CONTEXT to their folder.")
    with reported_errors():
        files = read_context_paths(chosen)
    with database_session() as session:
        source = "; ".join(str(p) for p in files.read)
        result = load_context_on_boundaries(session, files.figures, source)
        session.commit()
        rows, version = result.load.row_count, result.load.id
    for warning in result.warnings:
        warn(warning)
    skipped = f" Passed over {len(files.skipped)} other files." if files.skipped else ""
    say(
        f"Loaded {rows} figures from {len(files.read)} files "
        f"({', '.join(p.name for p in files.read)}).{skipped} Context version {version}."
    )
