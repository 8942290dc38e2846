"""Interventions, the areas they serve, their typology classifications and venues.

Classifications are one row per (intervention, dimension, slug) rather than a JSON array, so
that "target_group = send" is an index lookup on SQLite and PostgreSQL alike.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, Relationship, SQLModel

from models.base import UTCDateTime, utcnow
from models.geography.area import Area
from models.geography.geometry import Geometry

PUBLICATION_STATES = ("submitted", "published", "rejected", "withdrawn")
#: Where a record came from, so the API and the map can say who vouches for it: a partner's
#: submission (the default), the seed documents' records, or the national sample compiled
#: by the project from public web pages (not submitted by the LA); what the API (and so the
#: map) says of a record of each origin.
ORIGIN_STATEMENTS = {
    "submission": "Submitted by a partner local authority and published after moderation.",
    "seed_document": "Taken from the research seed documents, quoted in its source.",
    "public_sample": "Compiled by the neetmap project from the public web page cited as its "
    "source; not submitted by the local authority.",
}


class InterventionArea(SQLModel, table=True):
    """Link: an intervention serves an area (an upper-tier LA)."""

    __tablename__ = "intervention_area"
    __table_args__ = (
        Index("ix_intervention_area_area_code_intervention", "area_code", "intervention_id"),
    )

    intervention_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("intervention.id", ondelete="CASCADE"), primary_key=True
        )
    )
    area_code: str = Field(sa_column=Column(String(9), ForeignKey("area.code"), primary_key=True))


class InterventionTerm(SQLModel, table=True):
    """One typology value of one intervention on one dimension."""

    __tablename__ = "intervention_term"
    __table_args__ = (
        Index("ix_intervention_term_dimension_slug", "dimension", "slug", "intervention_id"),
    )

    intervention_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("intervention.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    dimension: str = Field(sa_column=Column(String(30), primary_key=True))
    slug: str = Field(sa_column=Column(String(40), primary_key=True))

    intervention: "Intervention" = Relationship(back_populates="terms")


class Venue(SQLModel, table=True):
    """A place where an intervention is delivered, as a point."""

    __tablename__ = "venue"

    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("intervention.id", ondelete="CASCADE"), index=True, nullable=False
        ),
    )
    name: str | None = Field(default=None, max_length=300)
    geom: Any = Field(sa_column=Column(Geometry("POINT"), nullable=False))

    intervention: "Intervention" = Relationship(back_populates="venues")


class Intervention(SQLModel, table=True):
    """A programme or service for young people at risk of, or in, NEET."""

    __tablename__ = "intervention"
    # With the id, so a facet (the ids per state or status) is an index-only scan on
    # PostgreSQL too (SQLite's indexes carry the rowid anyway).
    __table_args__ = (
        Index("ix_intervention_publication_state_id", "publication_state", "id"),
        Index("ix_intervention_status_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=200, unique=True)
    name: str = Field(max_length=300)
    description: str | None = Field(default=None, sa_column=Column(Text))
    provider: str | None = Field(default=None, max_length=300)
    website: str | None = Field(default=None, max_length=500)
    contact_email: str | None = Field(default=None, max_length=320)
    age_min: int | None = None
    age_max: int | None = None
    status: str = Field(default="active", max_length=10)
    start_date: date | None = None
    end_date: date | None = None
    outcome_measures: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    source_document: str | None = Field(default=None, max_length=300)
    source_quote: str | None = Field(default=None, sa_column=Column(Text))
    source_url: str | None = Field(default=None, max_length=500)
    origin: str = Field(
        default="submission",
        sa_column=Column(String(20), nullable=False, server_default="submission"),
    )
    #: For compiled records: when the source page was read and, per classified column, which
    #: part of the page supports it (`{"read_on": "2026-12-04", "notes": {...}}`).
    provenance: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    publication_state: str = Field(default="submitted", max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)

    areas: list[Area] = Relationship(link_model=InterventionArea)
    terms: list[InterventionTerm] = Relationship(
        back_populates="intervention",
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "order_by": "InterventionTerm.slug",
        },
    )
    venues: list[Venue] = Relationship(
        back_populates="intervention", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )

    def values(self, dimension: str) -> list[str]:
        """The slugs on one dimension, status included, for serialisers and exports."""
        if dimension == "status":
            return [self.status]
        return [term.slug for term in self.terms if term.dimension == dimension]
