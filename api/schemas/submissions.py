"""Shapes of the write API: edits, records with their versions, history, the moderation queue.

A submission is shown as the public shape plus its publication state, version and ETag, and
any edit waiting for a moderator beside the published values it would replace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.interventions import InterventionPublic, PageLinks
from api.schemas.typology import typology_item_schema
from models.typology.vocabulary import DIMENSIONS


def json_body(model: type[BaseModel], description: str, *, partial: bool) -> dict[str, Any]:
    """`openapi_extra` documenting a JSON body that the route reads and validates itself.

    The write routes validate bodies with `models.intake.draft_errors.validate_draft` (one wording
    for POST, PATCH and CSV), so FastAPI does not see the model; this keeps it in the docs.
    Nested models are inlined, so the schema needs no components of its own. With `partial`
    every field is optional (PATCH).
    """
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    schema = inline(schema)
    for dimension in DIMENSIONS:  # typology values as enums with their labels
        if (field := schema.get("properties", {}).get(dimension)) is not None:
            if field.get("type") == "array":
                field["items"] = typology_item_schema(dimension)
            else:
                field.update(typology_item_schema(dimension))
    if partial:
        schema.pop("required", None)
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": True, "description": description, "content": content}}


class RejectRequest(BaseModel):
    """Why a moderator turns a submission or an edit down; the submitter sees it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(max_length=2000, description="Plain words for the submitter; not blank.")

    @field_validator("reason")
    @classmethod
    def _says_something(cls, reason: str) -> str:
        if not reason:
            raise ValueError("must say why, in words for the submitter; it cannot be blank")
        if "\x00" in reason:
            raise ValueError("must not contain NUL characters")
        return reason


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
    cell: str | None = Field(
        None, description="The cell, as column letter and row (`E3`), when the column is named."
    )
    value: str | None = Field(None, description="What the cell holds (up to 200 characters).")
    suggestion: str | None = Field(None, description="The closest allowed value, if any.")


class ImportProblemCount(BaseModel):
    column: str
    kind: str = Field(
        description="What the problems say, without what varies between rows ('…' for a "
        "quoted value, <cell> for a cell, N for a number)."
    )
    count: int


class ImportReport(BaseModel):
    dry_run: bool
    stored: bool = Field(description="True only when every row was stored.")
    sheet: str | None = Field(None, description="The workbook sheet read (none for CSV).")
    rows_read: int
    rows_valid: int
    problems: list[ImportProblem] = Field(
        description="The first 200 problems in full, by row then column; `problems_total` "
        "counts them all and `problem_counts` sorts them by column and kind."
    )
    problems_total: int = Field(0, description="Every problem found in the file.")
    problem_counts: list[ImportProblemCount] = Field(
        default_factory=list,
        description="Every problem counted by column and kind, the most frequent first.",
    )
    warnings: list[str]
    created_ids: list[int] = Field(default_factory=list)
