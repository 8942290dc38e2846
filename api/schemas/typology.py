"""The typology as served: every dimension with its slugs, labels and descriptions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from models.geography.area import LA_CODE_PATTERN, REGION_CODE_PATTERN
from models.typology.vocabulary import TYPOLOGY_VERSION, VOCABULARIES, Dimension


class TermPublic(BaseModel):
    slug: str = Field(description="The value used in the API.")
    label: str = Field(description="Human label.")
    description: str = Field(description="One-line description.")


class TypologyPublic(BaseModel):
    version: str = Field(description="Typology version.")
    dimensions: dict[str, list[TermPublic]]

    @classmethod
    def current(cls) -> TypologyPublic:
        return cls(
            version=TYPOLOGY_VERSION,
            dimensions={
                dimension: [
                    TermPublic(slug=t.slug, label=t.label, description=t.description) for t in terms
                ]
                for dimension, terms in VOCABULARIES.items()
            },
        )


def _optional_list(items: dict[str, Any]) -> dict[str, Any]:
    """The schema of an optional repeatable query parameter whose values are `items`."""
    return {"anyOf": [{"type": "array", "items": items}, {"type": "null"}]}


def typology_item_schema(dimension: Dimension) -> dict[str, Any]:
    """One typology value: its slugs as an enum, each with its label and description
    (`x-enum-descriptions`, read by client generators), so clients get named constants.
    Validation stays neetmap's own, which also takes labels in any case."""
    terms = VOCABULARIES[dimension]
    return {
        "type": "string",
        "enum": [term.slug for term in terms],
        "x-enum-descriptions": [f"{term.label}: {term.description}" for term in terms],
    }


def typology_values_schema(dimension: Dimension) -> dict[str, Any]:
    """A typology filter's schema (the filter also takes comma-separated lists)."""
    return _optional_list(typology_item_schema(dimension))


#: `la` and `region` as GSS codes (names and DfE codes are accepted too, as they say).
LA_VALUES_SCHEMA = _optional_list({"type": "string", "pattern": LA_CODE_PATTERN})
REGION_VALUES_SCHEMA = _optional_list({"type": "string", "pattern": REGION_CODE_PATTERN})
