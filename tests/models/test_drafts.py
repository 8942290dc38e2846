"""Validation of incoming interventions: slugs, ages against bands, dates, contacts."""

import pytest
from pydantic import ValidationError

from models.interventions.drafts import InterventionDraft


def _draft(**fields: object) -> InterventionDraft:
    return InterventionDraft.model_validate(
        {"name": "A programme", "la_codes": ["E08000035"], **fields}
    )


def test_age_bands_are_derived_from_ages() -> None:
    assert _draft(age_min=14, age_max=17).age_band == ["14_16", "16_18"]
    assert _draft(age_band=["pre_14"]).age_band == ["pre_14"]


def test_bands_sharing_no_age_with_the_ages_are_an_error_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"age_band pre_14 covers ages 10–13") as caught:
        _draft(age_min=16, age_max=17, age_band=["pre_14"])
    assert caught.value.errors()[0]["loc"] == ("age_band",)


@pytest.mark.parametrize(
    ("ages", "bands", "message"),
    [
        (
            {"age_min": 19, "age_max": 24},
            ["16_18"],
            "age_band 16_18 covers ages 16–17, but age_min–age_max is 19–24: they share no "
            "age. Give a band that includes these ages (18_plus), correct the ages, or leave "
            "age_band out to derive it from the ages.",
        ),
        (
            {"age_min": 19, "age_max": 24},
            ["14_16", "16_18"],
            "age_band 14_16 covers ages 14–15 and 16_18 covers ages 16–17, but age_min–age_max "
            "is 19–24",
        ),
        ({"age_min": 16}, ["pre_14"], "but age_min is 16, with no age_max"),
        ({"age_max": 13}, ["16_18"], "but age_max is 13, with no age_min"),
    ],
)
def test_bands_and_ages_with_no_age_in_common_contradict_them_saying_each_range(
    ages: dict[str, int], bands: list[str], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _draft(**ages, age_band=bands)
    assert message in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("ages", "bands", "stored"),
    [
        ({"age_min": 16, "age_max": 18}, ["16_18"], ["16_18", "18_plus"]),  # "16-18" as said
        ({"age_min": 16, "age_max": 24}, ["18_plus"], ["16_18", "18_plus"]),
        ({"age_min": 16}, ["18_plus"], ["16_18", "18_plus"]),
        ({"age_max": 15}, ["pre_14"], ["pre_14", "14_16"]),
        ({"age_min": 14, "age_max": 17}, ["16_18", "14_16"], ["14_16", "16_18"]),
    ],
)
def test_bands_that_overlap_the_ages_are_accepted_and_derived_from_them(
    ages: dict[str, int], bands: list[str], stored: list[str]
) -> None:
    assert _draft(**ages, age_band=bands).age_band == stored


def test_one_band_apart_from_the_ages_is_a_contradiction_beside_others_that_fit() -> None:
    with pytest.raises(ValidationError) as caught:
        _draft(age_min=16, age_max=19, age_band=["pre_14", "16_18"])
    message = caught.value.errors()[0]["msg"]
    assert "pre_14 covers ages 10–13" in message
    assert "16_18 covers" not in message


def test_without_bands_they_are_derived_from_the_ages() -> None:
    assert _draft(age_min=16, age_max=24).age_band == ["16_18", "18_plus"]
    assert _draft(age_min=16).age_band == ["16_18", "18_plus"]


@pytest.mark.parametrize("field", ["age_min", "age_max"])
@pytest.mark.parametrize("age", [9, 30])
def test_ages_outside_10_to_29_are_invalid_naming_the_field(field: str, age: int) -> None:
    with pytest.raises(ValidationError) as caught:
        _draft(**{field: age})
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(("age_min", "age_max"), [(10, 13), (16, 24), (16, 29), (25, 29)])
def test_real_programme_ages_from_10_to_29_are_accepted(age_min: int, age_max: int) -> None:
    draft = _draft(age_min=age_min, age_max=age_max)
    assert (draft.age_min, draft.age_max) == (age_min, age_max)
    assert draft.age_band  # every accepted age falls in some band


@pytest.mark.parametrize("age", range(18, 30))
def test_every_age_from_18_derives_18_plus(age: int) -> None:
    assert _draft(age_min=age, age_max=age).age_band == ["18_plus"]
    assert "18_plus" in _draft(age_min=16, age_max=age).age_band


def test_age_10_derives_pre_14() -> None:
    assert _draft(age_min=10, age_max=10).age_band == ["pre_14"]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"target_group": ["sned"]}, "target_group"),
        ({"status": "finished"}, "status"),
        ({"age_min": 18, "age_max": 16}, "age_min must not be greater"),
        ({"start_date": "2024-05-01", "end_date": "2023-01-01"}, "end_date"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": 'https://example.org/"onmouseover=x'}, "website"),
        ({"source": {"url": "javascript:alert(1)"}}, "source.url"),
        ({"source": {"url": "data:text/html,x"}}, "source.url"),
        ({"contact_email": "<script>@example.org"}, "contact_email"),
        ({"contact_email": "name@localhost"}, "contact_email"),
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


def test_web_addresses_and_emails_people_use_are_accepted() -> None:
    draft = _draft(
        website="HTTPS://Example.org/young-people's-service?a=1&b=2#top",
        contact_email="first.last+neet@leeds.gov.uk",
        source={"url": "http://example.org/report.pdf"},
    )
    assert draft.source is not None
    assert draft.source.url == "http://example.org/report.pdf"
