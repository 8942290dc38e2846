"""The typology as served: every dimension with its slugs, labels and descriptions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.typology.vocabulary import TYPOLOGY_VERSION, VOCABULARIES


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
