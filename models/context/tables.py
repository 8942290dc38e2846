"""Context indicators per LA (NEET, Not Known, deprivation) beside the intervention counts.

Long format, one row per LA x indicator x period, so that new indicators or years need no
migration. Missing figures keep their reason (`suppressed` for DfE `c`, `not_applicable` for
`z`, `no_data` where the source has no row) and a NULL value: a suppressed figure is not zero.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from geodata.context import NO_DATA, NOT_APPLICABLE, SUPPRESSED
from models.base import UTCDateTime, utcnow

#: Why a figure is missing: the markers the readers of the source files write (`geodata.context`).
MISSING_REASONS = (SUPPRESSED, NOT_APPLICABLE, NO_DATA)


class AreaIndicator(SQLModel, table=True):
    """One figure (or the reason it is missing) for one LA, indicator and period."""

    __tablename__ = "area_indicator"
    __table_args__ = (
        CheckConstraint("(value IS NULL) <> (missing IS NULL)", name="value_or_missing"),
        CheckConstraint(
            f"missing IS NULL OR missing IN ({', '.join(map(repr, MISSING_REASONS))})",
            name="missing_reason",
        ),
        Index("ix_area_indicator_indicator_period", "indicator", "period"),
    )

    area_code: str = Field(
        sa_column=Column(String(9), ForeignKey("area.code", ondelete="CASCADE"), primary_key=True)
    )
    indicator: str = Field(primary_key=True, max_length=40)
    period: str = Field(primary_key=True, max_length=20, description="e.g. '2025' or '2019'")
    value: float | None = None
    missing: str | None = Field(default=None, max_length=20)
    source: str = Field(max_length=300)
    note: str | None = Field(default=None, max_length=300)


class ContextLoad(SQLModel, table=True):
    """One `neetmap context load`; the latest id is the context version caches key on."""

    __tablename__ = "context_load"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=2000, description="The files the indicators came from.")
    row_count: int
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


#: Indicator slugs in display order, with the label the API serves beside each figure.
INDICATORS: dict[str, str] = {
    "neet_pct": "16-17 year-olds NEET, %",
    "not_known_pct": "16-17 year-olds whose activity is not known to the LA, %",
    "neet_or_not_known_pct": "16-17 year-olds NEET or not known, %",
    "cohort": "16-17 year-olds known to the LA (December-February average)",
    "sept_guarantee_offer_pct": "September Guarantee: offer of a post-16 place made, %",
    "participation_pct": "16-17 year-olds in education or training, %",
    "vulnerable_neet_or_not_known_pct": "Vulnerable groups NEET or not known, %",
    "imd_avg_score": "IMD 2019 average score (higher is more deprived)",
    "imd_rank": "IMD 2019 rank of average score (1 is the most deprived)",
}

#: Indicators that are whole numbers by definition (a head count, a rank). Stored as floats
#: beside the percentages, they are served as integers, so `2441` never reads `2441.0`.
INTEGER_INDICATORS: frozenset[str] = frozenset({"cohort", "imd_rank"})


def indicator_value(indicator: str, value: float | None) -> float | int | None:
    """A stored value as served: an integer for `INTEGER_INDICATORS` when it is whole."""
    if value is not None and indicator in INTEGER_INDICATORS and float(value).is_integer():
        return int(value)
    return value
