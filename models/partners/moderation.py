"""Moderation: publishing or rejecting what partners submitted, and the queue awaiting review.

Functions flush; the caller commits once. Like every change, a decision first claims the next
version number, so a moderator holding an old ETag decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from models.base import utcnow
from models.geography.area import Area
from models.interventions.drafts import InterventionDraft
from models.interventions.tables import Intervention
from models.partners.record_versions import (
    Actor,
    InterventionHead,
    StateConflictError,
    changed_fields,
    draft_of,
    snapshot_of,
)
from models.partners.submissions import (
    Head,
    add_version,
    apply_draft,
    claim_version,
    ensure_head,
    read_version,
)


def publish_submission(
    session: Session,
    row: Intervention,
    head: Head,
    pending: InterventionDraft | None,
    areas: Sequence[Area],
    actor: Actor,
) -> int:
    """Make the submitted record, or the pending edit of a published one, the public version."""
    assert row.id is not None
    before = snapshot_of(draft_of(row))
    if row.publication_state == "withdrawn":
        raise StateConflictError(
            "This record was withdrawn by its submitter; it cannot be published."
        )
    if row.publication_state == "published" and pending is None:
        raise StateConflictError(
            "This record is already published and has no edit awaiting review."
        )
    ensure_head(session, row, head)
    number = claim_version(session, row.id, head.version, pending_version=None, submitted_at=None)
    if pending is not None:
        apply_draft(session, row, pending, areas, state="published")
    else:
        row.publication_state = "published"
        row.updated_at = utcnow()
        session.add(row)
    session.flush()
    after = snapshot_of(draft_of(row))
    changed = changed_fields(before, after) or ["publication_state"]
    add_version(session, row, number, "published", "published", after, changed, actor)
    session.flush()
    return number


def reject_submission(
    session: Session, row: Intervention, head: Head, reason: str, actor: Actor
) -> int:
    """Turn down a submitted record, or the pending edit of a published one (which stays live).

    A rejected submission changes state, so its `updated_at` moves (it sorts first among the
    submitter's records); a rejected edit leaves the public record, and its `updated_at`, alone.
    """
    assert row.id is not None
    if head.pending_version is not None:
        snapshot = dict(read_version(session, row.id, head.pending_version).snapshot)
    elif row.publication_state == "submitted":
        snapshot = snapshot_of(draft_of(row))
        row.publication_state = "rejected"
        row.updated_at = utcnow()
        session.add(row)
    else:
        raise StateConflictError(
            f"This record is {row.publication_state} and has nothing awaiting review."
        )
    number = claim_version(session, row.id, head.version, pending_version=None, submitted_at=None)
    changed = ["publication_state"]
    add_version(session, row, number, "rejected", "rejected", snapshot, changed, actor, reason)
    session.flush()
    return number


def awaiting_review(session: Session, *, limit: int, offset: int) -> tuple[list[int], int]:
    """Ids of records awaiting a moderator, oldest first, and how many there are."""
    waiting = or_(
        col(Intervention.publication_state) == "submitted",
        col(InterventionHead.pending_version).is_not(None),
    )
    since = func.coalesce(col(InterventionHead.submitted_at), col(Intervention.created_at))
    base = select(Intervention.id).outerjoin(
        InterventionHead, col(InterventionHead.intervention_id) == col(Intervention.id)
    )
    total = session.exec(select(func.count()).select_from(base.where(waiting).subquery())).one()
    ids = session.exec(
        base.where(waiting).order_by(since, col(Intervention.id)).limit(limit).offset(offset)
    ).all()
    return [i for i in ids if i is not None], int(total)
