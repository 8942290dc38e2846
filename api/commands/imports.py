"""`neetmap import FILE --key ..`: the CSV upload, from the command line, with a progress bar.

It runs the very service behind `POST /api/v1/imports` (same checks, same all-or-nothing
commit), authenticated by the same API key, so a file that imports here imports there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from api.auth import Caller
from api.schemas.submissions import ImportReport
from api.services.imports import run_import
from api.settings import get_settings
from models.catalogue import NO_BOUNDARIES, boundary_version, load_catalogue
from models.engine import create_db_engine, for_writing
from models.errors import DomainError
from models.queries.accounts import authenticate

console = Console(stderr=True)


def _fail(message: str) -> NoReturn:
    console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def import_file(
    file: Annotated[Path, typer.Argument(help="The CSV file (UTF-8, or Excel's CSV).")],
    key: Annotated[
        str,
        typer.Option(envvar="NEETMAP_API_KEY", help="Your API key.", show_default=False),
    ],
    dry_run: Annotated[bool, typer.Option(help="Check and report only; store nothing.")] = False,
) -> None:
    """Import interventions from a CSV file as submissions, all or nothing."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"Could not read {file}: {exc.strerror or exc}.")
    settings = get_settings()
    engine = for_writing(create_db_engine(settings.database_url))
    try:
        with Session(engine) as session:
            caller_key = authenticate(session, key.strip())
            if caller_key is None:
                _fail("The API key is not valid: it is wrong or has been revoked.")
            version = boundary_version(session)
            if version is None:
                _fail(NO_BOUNDARIES)
            catalogue = load_catalogue(session, version)
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            with Progress(
                *columns, console=console, transient=True, disable=not console.is_terminal
            ) as bar:
                task = bar.add_task("Reading the file", total=None)
                outcome = run_import(
                    session,
                    catalogue,
                    Caller(caller_key),
                    data,
                    dry_run=dry_run,
                    progress=lambda stage, done, total: bar.update(
                        task, description=stage, completed=done, total=total
                    ),
                )
            if outcome.report.stored:
                session.commit()
    except (OperationalError, ProgrammingError):
        safe = make_url(settings.database_url).render_as_string(hide_password=True)
        _fail(f"Could not use the database at {safe}: is it reachable and migrated?")
    except DomainError as exc:
        _fail(exc.message)
    finally:
        engine.dispose()
    _print_report(file, outcome.report)
    if outcome.report.problems:
        raise typer.Exit(1)


def _print_report(file: Path, report: ImportReport) -> None:
    for warning in report.warnings:
        console.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)
    if report.problems:
        table = Table("row", "column", "problem", title=f"Problems in {file.name}")
        for problem in report.problems:
            table.add_row(str(problem.row), problem.column, problem.message)
        console.print(table)
    if report.stored:
        outcome = f"Stored {len(report.created_ids)} interventions as submissions for moderation."
    elif report.dry_run:
        outcome = "Dry run: nothing was stored."
    else:
        outcome = "Nothing was stored: fix the problems above and import the file again."
    console.print(
        f"{file.name}: {report.rows_read} rows read, {report.rows_valid} valid. {outcome}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
