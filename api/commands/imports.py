"""`neetmap import FILE --key ..`: the CSV upload, from the command line.

With `--url` (or NEETMAP_API_URL) it sends the file to that service's `POST /api/v1/imports`,
which is how a partner officer uses it. Without, it opens the configured database itself and
runs the very service behind that route (same checks, same all-or-nothing commit), with a
progress bar; that is for operators on the server. Either way the same API key authorises it
and the same report is printed, and problems end in exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from api.auth import Caller
from api.commands.common import console, database_session, fail, say, warn
from api.schemas.submissions import ImportReport
from api.services.imports import run_import
from models.catalogue import NO_BOUNDARIES, boundary_version, load_catalogue
from models.queries.accounts import authenticate


def import_file(
    file: Annotated[Path, typer.Argument(help="The CSV file (UTF-8, or Excel's CSV).")],
    key: Annotated[
        str,
        typer.Option(envvar="NEETMAP_API_KEY", help="Your API key.", show_default=False),
    ],
    dry_run: Annotated[bool, typer.Option(help="Check and report only; store nothing.")] = False,
    url: Annotated[
        str | None,
        typer.Option(
            envvar="NEETMAP_API_URL",
            help="The neetmap service to send the file to, e.g. https://neetmap.example.org; "
            "without it, the database configured here is used directly.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import interventions from a CSV file as submissions, all or nothing."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"Could not read {file}: {exc.strerror or exc}.")
    report = (
        _remote_import(url, key.strip(), data, file.name, dry_run=dry_run)
        if url
        else _local_import(key.strip(), data, dry_run=dry_run)
    )
    _print_report(file, report)
    if report.problems:
        raise typer.Exit(1)


def imports_url(url: str) -> str:
    """The import endpoint of a service, from its base address (or the endpoint itself)."""
    base = url.strip().rstrip("/")
    for suffix in ("/api/v1/imports", "/api/v1"):
        base = base.removesuffix(suffix)
    return f"{base}/api/v1/imports"


def _remote_import(url: str, key: str, data: bytes, name: str, *, dry_run: bool) -> ImportReport:
    """Send the file to the service and read its report, from a success or from the refusal."""
    endpoint = imports_url(url)
    try:
        response = httpx.post(
            endpoint,
            params={"dry_run": "true"} if dry_run else None,
            files={"file": (name, data, "text/csv")},
            headers={"Authorization": f"Bearer {key}"},
            timeout=httpx.Timeout(600, connect=15),
        )
    except httpx.HTTPError as exc:
        fail(f"Could not send the file to {endpoint}: {str(exc).rstrip('.')}.")
    body = _json(response)
    try:
        if "report" in body:  # refused as a whole (422, or 403 for LAs outside the key)
            return ImportReport.model_validate(body["report"])
        if response.is_success:
            return ImportReport.model_validate(body)
    except ValidationError:
        pass
    error = body.get("error")
    message = (error.get("message") if isinstance(error, dict) else None) or response.reason_phrase
    fail(f"{endpoint} answered {response.status_code}: {message}")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        fail(
            f"{response.request.url} answered {response.status_code} without a neetmap "
            "report: is the address right?"
        )
    return body


def _local_import(key: str, data: bytes, *, dry_run: bool) -> ImportReport:
    """Run the import against the configured database, committing only a complete import."""
    with database_session() as session:
        caller_key = authenticate(session, key)
        if caller_key is None:
            fail("The API key is not valid: it is wrong or has been revoked.")
        version = boundary_version(session)
        if version is None:
            fail(NO_BOUNDARIES)
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
    return outcome.report


def _print_report(file: Path, report: ImportReport) -> None:
    for warning in report.warnings:
        warn(warning)
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
    say(f"{file.name}: {report.rows_read} rows read, {report.rows_valid} valid. {outcome}")
