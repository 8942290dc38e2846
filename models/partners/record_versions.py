"""Every version of every submitted record, and the counter that makes concurrent edits safe.

The live `intervention` row is what the public sees. A partner's edit to a published record is
kept here as a version in state `submitted` (the head's `pending_version`) and copied onto the
live row only when a moderator publishes it, so the published version stays visible meanwhile.
`intervention_head.version` is bumped by an UPDATE whose WHERE names the version the writer
read: of two writers that read the same version exactly one changes a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import JSON, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow
from models.errors import DomainError, FieldProblem
from models.interventions.drafts import InterventionDraft
from models.interventions.tables import Intervention
from models.typology.vocabulary import MULTI_VALUED


class InterventionHead(SQLModel, table=True):
    """Write bookkeeping of one record: its version number and any edit awaiting moderation."""

    __tablename__ = "intervention_head"

    intervention_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("intervention.id", ondelete="CASCADE"), primary_key=True
        )
    )
    version: int = Field(description="Number of the newest version; part of the ETag.")
    pending_version: int | None = Field(default=None, description="Edit awaiting moderation.")
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("api_key.id"), nullable=True)
    )
    submitted_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, index=True, description="When it joined the queue."
    )


class InterventionVersion(SQLModel, table=True):
    """One version: the whole record as JSON, who made it, when, how, and which fields changed.

    No API route updates or deletes these rows, and the foreign key has no cascade, so deleting
    an intervention that has history fails instead of silently dropping its audit trail.
    """

    __tablename__ = "intervention_version"
    __table_args__ = (UniqueConstraint("intervention_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(
        sa_column=Column(Integer, ForeignKey("intervention.id"), nullable=False)
    )
    number: int
    #: baseline, created, edited, published, rejected, withdrawn, or boundaries (a boundary
    #: load moved the record off LA codes the new boundaries lack).
    action: str = Field(max_length=10)
    state: str = Field(max_length=10, description="Publication state of this version's content.")
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    changed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    key_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("api_key.id"), nullable=True)
    )
    key_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True)
class Actor:
    """Who is writing: the key's id and name, copied into every version they make."""

    key_id: int | None
    name: str


class AccessDeniedError(DomainError):
    """The caller's key may not do this to this record (outside its LAs, or the wrong role)."""


class StaleVersionError(DomainError):
    """The record changed since the caller read it; `etag` is the current one."""

    def __init__(self, message: str, etag: str, details: Sequence[FieldProblem] = ()) -> None:
        super().__init__(message, details)
        self.etag = etag


class StateConflictError(DomainError):
    """The record's publication state does not allow this step (e.g. publishing a withdrawal)."""


#: The snapshot key keeping an LA reference as the submitter wrote it when it was read as other
#: codes (a superseded county as all its successors): history keeps what was sent, while the
#: record itself holds current codes. It is no field of the record, so diffs and edits skip it.
AS_SUBMITTED: Final = "la_codes_as_submitted"


def with_submitted(snapshot: dict[str, Any], submitted: Sequence[str]) -> dict[str, Any]:
    """The snapshot with the LA references as sent, when they differ from the codes stored."""
    texts = [text.strip() for text in submitted]
    if texts and sorted(dict.fromkeys(texts)) != snapshot["la_codes"]:
        snapshot[AS_SUBMITTED] = texts
    return snapshot


def record_fields(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A version's snapshot as the record's own fields (without AS_SUBMITTED)."""
    return {name: value for name, value in snapshot.items() if name != AS_SUBMITTED}


def etag_for(intervention_id: int, version: int) -> str:
    """A strong ETag naming the record and its version."""
    return f'"{intervention_id}-{version}"'


def snapshot_of(draft: InterventionDraft) -> dict[str, Any]:
    """The canonical JSON of a draft: LA codes and typology values sorted, so equal means equal."""
    data = draft.model_dump(mode="json")
    data["la_codes"] = sorted(dict.fromkeys(data["la_codes"]))
    for dimension in MULTI_VALUED:
        data[dimension] = sorted(data[dimension])
    return data


def draft_of(row: Intervention) -> InterventionDraft:
    """The live row read back as a draft (its LA codes are current GSS codes)."""
    source = (
        {"document": row.source_document, "quote": row.source_quote, "url": row.source_url}
        if row.source_document or row.source_quote or row.source_url
        else None
    )
    return InterventionDraft.model_validate(
        {
            "name": row.name,
            "description": row.description,
            "provider": row.provider,
            "website": row.website,
            "contact_email": row.contact_email,
            "la_codes": [area.code for area in row.areas],
            "age_min": row.age_min,
            "age_max": row.age_max,
            **{dimension: row.values(dimension) for dimension in MULTI_VALUED},
            "status": row.status,
            "start_date": row.start_date,
            "end_date": row.end_date,
            "outcome_measures": list(row.outcome_measures or []),
            "source": source,
            "venues": [{"name": v.name, "lat": v.geom.y, "lon": v.geom.x} for v in row.venues],
        }
    )


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """Fields whose value differs; against nothing, the fields that have a value."""
    if before is None:
        return [
            name
            for name, value in after.items()
            if value not in (None, [], "") and name != AS_SUBMITTED
        ]
    return [name for name in after if before.get(name) != after[name] and name != AS_SUBMITTED]
