"""The validated shape of an intervention on its way in, shared by JSON, CSV and the seed.

One validator for every entry point means a rule (slugs, ages against bands, dates) cannot
be enforced on one path and forgotten on another.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.typology import (
    AGE_BAND_RANGES,
    MULTI_VALUED,
    Dimension,
    bands_for_ages,
    normalise_value,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Text = Annotated[str, Field(min_length=1)]


class SourceCitation(BaseModel):
    """Where a record comes from: a document and the sentence it rests on, or a URL."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    document: str | None = Field(None, max_length=300, description="Source document name.")
    quote: str | None = Field(
        None, max_length=5000, description="The sentence the record rests on."
    )
    url: str | None = Field(None, max_length=500, description="Web address of the source.")


class VenueDraft(BaseModel):
    """A delivery location as a WGS84 point."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=300)
    lat: float = Field(ge=-90, le=90, description="Latitude, WGS84 degrees.")
    lon: float = Field(ge=-180, le=180, description="Longitude, WGS84 degrees.")


class InterventionDraft(BaseModel):
    """Everything a submitter may say about an intervention, validated against the typology."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=300, description="Name of the programme or service.")
    description: str | None = Field(None, max_length=10_000, description="What it does, plainly.")
    provider: str | None = Field(None, max_length=300, description="Who delivers it.")
    website: str | None = Field(
        None, max_length=500, description="Public web page (http or https)."
    )
    contact_email: str | None = Field(None, max_length=320, description="Contact e-mail address.")
    la_codes: list[Text] = Field(
        min_length=1,
        max_length=200,
        description="LAs served: GSS codes (current or superseded), DfE three-digit codes or names.",
    )
    age_min: int | None = Field(None, ge=5, le=30, description="Youngest age served, in years.")
    age_max: int | None = Field(None, ge=5, le=30, description="Oldest age served, in years.")
    age_band: list[str] = Field(default_factory=list, description="Age bands (derived from ages).")
    transition_point: list[str] = Field(default_factory=list, description="Transition points.")
    target_group: list[str] = Field(default_factory=list, description="Target groups.")
    funding_source: list[str] = Field(default_factory=list, description="Funding sources.")
    intervention_type: list[str] = Field(default_factory=list, description="Intervention types.")
    delivery_model: list[str] = Field(default_factory=list, description="Delivery models.")
    evidence_level: list[str] = Field(default_factory=list, description="Evidence levels.")
    status: str = Field("active", description="planned, active or ended.")
    start_date: date | None = Field(None, description="When it started or starts.")
    end_date: date | None = Field(None, description="When it ended or ends.")
    outcome_measures: list[Text] = Field(default_factory=list, description="Outcomes tracked.")
    source: SourceCitation | None = Field(None, description="Where this record comes from.")
    venues: list[VenueDraft] = Field(default_factory=list, max_length=100)

    @field_validator(*MULTI_VALUED)
    @classmethod
    def _known_slugs(cls, values: list[str], info: object) -> list[str]:
        dimension: Dimension = getattr(info, "field_name")  # noqa: B009  (ValidationInfo)
        normalised = [normalise_value(dimension, v) for v in values if v.strip()]
        return list(dict.fromkeys(normalised))

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        return normalise_value("status", value)

    @field_validator("website")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
            raise ValueError("must be a web address starting with http:// or https://")
        return value or None

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise ValueError("must be an e-mail address such as name@example.org")
        return value or None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min must not be greater than age_max")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        if self.age_min is not None or self.age_max is not None:
            derived = bands_for_ages(self.age_min, self.age_max)
            outside = [band for band in self.age_band if band not in derived]
            if outside:
                spans = ", ".join(
                    f"{b} is ages {AGE_BAND_RANGES[b][0]}-{AGE_BAND_RANGES[b][1]}" for b in outside
                )
                raise ValueError(
                    f"age_band contradicts age_min/age_max ({spans}); those ages give "
                    f"{', '.join(derived) or 'no band'}"
                )
            self.age_band = list(derived)
        return self
