"""Submitting, editing, withdrawing and moderating records, each step kept as a version.

Functions flush; the caller commits once. Every step that changes a record first claims the
next version number with a conditional UPDATE (`claim_version`), so a writer holding an old
ETag changes nothing and gets StaleVersionError carrying the current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import shapely
from sqlalchemy import Table, exc, update
from sqlmodel import Session, col, select

from models.base import utcnow
from models.geography.area import Area
from models.interventions.drafts import InterventionDraft
from models.interventions.tables import Intervention, InterventionTerm, Venue
from models.partners.record_versions import (
    Actor,
    InterventionHead,
    InterventionVersion,
    StaleVersionError,
    StateConflictError,
    changed_fields,
    draft_of,
    etag_for,
    record_fields,
    snapshot_of,
    with_submitted,
)
from models.typology.vocabulary import MULTI_VALUED

_HEAD: Table = getattr(InterventionHead, "__table__")  # noqa: B009  (SQLModel leaves it untyped)


@dataclass(frozen=True)
class Head:
    """A record's version number and pending edit; records loaded before submissions are v1."""

    version: int
    pending_version: int | None = None
    submitted_at: datetime | None = None
    exists: bool = True


def read_head(session: Session, intervention_id: int) -> Head:
    row = session.exec(
        select(InterventionHead).where(col(InterventionHead.intervention_id) == intervention_id)
    ).first()
    if row is None:
        return Head(version=1, exists=False)
    return Head(row.version, row.pending_version, row.submitted_at)


def read_version(session: Session, intervention_id: int, number: int) -> InterventionVersion:
    found = session.exec(
        select(InterventionVersion).where(
            col(InterventionVersion.intervention_id) == intervention_id,
            col(InterventionVersion.number) == number,
        )
    ).one()
    return found


def history(session: Session, intervention_id: int) -> Sequence[InterventionVersion]:
    """Every version of a record, oldest first."""
    statement = (
        select(InterventionVersion)
        .where(col(InterventionVersion.intervention_id) == intervention_id)
        .order_by(col(InterventionVersion.number))
    )
    return session.exec(statement).all()


def add_version(
    session: Session,
    row: Intervention,
    number: int,
    action: str,
    state: str,
    snapshot: dict[str, Any],
    changed: list[str],
    actor: Actor,
    reason: str | None = None,
) -> None:
    assert row.id is not None
    session.add(
        InterventionVersion(
            intervention_id=row.id,
            number=number,
            action=action,
            state=state,
            snapshot=snapshot,
            changed=changed,
            reason=reason,
            key_id=actor.key_id,
            key_name=actor.name,
            created_at=utcnow(),
        )
    )


def claim_version(session: Session, intervention_id: int, expected: int, **values: object) -> int:
    """Move the head from `expected` to the next number, or raise StaleVersionError.

    The check sits in the UPDATE's WHERE clause: on PostgreSQL a second writer waits for the
    first's row lock, then re-reads the row, finds the new number and matches nothing.
    """
    result = session.exec(
        update(_HEAD)
        .where(_HEAD.c.intervention_id == intervention_id, _HEAD.c.version == expected)
        .values(version=expected + 1, **values)
    )
    if result.rowcount != 1:
        current = read_head(session, intervention_id).version
        raise StaleVersionError(
            "The record has changed since you read it. Read it again and apply your change "
            "to the current version.",
            etag_for(intervention_id, current),
        )
    return expected + 1


def ensure_head(session: Session, row: Intervention, head: Head) -> None:
    """Give a record loaded before submissions (the seed) its version 1 from the live row."""
    if head.exists:
        return
    assert row.id is not None
    try:
        with session.begin_nested():
            session.add(InterventionHead(intervention_id=row.id, version=1))
            session.flush()
    except exc.IntegrityError:  # another writer did it first; its version check decides
        return
    snapshot = snapshot_of(draft_of(row))
    add_version(
        session, row, 1, "baseline", row.publication_state, snapshot, [], Actor(None, "neetmap")
    )
    session.flush()


def live_snapshot(session: Session, row: Intervention, head: Head) -> dict[str, Any]:
    """What the next edit starts from: the pending edit if there is one, else the live row."""
    if head.pending_version is not None:
        assert row.id is not None
        return record_fields(read_version(session, row.id, head.pending_version).snapshot)
    return snapshot_of(draft_of(row))


