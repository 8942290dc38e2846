"""Shapes of the write API: edits, records with their versions, history, the moderation queue.

A submission is shown as the public shape plus its publication state, version and ETag, and
any edit waiting for a moderator beside the published values it would replace.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.interventions import InterventionPublic, PageLinks
from models.drafts import SourceCitation, VenueDraft


class InterventionPatch(BaseModel):
    """Any subset of the fields of a new submission; the rest keep their current values.

    Lists replace the whole list. Changing `age_min` or `age_max` without `age_band`
    re-derives the bands. The merged record is validated exactly like a new one.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="Name of the programme or service.")
    description: str | None = Field(None, description="What it does, plainly.")
    provider: str | None = Field(None, description="Who delivers it.")
    website: str | None = Field(None, description="Public web page (http or https).")
    contact_email: str | None = Field(None, description="Contact e-mail address.")
    la_codes: list[str] | None = Field(None, description="LAs served (codes or names).")
    age_min: int | None = Field(None, description="Youngest age served, in years.")
    age_max: int | None = Field(None, description="Oldest age served, in years.")
    age_band: list[str] | None = Field(None, description="Age bands.")
    transition_point: list[str] | None = Field(None, description="Transition points.")
    target_group: list[str] | None = Field(None, description="Target groups.")
    funding_source: list[str] | None = Field(None, description="Funding sources.")
    intervention_type: list[str] | None = Field(None, description="Intervention types.")
    delivery_model: list[str] | None = Field(None, description="Delivery models.")
    evidence_level: list[str] | None = Field(None, description="Evidence levels.")
    status: str | None = Field(None, description="planned, active or ended.")
    start_date: date | None = Field(None, description="When it started or starts.")
    end_date: date | None = Field(None, description="When it ended or ends.")
    outcome_measures: list[str] | None = Field(None, description="Outcomes tracked.")
    source: SourceCitation | None = Field(None, description="Where this record comes from.")
    venues: list[VenueDraft] | None = Field(None, description="Delivery locations.")


class RejectRequest(BaseModel):
    """Why a moderator turns a submission or an edit down; the submitter sees it."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1,
        max_length=2000,
        pattern=r"^[^\x00]*$",
        description="Plain words for the submitter.",
    )


class FieldChange(BaseModel):
    field: str
    published: Any = Field(description="The value the public sees now (null for a new record).")
    proposed: Any = Field(description="The value awaiting review.")


class PendingEdit(BaseModel):
    version: int = Field(description="Version number of the edit awaiting review.")
    submitted_at: datetime
    submitted_by: str = Field(description="Name of the key that made the edit.")
    changes: list[FieldChange]


class SubmissionPublic(InterventionPublic):
    """A record as its submitters and moderators see it, in any publication state."""

    publication_state: Literal["submitted", "published", "rejected", "withdrawn"]
    version: int = Field(description="Current version number.")
    etag: str = Field(description="Send as If-Match to change this version.")
    pending_edit: PendingEdit | None = Field(
        None, description="An edit to the published record, awaiting a moderator."
    )
    rejection_reason: str | None = Field(None, description="Why the last review said no.")
    warnings: list[str] = Field(
        default_factory=list, description="How LA codes were read, e.g. superseded codes."
    )


class SubmissionSummary(BaseModel):
    id: int
    name: str
    publication_state: str
    version: int
    etag: str
    la_codes: list[str]
    edit_pending: bool = Field(description="An edit to the published record awaits review.")
    updated_at: datetime


class SubmissionPage(BaseModel):
    items: list[SubmissionSummary]
    total: int
    limit: int
    offset: int
    links: PageLinks


class VersionPublic(BaseModel):
    version: int
    action: Literal[
        "baseline", "created", "edited", "published", "rejected", "withdrawn", "boundaries"
    ] = Field(description="`boundaries`: a boundary load moved the record to successor LAs.")
    state: str = Field(description="Publication state of this version's content.")
    at: datetime
    by: str = Field(description="Name of the key that made it.")
    changed: list[str] = Field(description="Fields that changed from the version before.")
    reason: str | None = Field(None, description="The moderator's reason, for a rejection.")
    snapshot: dict[str, Any] = Field(description="The whole record as it was in this version.")


class HistoryPublic(BaseModel):
    id: int
    versions: list[VersionPublic] = Field(description="Oldest first.")


class ModerationItem(BaseModel):
    id: int
    name: str
    kind: Literal["new", "edit"] = Field(description="A new record, or an edit to a live one.")
    publication_state: str
    version: int
    etag: str = Field(description="Send as If-Match to publish or reject exactly this version.")
    submitted_at: datetime
    submitted_by: str
    changes: list[FieldChange] = Field(description="What changed since the published version.")


class ModerationPage(BaseModel):
    items: list[ModerationItem] = Field(description="Oldest first.")
    total: int
    limit: int
    offset: int
    links: PageLinks


class ImportProblem(BaseModel):
    row: int = Field(description="Spreadsheet row number; the header is row 1.")
    column: str
    message: str


class ImportReport(BaseModel):
    dry_run: bool
    stored: bool = Field(description="True only when every row was stored.")
    rows_read: int
    rows_valid: int
    problems: list[ImportProblem]
    warnings: list[str]
    created_ids: list[int] = Field(default_factory=list)
