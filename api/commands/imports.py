"""`neetmap import FILE --key ..`: the CSV upload, from the command line.

With `--url` (or NEETMAP_API_URL) it sends the file to that service's `POST /api/v1/imports`,
which is how a partner officer uses it. Without, it opens the configured database itself and
runs the very service behind that route (same checks, same all-or-nothing commit), with a
progress bar; that is for operators on the server. Either way the same API key authorises it
and the same report is printed, and problems end in exit code 1.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from api.commands.common import console, database_session, fail, say, warn
from api.schemas.submissions import ImportReport
from api.services.imports import run_import
from api.writing.auth import Caller
from models.geography.catalogue import NO_BOUNDARIES, boundary_version, load_catalogue
from models.partners.keys import authenticate


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
    replayed = False
    if url:
        report, replayed = _remote_import(url, key.strip(), data, file.name, dry_run=dry_run)
    else:
        report = _local_import(key.strip(), data, dry_run=dry_run)
    _print_report(file, report, replayed=replayed)
    if report.problems:
        raise typer.Exit(1)


def imports_url(url: str) -> str:
    """The import endpoint of a service, from its base address (or the endpoint itself)."""
    base = url.strip().rstrip("/")
    for suffix in ("/api/v1/imports", "/api/v1"):
        base = base.removesuffix(suffix)
    return f"{base}/api/v1/imports"


def idempotency_key(data: bytes, *, dry_run: bool) -> str:
    """The `Idempotency-Key` of an upload: the same file, sent again with the same flag, is
    the same request, so a retry after a lost answer (a timeout, a dropped connection) gets
    the first import's report back instead of storing every row a second time."""
    digest = hashlib.sha256(f"neetmap import dry_run={str(dry_run).lower()}\n".encode())
    digest.update(data)
    return digest.hexdigest()


def _remote_import(
    url: str, key: str, data: bytes, name: str, *, dry_run: bool
) -> tuple[ImportReport, bool]:
    """Send the file to the service and read its report, from a success or from the refusal;
    also whether the service answered with the report of an earlier, identical import."""
    endpoint = imports_url(url)
    try:
        response = httpx.post(
            endpoint,
            params={"dry_run": "true"} if dry_run else None,
            files={"file": (name, data, "text/csv")},
            headers={
                "Authorization": f"Bearer {key}",
                "Idempotency-Key": idempotency_key(data, dry_run=dry_run),
            },
            timeout=httpx.Timeout(600, connect=15),
        )
    except httpx.HTTPError as exc:
        fail(f"Could not send the file to {endpoint}: {str(exc).rstrip('.')}.")
    body = _json(response)
    replayed = response.headers.get("Idempotent-Replayed") == "true"
    try:
        if "report" in body:  # refused as a whole (422, or 403 for LAs outside the key)
            return ImportReport.model_validate(body["report"]), replayed
        if response.is_success:
            return ImportReport.model_validate(body), replayed
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


def _print_report(file: Path, report: ImportReport, *, replayed: bool = False) -> None:
    for warning in report.warnings:
        warn(warning)
    if report.problems:
        table = Table("row", "column", "problem", title=f"Problems in {file.name}")
        for problem in report.problems:
            table.add_row(str(problem.row), problem.column, problem.message)
        console.print(table)
    if (more := report.problems_total - len(report.problems)) > 0:
        warn(f"{_count(more, 'more problem')} not listed; all {report.problems_total} by kind:")
        for counted in report.problem_counts:
            warn(f"  {counted.count:>6} x {counted.column}: {counted.kind}")
    if report.stored and replayed:
        outcome = (
            f"This very file was imported with this key in the last 24 hours, as "
            f"interventions {_ids(report.created_ids)}; they were not stored again."
        )
    elif report.stored:
        stored = len(report.created_ids)
        outcome = (
            "Stored 1 intervention as a submission for moderation."
            if stored == 1
            else f"Stored {stored} interventions as submissions for moderation."
        )
    elif report.dry_run:
        outcome = "Dry run: nothing was stored."
    else:
        outcome = "Nothing was stored: fix the problems above and import the file again."
    say(
        f"{file.name}: {_count(report.rows_read, 'row')} read, {report.rows_valid} valid. {outcome}"
    )


def _count(number: int, noun: str) -> str:
    """`1 row`, `2 rows`: the report is read by people, who notice "1 rows"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:10])
    return shown + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
