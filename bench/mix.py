"""How often each typology value turns up in synthetic interventions.

The shares are rough readings of the seed documents: most provision targets young people at
risk or NEET at 16-18, is LA-funded and run in-house or commissioned, and has little evidence
beyond monitoring. Every slug of every dimension occurs, so every filter has something to find.
"""

from __future__ import annotations

from typing import Final

from models.typology.vocabulary import MULTI_VALUED, slugs

#: (age_min, age_max, weight) for the records that give ages; bands are derived from them.
AGE_RANGES: Final = (
    (16, 17, 20),
    (16, 18, 14),
    (16, 24, 8),
    (16, 25, 4),
    (14, 17, 8),
    (14, 16, 6),
    (13, 16, 6),
    (11, 16, 5),
    (11, 13, 2),
    (15, 19, 6),
    (18, 24, 6),
    (18, 25, 3),
)
#: Band sets (and weights) for the records that give bands but no ages.
BAND_SETS: Final = (
    (("16_18",), 30),
    (("14_16", "16_18"), 20),
    (("16_18", "18_plus"), 15),
    (("14_16",), 8),
    (("pre_14", "14_16"), 8),
    (("pre_14",), 3),
    (("18_plus",), 6),
    (("pre_14", "14_16", "16_18", "18_plus"), 4),
)
#: Independent chance of each value; a record left with none gets the first slug listed.
SHARES: Final[dict[str, dict[str, float]]] = {
    "target_group": {
        "at_risk": 0.45,
        "neet": 0.40,
        "universal": 0.10,
        "not_known": 0.10,
        "send": 0.18,
        "care_experienced": 0.15,
        "ehe": 0.03,
        "young_carers": 0.04,
        "young_parents": 0.05,
        "youth_justice": 0.06,
        "ethnic_minority": 0.04,
        "mental_health": 0.10,
        "alternative_provision": 0.07,
        "substance_misuse": 0.02,
        "housing_need": 0.03,
        "refugee_asylum": 0.03,
    },
    "funding_source": {
        "la_core": 0.55,
        "esf": 0.12,
        "ukspf": 0.12,
        "dfe": 0.12,
        "dwp": 0.06,
        "combined_authority": 0.06,
        "charity_trust": 0.14,
        "traded": 0.05,
        "health": 0.05,
        "private_employer": 0.03,
        "other": 0.03,
    },
    "intervention_type": {
        "personal_adviser": 0.30,
        "careers_guidance": 0.30,
        "mentoring": 0.22,
        "tracking": 0.15,
        "risk_identification": 0.10,
        "transition_support": 0.25,
        "alternative_learning": 0.10,
        "outreach": 0.15,
        "family_support": 0.08,
        "employer_engagement": 0.15,
        "wellbeing": 0.15,
        "youth_work": 0.10,
        "information_sharing": 0.06,
        "strategy_partnership": 0.05,
    },
}
#: Exactly one primary value (a second "partnership" now and then for delivery).
ONE_OF: Final[dict[str, dict[str, float]]] = {
    "delivery_model": {
        "la_in_house": 0.35,
        "commissioned": 0.25,
        "voluntary_sector": 0.16,
        "school_led": 0.08,
        "college_led": 0.08,
        "partnership": 0.08,
    },
    "evidence_level": {
        "monitoring": 0.45,
        "none": 0.35,
        "evaluation": 0.12,
        "comparison_group": 0.05,
        "rct": 0.03,
    },
}
#: Transition points, by the age bands a record serves: (slug, if band present, otherwise).
TRANSITIONS: Final = (
    ("year_9_options", "pre_14", 0.60, 0.02),
    ("year_11_post_16", "14_16", 0.60, 0.05),
    ("post_16_retention", "16_18", 0.45, 0.02),
    ("age_18", "18_plus", 0.50, 0.03),
    ("re_engagement", "16_18", 0.35, 0.08),
)
PUBLICATION: Final = {"published": 0.90, "submitted": 0.06, "rejected": 0.02, "withdrawn": 0.02}
STATUS: Final = {"active": 0.68, "ended": 0.22, "planned": 0.10}
#: Share of records serving one LA, 2-5 neighbouring LAs, and a whole region.
REACH: Final = (0.80, 0.16, 0.04)

BRANDS: Final = (
    "Aspire", "Next Steps", "Futures", "Compass", "Bridge", "Launchpad", "Horizons",
    "Step Up", "Pathways", "Ignite", "Thrive", "Elevate", "Journey", "Springboard",
    "Fresh Start", "Catalyst", "Kickstart", "Rise", "Stepping Stones", "Reach",
)  # fmt: skip
SUFFIXES: Final = ("Programme", "Service", "Project", "Scheme", "Pathway", "Hub", "Initiative")
CHARITIES: Final = (
    "Youth Futures Trust", "Pathways North CIC", "Young Lives Foundation",
    "Brighter Steps Charity", "Open Door Youth", "Second Chance Trust",
    "Talent Match Partnership", "Community Works CIC",
)  # fmt: skip
OUTCOMES: Final = (
    "NEET percentage (16-18)", "'Not Known' percentage (16-18)",
    "sustained post-16 destinations", "September Guarantee offers",
    "attendance", "progression into apprenticeships", "Outcomes Star scores",
    "re-engagement within 12 weeks",
)  # fmt: skip

# Every dimension is covered by exactly one of the tables above.
_COVERED = {"age_band", "transition_point", *SHARES, *ONE_OF}
assert _COVERED == set(MULTI_VALUED), _COVERED ^ set(MULTI_VALUED)
for _dimension, _shares in (*SHARES.items(), *ONE_OF.items()):
    assert set(_shares) == set(slugs(_dimension)), _dimension  # type: ignore[arg-type]
