"""The intervention typology, version 1: the controlled vocabularies every record is classified on.

It lives in code, not in the database, so that a slug can never exist in one deployment and
not another; the API serves it verbatim and validation checks every value against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

TYPOLOGY_VERSION: Final = "1"


@dataclass(frozen=True, slots=True)
class Term:
    slug: str
    label: str
    description: str


Dimension = Literal[
    "age_band",
    "transition_point",
    "target_group",
    "funding_source",
    "intervention_type",
    "delivery_model",
    "evidence_level",
    "status",
]

#: Dimensions an intervention may carry several values of (stored one row per value).
MULTI_VALUED: Final[tuple[Dimension, ...]] = (
    "age_band",
    "transition_point",
    "target_group",
    "funding_source",
    "intervention_type",
    "delivery_model",
    "evidence_level",
)

_T = Term

VOCABULARIES: Final[dict[Dimension, tuple[Term, ...]]] = {
    "age_band": (
        _T(
            "pre_14",
            "Pre-14 (Years 7-9)",
            "Young people in Years 7 to 9, roughly ages 11 to 13, and from age 10 where a "
            "programme starts earlier.",
        ),
        _T("14_16", "14-16 (Years 10-11)", "Young people in Key Stage 4, Years 10 and 11."),
        _T("16_18", "16-18 (post-16)", "Young people of post-16 age, 16 and 17 year-olds."),
        _T(
            "18_plus",
            "18 and over",
            "Young adults aged 18 and over: most youth programmes run to 24, SEND and care "
            "leavers to 25, some employment programmes to 29; ages above 29 are out of scope.",
        ),
    ),
    "transition_point": (
        _T(
            "year_9_options",
            "Year 9 options",
            "Choosing Key Stage 4 options in Year 9.",
        ),
        _T(
            "year_11_post_16",
            "Year 11 to post-16",
            "Leaving Year 11 into post-16 learning; the September Guarantee.",
        ),
        _T(
            "post_16_retention",
            "Post-16 retention",
            "Staying in post-16 learning and preventing in-year drop-out.",
        ),
        _T(
            "age_18",
            "Age 18 transition",
            "Moving at 18 into work, higher education or adult services, or leaving care.",
        ),
        _T(
            "re_engagement",
            "Re-engagement",
            "Bringing young people who are NEET back into education or work, at any age.",
        ),
    ),
    "target_group": (
        _T("universal", "Universal", "Open to all young people in the cohort."),
        _T(
            "at_risk",
            "At risk of NEET",
            "Identified as at risk of becoming NEET, by a RONI tool or professional judgement.",
        ),
        _T("neet", "NEET", "Young people not in education, employment or training."),
        _T("not_known", "Not known", "Young people whose activity is not known to the LA."),
        _T("send", "SEND", "Young people with special educational needs and disabilities."),
        _T(
            "care_experienced",
            "Care experienced",
            "Looked-after children and care leavers.",
        ),
        _T("ehe", "Electively home educated", "Young people educated at home by choice."),
        _T("young_carers", "Young carers", "Young people who care for a family member."),
        _T("young_parents", "Young parents", "Young people who are pregnant or parents."),
        _T(
            "youth_justice",
            "Youth justice",
            "Young people in contact with the youth justice system.",
        ),
        _T(
            "ethnic_minority",
            "Ethnic minority",
            "Young people from ethnic minority communities.",
        ),
        _T(
            "mental_health",
            "Mental health",
            "Young people with mental health or emotional wellbeing needs.",
        ),
        _T(
            "alternative_provision",
            "Alternative provision",
            "Young people excluded from school or in off-site learning.",
        ),
        _T(
            "substance_misuse",
            "Substance misuse",
            "Young people affected by drug or alcohol misuse.",
        ),
        _T("housing_need", "Housing need", "Young people who are homeless or in housing need."),
        _T(
            "refugee_asylum",
            "Refugees and asylum seekers",
            "Young refugees and asylum seekers, including unaccompanied children.",
        ),
    ),
    "funding_source": (
        _T("la_core", "LA core budget", "The local authority's own core funding."),
        _T("esf", "European Social Fund", "The European Social Fund, now closed."),
        _T("ukspf", "UK Shared Prosperity Fund", "The UK Shared Prosperity Fund."),
        _T("dfe", "Department for Education", "Grants or programmes of the DfE."),
        _T(
            "dwp",
            "Department for Work and Pensions",
            "The DWP, including Jobcentre Plus.",
        ),
        _T(
            "combined_authority",
            "Combined authority",
            "A mayoral or combined authority's funding.",
        ),
        _T(
            "charity_trust",
            "Charity or trust",
            "Charities, trusts and foundations, including lottery funding.",
        ),
        _T("traded", "Traded service", "Schools or colleges buy the service."),
        _T("health", "Health", "NHS or public health funding."),
        _T("private_employer", "Private employer", "Funding from private employers."),
        _T("other", "Other", "Any other source of funding."),
    ),
    "intervention_type": (
        _T(
            "careers_guidance",
            "Careers guidance",
            "Independent careers information, advice and guidance.",
        ),
        _T(
            "personal_adviser",
            "Personal adviser",
            "One-to-one support from a named personal adviser.",
        ),
        _T("mentoring", "Mentoring", "Mentoring by staff, volunteers or peers."),
        _T(
            "tracking",
            "Tracking",
            "Tracking young people's activity and reducing the number whose status is not known.",
        ),
        _T(
            "risk_identification",
            "Risk identification",
            "Identifying young people at risk of NEET, for example with a RONI tool.",
        ),
        _T(
            "transition_support",
            "Transition support",
            "Support through a move between stages of education or into work.",
        ),
        _T(
            "alternative_learning",
            "Alternative learning",
            "Learning programmes outside mainstream provision.",
        ),
        _T("outreach", "Outreach", "Finding and contacting young people where they are."),
        _T("family_support", "Family support", "Work with parents, carers and families."),
        _T(
            "employer_engagement",
            "Employer engagement",
            "Work experience, placements and links with employers.",
        ),
        _T("wellbeing", "Wellbeing", "Support for confidence, resilience and mental health."),
        _T("youth_work", "Youth work", "Youth work in the community or in schools."),
        _T(
            "information_sharing",
            "Information sharing",
            "Sharing data between schools, colleges, the LA and partners.",
        ),
        _T(
            "strategy_partnership",
            "Strategy and partnership",
            "Local NEET strategy, partnership boards and joint planning.",
        ),
    ),
    "delivery_model": (
        _T("la_in_house", "LA in-house", "Delivered by the local authority's own staff."),
        _T("commissioned", "Commissioned", "Commissioned by the LA from another provider."),
        _T("school_led", "School-led", "Run by schools."),
        _T("college_led", "College-led", "Run by further education colleges."),
        _T(
            "voluntary_sector",
            "Voluntary sector",
            "Run by a charity or voluntary organisation.",
        ),
        _T("partnership", "Partnership", "Delivered jointly by several organisations."),
    ),
    "evidence_level": (
        _T("none", "None", "No outcome data or evaluation is known."),
        _T("monitoring", "Monitoring", "Outcome data are collected."),
        _T("evaluation", "Evaluation", "A published evaluation exists."),
        _T(
            "comparison_group",
            "Comparison group",
            "Evaluated against a comparison group.",
        ),
        _T("rct", "Randomised controlled trial", "Evaluated by a randomised controlled trial."),
    ),
    "status": (
        _T("planned", "Planned", "Not yet started."),
        _T("active", "Active", "Running now."),
        _T("ended", "Ended", "No longer running."),
        # Not in the brief's list: its source does not say, which none of the three can carry
        # without a guess (a compiled record whose page is silent; issue 21).
        _T(
            "not_stated",
            "Not stated",
            "Its source does not say whether it is planned, running or ended.",
        ),
    ),
}
#: The status a record's source does not state; the typology's one value outside the brief.
NOT_STATED: Final = "not_stated"

DIMENSIONS: Final[tuple[Dimension, ...]] = tuple(VOCABULARIES)

#: Inclusive age range of each age band, in years; bands are derived from age_min/age_max.
#: Together they cover every age a record may state (10 to 29): youth employment programmes
#: commonly run to 24 or 29 (16-24, 16-29), so every age from 18 derives 18_plus.
AGE_BAND_RANGES: Final[dict[str, tuple[int, int]]] = {
    "pre_14": (10, 13),
    "14_16": (14, 15),
    "16_18": (16, 17),
    "18_plus": (18, 29),
}


def slugs(dimension: Dimension) -> tuple[str, ...]:
    """The allowed values of one dimension, in the brief's order."""
    return tuple(term.slug for term in VOCABULARIES[dimension])


def bands_for_ages(age_min: int | None, age_max: int | None) -> tuple[str, ...]:
    """Age bands that overlap an inclusive age range; an open end reaches the band limits."""
    low = age_min if age_min is not None else 0
    high = age_max if age_max is not None else 200
    return tuple(
        band
        for band, (band_low, band_high) in AGE_BAND_RANGES.items()
        if band_low <= high and low <= band_high
    )
