"""Filing a harvested feed as submissions for one LA, through the CSV import's checks.

Every service becomes an `InterventionDraft` (the validator behind JSON, CSV and the seed),
so a harvested record obeys the same rules and waits for the same moderation. A service is
keyed on its feed and id (`external_id`): one filed before is compared with what the feed
says now, and only a change becomes an edit (pending moderation when the record is
published). Services with problems are reported and left out; the others are filed. Nothing
here commits: the caller commits once, after the whole feed was read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

from pydantic import ValidationError
from sqlmodel import Session

from api.oruk.harvest import Feed
from api.oruk.intake import ORUK_FIELDS, Intake, read_service
from api.oruk.report import HarvestedService, HarvestReport
from api.schemas.submissions import ImportProblem
from models.errors import FieldProblem
from models.geography.catalogue import AreaCatalogue
from models.intake.bulk_insert import insert_submissions
from models.intake.draft_errors import draft_problems, nul_problems
from models.interventions.drafts import InterventionDraft, web_address
from models.interventions.harvested import mark_external_ids, records_by_external_id
from models.interventions.queries import ensure_areas
from models.interventions.tables import Intervention
from models.partners.record_versions import Actor, changed_fields, snapshot_of
from models.partners.scope import resolve_las
from models.partners.submissions import Head, edit_submission, live_snapshot, read_heads

EXTERNAL_PREFIX: Final = "oruk:"


@dataclass
class _Entry:
    report: HarvestedService
    draft: InterventionDraft | None = None
    external_id: str | None = None


def source_key(services_url: str, service_id: str) -> str:
    """The `external_id` of a harvested service: its feed and its id there (a digest when
    that would be too long for the column)."""
    parts = urlsplit(services_url)
    key = f"{EXTERNAL_PREFIX}{parts.netloc}{parts.path}#{service_id}"
    if len(key) <= 200:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{EXTERNAL_PREFIX}{parts.netloc[:100]}#{digest}"


def file_feed(
    session: Session,
    catalogue: AreaCatalogue,
    actor: Actor,
    feed: Feed,
    la: str,
    *,
    dry_run: bool,
) -> HarvestReport:
    """Check every service; unless it is a dry run, file the valid new ones and the changes."""
    resolved = resolve_las(catalogue, [la], location="body")
    resolved.raise_problems()
    (code,) = resolved.codes[:1]
    entries = [_entry(feed, row, item, code) for row, item in enumerate(feed.services, start=1)]
    _drop_repeats(entries)
    valid = [e for e in entries if e.draft is not None and e.external_id is not None]
    stored = records_by_external_id(session, [e.external_id for e in valid if e.external_id])
    heads = read_heads(session, [r.id for r in stored.values() if r.id is not None])
    new: list[_Entry] = []
    edited: list[int] = []
    for entry in valid:
        assert entry.external_id is not None
        row = stored.get(entry.external_id)
        if row is None:
            new.append(entry)
        elif _refile(session, row, heads[row.id or 0], entry, actor, dry_run=dry_run):
            edited.append(entry.report.intervention_id or 0)
    created: list[int] = []
    if new and not dry_run:
        created = insert_submissions(session, [e.draft for e in new if e.draft], actor)
        mark_external_ids(
            session, {i: e.external_id for i, e in zip(created, new, strict=True) if e.external_id}
        )
        for intervention_id, entry in zip(created, new, strict=True):
            entry.report.intervention_id = intervention_id
    for entry in new:
        entry.report.outcome = "new"
    reports = [e.report for e in entries]
    return HarvestReport(
        feed=feed.services_url,
        la=code,
        dry_run=dry_run,
        stored=not dry_run,
        services_read=len(entries),
        services_valid=len(valid),
        created_ids=created,
        edited_ids=[] if dry_run else edited,
        problems=[p for r in reports for p in r.problems],
        warnings=list(resolved.warnings),
        services=reports,
    )


def _entry(feed: Feed, row: int, item: object, la: str) -> _Entry:
    """One service read, validated and keyed."""
    service_id = item.get("id") if isinstance(item, dict) else None
    source_url = None
    if isinstance(service_id, str | int):
        address = f"{feed.services_url}/{quote(str(service_id), safe='')}"
        source_url = address if len(address) <= 500 and _web(address) else None
    intake = read_service(
        item, la=la, source_url=source_url, feed_name=f"Open Referral UK feed {feed.services_url}"
    )
    report = HarvestedService(
        row=row, source_id=intake.source_id, name=intake.name, outcome="invalid"
    )
    report.unmatched = list(intake.unmatched)
    if row in feed.detail_problems:
        report.unmatched.append(f"only the list's fields were read: {feed.detail_problems[row]}")
    problems = _problems(intake, row)
    report.problems = [ImportProblem(row=row, column=p.field, message=p.message) for p in problems]
    if problems:
        return _Entry(report)
    assert intake.source_id is not None
    draft = InterventionDraft.model_validate(intake.data)
    return _Entry(report, draft, source_key(feed.services_url, intake.source_id))


def _problems(intake: Intake, row: int) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if intake.source_id is None:
        problems.append(
            FieldProblem("id", "the service has no id, so a later harvest could not find it", row)
        )
    try:
        InterventionDraft.model_validate(intake.data)
    except ValidationError as exc:
        problems += draft_problems(exc, row=row, rename=ORUK_FIELDS)
    reported = {p.field for p in problems}
    for problem in nul_problems(intake.data):
        field = ORUK_FIELDS.get(problem.field.split(".")[0], problem.field)
        if field not in reported:
            problems.append(FieldProblem(field, problem.message, row))
    return problems


def _web(address: str) -> bool:
    try:
        return web_address(address) is not None
    except ValueError:
        return False


def _drop_repeats(entries: list[_Entry]) -> None:
    """A feed that lists a service twice files it once, from its first listing."""
    first: dict[str, int] = {}
    for entry in entries:
        if entry.external_id is None:
            continue
        if entry.external_id in first:
            entry.draft, entry.report.outcome = None, "skipped"
            entry.report.unmatched.append(f"repeats the service of row {first[entry.external_id]}")
        else:
            first[entry.external_id] = entry.report.row


def _refile(
    session: Session, row: Intervention, head: Head, entry: _Entry, actor: Actor, *, dry_run: bool
) -> bool:
    """Whether a service filed before has changed upstream; unless dry, file the change."""
    assert entry.draft is not None
    assert row.id is not None
    entry.report.intervention_id = row.id
    if row.publication_state == "withdrawn":
        entry.report.outcome = "skipped"
        entry.report.unmatched.append(
            f"intervention {row.id}, filed from this service before, was withdrawn here; "
            "it is not filed again"
        )
        return False
    if not changed_fields(live_snapshot(session, row, head), snapshot_of(entry.draft)):
        entry.report.outcome = "unchanged"
        return False
    entry.report.outcome = "edited"
    if not dry_run:
        areas = ensure_areas(session, entry.draft.la_codes)
        edit_submission(session, row, head, entry.draft, areas, actor)
    return True
