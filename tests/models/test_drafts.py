"""Validation of incoming interventions: slugs, ages against bands, dates, contacts."""

import pytest
from pydantic import ValidationError

from models.drafts import InterventionDraft


def _draft(**fields: object) -> InterventionDraft:
    return InterventionDraft.model_validate(
        {"name": "A programme", "la_codes": ["E08000035"], **fields}
    )


def test_age_bands_are_derived_from_ages() -> None:
    assert _draft(age_min=14, age_max=17).age_band == ["14_16", "16_18"]
    assert _draft(age_band=["pre_14"]).age_band == ["pre_14"]


def test_a_band_outside_the_ages_is_an_error_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="age_band contradicts"):
        _draft(age_min=16, age_max=17, age_band=["pre_14"])


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"target_group": ["sned"]}, "target_group"),
        ({"status": "finished"}, "status"),
        ({"age_min": 18, "age_max": 16}, "age_min must not be greater"),
        ({"start_date": "2024-05-01", "end_date": "2023-01-01"}, "end_date"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"la_codes": []}, "la_codes"),
        ({"name": "   "}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_values_are_rejected(fields: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        _draft(**fields)


def test_values_are_deduplicated_and_labels_normalised() -> None:
    draft = _draft(target_group=["NEET", "neet", "At risk of NEET"])
    assert draft.target_group == ["neet", "at_risk"]