def require_editable(row: Intervention) -> None:
    """StateConflictError for a withdrawn record: its submitter took it down, and an edit
    would quietly put it back in the queue as if it were new."""
    if row.publication_state == "withdrawn":
        raise StateConflictError(
            "This record was withdrawn, and withdrawn records cannot be edited. To offer it "
            "again, submit it as a new record (POST /api/v1/interventions); its history stays "
            "with this one."
        )


def edit_submission(
    session: Session,
    row: Intervention,
    head: Head,
    draft: InterventionDraft,
    areas: Sequence[Area],
    actor: Actor,
    submitted_as: Sequence[str] = (),
) -> int:
    """Apply an edit and return the record's version number after it; `submitted_as`: the LA
    references sent, kept in the history when they were read as other codes.

    An edit that changes nothing is no edit: no version, nothing for a moderator. A published
    record keeps its live row while the edit waits as a version; an edit that brings it back
    to the published values drops the waiting edit instead of queueing an empty one.
    """
    assert row.id is not None
    require_editable(row)
    before = live_snapshot(session, row, head)
    after = snapshot_of(draft)
    changed = changed_fields(before, after)
    if not changed:
        return head.version
    ensure_head(session, row, head)
    now = utcnow()
    state = "submitted"
    if row.publication_state == "published" and after == snapshot_of(draft_of(row)):
        state = "published"
        number = claim_version(
            session, row.id, head.version, pending_version=None, submitted_at=None
        )
    elif row.publication_state == "published":
        number = claim_version(
            session,
            row.id,
            head.version,
            pending_version=head.version + 1,
            submitted_at=head.submitted_at or now,
        )
    else:
        submitted_at = head.submitted_at if row.publication_state == "submitted" else now
        number = claim_version(session, row.id, head.version, submitted_at=submitted_at)
        apply_draft(session, row, draft, areas, state="submitted")
    add_version(
        session, row, number, "edited", state, with_submitted(after, submitted_as), changed, actor
    )
    session.flush()
    return number


def withdraw_submission(session: Session, row: Intervention, head: Head, actor: Actor) -> int:
    """Hide a record from the public and drop any pending edit; history keeps everything."""
    assert row.id is not None
    if row.publication_state == "withdrawn":
        return head.version
    ensure_head(session, row, head)
    number = claim_version(session, row.id, head.version, pending_version=None, submitted_at=None)
    row.publication_state = "withdrawn"
    row.updated_at = utcnow()
    session.add(row)
    snapshot = snapshot_of(draft_of(row))
    add_version(
        session, row, number, "withdrawn", "withdrawn", snapshot, ["publication_state"], actor
    )
    session.flush()
    return number


def apply_draft(
    session: Session,
    row: Intervention,
    draft: InterventionDraft,
    areas: Sequence[Area],
    *,
    state: str,
) -> None:
    """Overwrite the live row with a draft whose LA codes are already resolved to areas."""
    source = draft.source
    for name in ("name", "description", "provider", "website", "contact_email", "age_min"):
        setattr(row, name, getattr(draft, name))
    row.age_max, row.status = draft.age_max, draft.status
    row.start_date, row.end_date = draft.start_date, draft.end_date
    row.outcome_measures = list(draft.outcome_measures)
    row.source_document = source.document if source else None
    row.source_quote = source.quote if source else None
    row.source_url = source.url if source else None
    row.publication_state = state
    row.updated_at = utcnow()
    row.areas = list(areas)
    # Old terms go first: a re-added (dimension, slug) would otherwise clash on the key.
    row.terms.clear()
    row.venues.clear()
    session.flush()
    row.terms = [
        InterventionTerm(dimension=dimension, slug=slug)
        for dimension in MULTI_VALUED
        for slug in getattr(draft, dimension)
    ]
    row.venues = [Venue(name=v.name, geom=shapely.Point(v.lon, v.lat)) for v in draft.venues]
    session.add(row)
    session.flush()


def read_heads(session: Session, ids: Sequence[int]) -> dict[int, Head]:
    """Heads of many records at once; records without one are version 1."""
    rows = session.exec(
        select(InterventionHead).where(col(InterventionHead.intervention_id).in_(list(ids)))
    ).all()
    found = {r.intervention_id: Head(r.version, r.pending_version, r.submitted_at) for r in rows}
    return {i: found.get(i, Head(version=1, exists=False)) for i in ids}
