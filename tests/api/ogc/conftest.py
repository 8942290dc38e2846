"""Records for the OGC tests: the sample data plus a few with known places, dates and venues."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas

LEEDS = "E08000035"
BRADFORD = "E08000032"
CORNWALL = "E06000052"
CAMDEN = "E09000007"
#: A point in Leeds city centre (lon, lat).
LEEDS_POINT = (-1.5491, 53.8008)


def add(
    session: Session, name: str, las: list[str], state: str = "published", **fields: Any
) -> int:
    draft = InterventionDraft.model_validate({"name": name, "la_codes": las, **fields})
    row = create_intervention(session, draft, ensure_areas(session, las), state=state)
    session.commit()
    assert row.id is not None
    return row.id


@pytest.fixture
def published(boundaries: Engine, seeded: Session) -> dict[str, int]:
    """The samples and five records whose LAs, typology, dates and venues the tests know."""
    session = seeded
    return {
        "leeds_send": add(
            session,
            "Leeds SEND transitions",
            [LEEDS],
            target_group=["send", "neet"],
            age_min=14,
            age_max=19,
            start_date="2023-09-01",
            end_date="2025-07-31",
            status="active",
        ),
        "west_yorkshire": add(
            session,
            "West Yorkshire mentoring",
            [LEEDS, BRADFORD],
            target_group=["send"],
            intervention_type=["mentoring"],
            start_date="2021-01-01",
            end_date="2022-12-31",
            status="ended",
        ),
        "cornwall_venue": add(
            session,
            "Cornwall outreach bus",
            [CORNWALL],
            target_group=["neet", "care_experienced"],
            status="active",
            venues=[{"name": "Truro", "lat": 50.2632, "lon": -5.051}],
        ),
        "camden_open": add(
            session, "Camden drop-in", [CAMDEN], target_group=["at_risk"], start_date="2024-04-01"
        ),
        "draft": add(session, "Unpublished draft", [LEEDS], state="submitted"),
    }
