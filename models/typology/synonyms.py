"""Everyday words for typology terms, so a wrong value gets a useful "did you mean".

Kept apart from the vocabularies (`models.typology.vocabulary`) because they are advice, not the typology:
changing one never changes what a record means.
"""

from __future__ import annotations

from typing import Final

from models.typology.vocabulary import Dimension

#: Words people use for a term that are neither its slug nor its label, taken from the terms'
#: own descriptions and common usage. They only suggest ("did you mean"); they are never read
#: as the term, since a synonym can be narrower or wider than the term it points to.
SYNONYMS: Final[dict[Dimension, dict[str, str]]] = {
    "age_band": {"post 16": "16_18", "18+": "18_plus", "adults": "18_plus", "ks4": "14_16"},
    "transition_point": {"september guarantee": "year_11_post_16", "leaving care": "age_18"},
    "target_group": {
        "care leavers": "care_experienced",
        "looked after children": "care_experienced",
        "cla": "care_experienced",
        "lac": "care_experienced",
        "sen": "send",
        "disabled": "send",
        "home educated": "ehe",
        "home education": "ehe",
        "teenage parents": "young_parents",
        "pregnant": "young_parents",
        "young offenders": "youth_justice",
        "yot": "youth_justice",
        "excluded": "alternative_provision",
        "pru": "alternative_provision",
        "homeless": "housing_need",
        "refugees": "refugee_asylum",
        "asylum seekers": "refugee_asylum",
        "uasc": "refugee_asylum",
        "all": "universal",
        "everyone": "universal",
    },
    "funding_source": {
        "lottery": "charity_trust",
        "charity": "charity_trust",
        "trust": "charity_trust",
        "jobcentre plus": "dwp",
        "jcp": "dwp",
        "shared prosperity fund": "ukspf",
        "nhs": "health",
        "public health": "health",
        "council": "la_core",
        "local authority": "la_core",
    },
    "intervention_type": {
        "iag": "careers_guidance",
        "ciag": "careers_guidance",
        "roni": "risk_identification",
        "work experience": "employer_engagement",
        "mental health": "wellbeing",
    },
    "delivery_model": {"in house": "la_in_house", "charity": "voluntary_sector"},
    "evidence_level": {"randomized controlled trial": "rct", "evaluated": "evaluation"},
    "status": {
        "finished": "ended",
        "closed": "ended",
        "complete": "ended",
        "completed": "ended",
        "stopped": "ended",
        "running": "active",
        "live": "active",
        "ongoing": "active",
        "current": "active",
        "proposed": "planned",
        "future": "planned",
        "upcoming": "planned",
        "unknown": "not_stated",
        "not known": "not_stated",
        "unclear": "not_stated",
    },
}
