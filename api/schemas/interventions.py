"""Intervention shapes as the public sees them, and the one row → public conversion."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from models.geography.area import LA_CODE_PATTERN
from models.interventions.records import InterventionView
from models.interventions.tables import ORIGIN_STATEMENTS


class AreaRef(BaseModel):
    code: str = Field(
        description="Current GSS code of the LA.",
        json_schema_extra={"pattern": LA_CODE_PATTERN},  # documented, not re-checked
    )
    name: str


class SourcePublic(BaseModel):
    document: str | None = Field(None, description="Source document.")
    quote: str | None = Field(None, description="The sentence the record rests on.")
    url: str | None = None


class ProvenancePublic(BaseModel):
    """How a compiled record was made: who vouches for it, when its page was read, and which
    part of the page supports each classified column."""

    statement: str = Field(description="Who compiled the record and from what.")
    read_on: date | None = Field(None, description="When the source page was read.")
    notes: dict[str, str] = Field(
        default_factory=dict,
        description="Per classified column, the part of the source page that supports it.",
    )


class VenuePublic(BaseModel):
    name: str | None
    lat: float
    lon: float


class InterventionPublic(BaseModel):
    """A published intervention."""

    id: int
    name: str
    description: str | None
    provider: str | None
    website: str | None
    contact_email: str | None
    areas: list[AreaRef] = Field(description="The upper-tier LAs served.")
    age_min: int | None
    age_max: int | None
    age_band: list[str]
    transition_point: list[str]
    target_group: list[str]
    funding_source: list[str]
    intervention_type: list[str]
    delivery_model: list[str]
    evidence_level: list[str]
    status: str
    start_date: date | None
    end_date: date | None
    outcome_measures: list[str]
    venues: list[VenuePublic]
    source: SourcePublic
    origin: str = Field(
        description="Where the record came from: `submission` (a partner's), `seed_document` "
        "(the research seed documents) or `public_sample` (compiled by the project from a "
        "public web page, not submitted by the LA)."
    )
    provenance: ProvenancePublic = Field(description="Who vouches for the record, and how.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: InterventionView) -> InterventionPublic:
        assert row.id is not None
        return cls(
            id=row.id,
            name=row.name,
            description=row.description,
            provider=row.provider,
            website=row.website,
            contact_email=row.contact_email,
            areas=[
                AreaRef(code=a.code, name=a.name) for a in sorted(row.areas, key=lambda a: a.code)
            ],
            age_min=row.age_min,
            age_max=row.age_max,
            age_band=row.values("age_band"),
            transition_point=row.values("transition_point"),
            target_group=row.values("target_group"),
            funding_source=row.values("funding_source"),
            intervention_type=row.values("intervention_type"),
            delivery_model=row.values("delivery_model"),
            evidence_level=row.values("evidence_level"),
            status=row.status,
            start_date=row.start_date,
            end_date=row.end_date,
            outcome_measures=list(row.outcome_measures or []),
            venues=[VenuePublic(name=v.name, lat=v.geom.y, lon=v.geom.x) for v in row.venues],
            source=SourcePublic(
                document=row.source_document, quote=row.source_quote, url=row.source_url
            ),
            origin=row.origin,
            provenance=_provenance(row),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


def _provenance(row: InterventionView) -> ProvenancePublic:
    stored = row.provenance or {}
    return ProvenancePublic(
        statement=ORIGIN_STATEMENTS.get(row.origin, ORIGIN_STATEMENTS["submission"]),
        read_on=stored.get("read_on"),
        notes=dict(stored.get("notes") or {}),
    )


class PageLinks(BaseModel):
    next: str | None = Field(description="URL of the next page, or null on the last.")
    prev: str | None = Field(description="URL of the previous page, or null on the first.")


class InterventionPage(BaseModel):
    items: list[InterventionPublic]
    total: int = Field(description="Number of interventions matching, over all pages.")
    limit: int
    offset: int
    links: PageLinks
    warnings: list[str] = Field(
        default_factory=list, description="How place filters were read, e.g. superseded codes."
    )
