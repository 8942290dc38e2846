"""Our typology as ORUK taxonomies: one taxonomy per dimension, one term per value.

Term names and descriptions are the typology's own labels and descriptions (the very text of
/api/v1/typology); the term's `term` is the slug the JSON API takes, so a filter by either
means the same records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from api.oruk.ids import taxonomy_id, term_id
from models.typology.vocabulary import TYPOLOGY_VERSION, VOCABULARIES, Dimension, Term

#: What each dimension classifies, in one line (the typology gives terms descriptions only).
DIMENSION_TEXT: Final[dict[Dimension, tuple[str, str]]] = {
    "age_band": ("Age band", "The school years or ages of the young people served."),
    "transition_point": (
        "Transition point",
        "The move between stages of education, training or work the intervention supports.",
    ),
    "target_group": ("Target group", "The young people the intervention is for."),
    "funding_source": ("Funding source", "Who pays for the intervention."),
    "intervention_type": ("Intervention type", "What kind of support the intervention gives."),
    "delivery_model": ("Delivery model", "Who runs the intervention, and how."),
    "evidence_level": ("Evidence level", "How far its outcomes are measured or evaluated."),
    "status": (
        "Status",
        "Whether the intervention is planned, running or ended, or that its source does not say.",
    ),
}
TAXONOMY_PREFIX: Final = "neetmap "


@dataclass(frozen=True, slots=True)
class TaxonomyEntry:
    id: str
    dimension: Dimension
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class TermEntry:
    id: str
    dimension: Dimension
    term: Term
    taxonomy: TaxonomyEntry


TAXONOMIES: Final[tuple[TaxonomyEntry, ...]] = tuple(
    TaxonomyEntry(
        taxonomy_id(dimension),
        dimension,
        TAXONOMY_PREFIX + DIMENSION_TEXT[dimension][0].lower(),
        f"{DIMENSION_TEXT[dimension][1]} neetmap typology version {TYPOLOGY_VERSION}.",
    )
    for dimension in VOCABULARIES
)
TAXONOMY_BY_ID: Final = {t.id: t for t in TAXONOMIES}
TERMS: Final[tuple[TermEntry, ...]] = tuple(
    TermEntry(term_id(taxonomy.dimension, term.slug), taxonomy.dimension, term, taxonomy)
    for taxonomy in TAXONOMIES
    for term in VOCABULARIES[taxonomy.dimension]
)
TERM_BY_ID: Final = {t.id: t for t in TERMS}
TERM_BY_SLUG: Final = {(t.dimension, t.term.slug): t for t in TERMS}
