"""Response examples for the main reads in the OpenAPI document: real answers of the sample
data (Leeds), trimmed to one item, so a client author sees every field as it comes."""

from __future__ import annotations

from typing import Any

INTERVENTION: dict[str, Any] = {
    "id": 8,
    "name": "Identified Progression Pathways and Support (IPPS)",
    "description": "Part of the Leeds NEET Action Plan (September 2011): a process in all "
    "secondary schools, starting with a needs analysis of the Year 8 cohort.",
    "provider": "Leeds City Council Children's Services",
    "website": None,
    "contact_email": None,
    "areas": [{"code": "E08000035", "name": "Leeds"}],
    "age_min": None,
    "age_max": None,
    "age_band": ["14_16", "pre_14"],
    "transition_point": ["year_11_post_16"],
    "target_group": ["alternative_provision", "at_risk", "send", "universal", "youth_justice"],
    "funding_source": [],
    "intervention_type": ["information_sharing", "risk_identification", "transition_support"],
    "delivery_model": ["partnership"],
    "evidence_level": [],
    "status": "active",
    "start_date": None,
    "end_date": None,
    "outcome_measures": ["identified post-16 pathway for each young person"],
    "venues": [],
    "source": {
        "document": "003_d84cacabb6cbab2c.txt",
        "quote": "Use of Identified Progression Pathways and Support (IPPS) process in "
        "all schools to identify a learning pathway.",
        "url": None,
    },
    "origin": "seed_document",
    "provenance": {
        "statement": "Taken from the research seed documents, quoted in its source.",
        "read_on": None,
        "notes": {},
    },
    "created_at": "2026-12-05T07:25:17.596892Z",
    "updated_at": "2026-12-05T07:25:17.596892Z",
}

INTERVENTION_PAGE: dict[str, Any] = {
    "items": [INTERVENTION],
    "total": 6,
    "limit": 1,
    "offset": 0,
    "links": {
        "next": "https://neetmap.example.org/api/v1/interventions?la=E08000035&limit=1&offset=1",
        "prev": None,
    },
    "warnings": [],
}

AREAS: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "E08000035",
            "properties": {
                "code": "E08000035",
                "name": "Leeds",
                "level": "la",
                "type": "metropolitan",
                "region_code": "E12000003",
                "region_name": "Yorkshire and The Humber",
                "vintage": "2023",
                "intervention_count": 6,
                "context": None,
            },
            "bbox": [-1.80042, 53.69896, -1.29038, 53.94588],
            "geometry": None,
        }
    ],
    "boundary_version": 1,
    "attribution": "Source: Office for National Statistics licensed under the Open Government "
    "Licence v3.0. Contains OS data © Crown copyright and database right.",
}

STATS: dict[str, Any] = {
    "group_by": ["region", "target_group"],
    "total": 2,
    "cells": 2,
    "counting_rule": "An intervention counts once in each LA it serves, once in each region it "
    "serves and once under each value it carries on a typology dimension; "
    "`total` counts it once.",
    "rows": [
        {
            "region": "E12000003",
            "region_name": "Yorkshire and The Humber",
            "target_group": "send",
            "count": 1,
        },
        {
            "region": "E12000003",
            "region_name": "Yorkshire and The Humber",
            "target_group": "care_experienced",
            "count": 0,
        },
    ],
    "context_by": None,
    "context": None,
    "boundary_version": 1,
    "context_version": None,
    "warnings": [],
}


#: (path, media type) of a GET's 200 answer -> its example.
EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/interventions", "application/json"): INTERVENTION_PAGE,
    ("/api/v1/interventions/{intervention_id}", "application/json"): INTERVENTION,
    ("/api/v1/areas", "application/geo+json"): AREAS,
    ("/api/v1/stats", "application/json"): STATS,
}


def add_examples(document: dict[str, Any]) -> None:
    """Put the examples into the generated document. Not through the routes' `responses=`:
    FastAPI drops every null from the document it builds, and an example without its empty
    fields (`"website": null`) would not look like the answers it stands for."""
    for (path, media), value in EXAMPLES.items():
        answer = document["paths"][path]["get"]["responses"]["200"]
        answer.setdefault("content", {}).setdefault(media, {})["example"] = value
