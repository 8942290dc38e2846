"""The harvest report: per service, in the CSV import report's row/field problem shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.submissions import ImportProblem

Outcome = Literal["new", "edited", "unchanged", "invalid", "skipped"]


class HarvestedService(BaseModel):
    row: int = Field(description="The service's position in the feed, from 1.")
    source_id: str | None = Field(description="The service's id in the feed.")
    name: str | None
    outcome: Outcome = Field(
        description="new: filed as a submission; edited: an edit pending moderation (or "
        "applied to a record still awaiting it); unchanged: as filed before; invalid: not "
        "filed, see problems; skipped: not filed, see unmatched (e.g. withdrawn here)."
    )
    intervention_id: int | None = None
    unmatched: list[str] = Field(
        default_factory=list, description="What the service says that has no place here."
    )
    problems: list[ImportProblem] = Field(default_factory=list)


class HarvestRequest(BaseModel):
    url: str = Field(
        max_length=2000, description="The feed's ORUK API stub, or its /services address."
    )
    la: str = Field(
        min_length=1, max_length=200, description="The LA the services are filed for (any code)."
    )


class HarvestReport(BaseModel):
    feed: str = Field(description="The /services address read.")
    la: str = Field(description="Current GSS code the services are filed for.")
    dry_run: bool
    stored: bool = Field(description="True when the harvest's changes were stored.")
    services_read: int
    services_valid: int
    created_ids: list[int] = Field(default_factory=list)
    edited_ids: list[int] = Field(default_factory=list)
    problems: list[ImportProblem] = Field(
        description="Every service's problems: row is the service's position in the feed, "
        "column the ORUK field."
    )
    warnings: list[str] = Field(default_factory=list)
    services: list[HarvestedService]
