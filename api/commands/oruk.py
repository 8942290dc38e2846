"""`neetmap oruk harvest URL --la CODE`: file another directory's ORUK services for an LA.

Runs the service behind `POST /api/v1/oruk/harvest` on the configured database: the feed is
read whole first (a feed that cannot be read stores nothing and exits 1), then each service
is checked and filed as a submission, or as an edit of the one filed from it before.
"""

from __future__ import annotations

from typing import Annotated, Final

import typer
from rich.table import Table

from api.commands.common import console, database_session, fail, reported_errors, say, warn
from api.oruk.filing import file_feed
from api.oruk.harvest import FeedError, read_feed
from api.oruk.report import HarvestReport
from models.geography.catalogue import NO_BOUNDARIES, boundary_version, load_catalogue
from models.partners.record_versions import Actor

app = typer.Typer(
    help="Open Referral UK directories: harvest their services.", no_args_is_help=True
)
ACTOR: Final = Actor(key_id=None, name="neetmap oruk harvest")


@app.command("harvest")
def harvest(
    url: Annotated[str, typer.Argument(help="The feed's ORUK API address (or its /services).")],
    la: Annotated[str, typer.Option("--la", help="The LA to file the services for (any code).")],
    dry_run: Annotated[bool, typer.Option(help="Read and report only; store nothing.")] = False,
) -> None:
    """Harvest an ORUK feed's services as submissions for moderation."""
    with database_session() as session:
        version = boundary_version(session)
        if version is None:
            fail(NO_BOUNDARIES)
        catalogue = load_catalogue(session, version)
        try:
            with console.status(f"Reading {url} ..."):
                feed = read_feed(url)
        except FeedError as exc:
            fail(exc.message)
        with reported_errors():
            report = file_feed(session, catalogue, ACTOR, feed, la, dry_run=dry_run)
        if not dry_run:
            session.commit()
    _print(report)


def _print(report: HarvestReport) -> None:
    for warning in report.warnings:
        warn(warning)
    table = Table("row", "service", "outcome", "problems and unmatched terms", title=report.feed)
    for service in report.services:
        notes = [f"{p.column}: {p.message}" for p in service.problems] + service.unmatched
        table.add_row(
            str(service.row),
            service.name or service.source_id or "?",
            service.outcome,
            "\n".join(notes),
        )
    console.print(table)
    counts = {
        o: sum(s.outcome == o for s in report.services)
        for o in ("new", "edited", "unchanged", "invalid", "skipped")
    }
    summary = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    tail = (
        "Dry run: nothing was stored."
        if report.dry_run
        else "New services and edits await moderation."
    )
    say(f"{report.services_read} services read for {report.la} ({summary or 'none'}). {tail}")
