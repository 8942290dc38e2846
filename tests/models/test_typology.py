"""The typology in code matches the brief exactly, and its helpers behave."""

import re
from pathlib import Path

import pytest

from models.typology.synonyms import SYNONYMS
from models.typology.values import closest_value, normalise_value
from models.typology.vocabulary import (
    AGE_BAND_RANGES,
    DIMENSIONS,
    NOT_STATED,
    TYPOLOGY_VERSION,
    VOCABULARIES,
    Dimension,
    bands_for_ages,
    slugs,
)


def _brief_slugs(brief: str, dimension: str) -> list[str]:
    """The backticked slugs of one dimension's bullet in the brief."""
    match = re.search(rf"^- \*\*{dimension}\*\*:(.*?)(?=^- \*\*|^\S|\Z)", brief, re.S | re.M)
    assert match, f"{dimension} is not in the brief"
    text = match.group(1)
    if dimension == "age_band":
        text = text.split("Where `age_min`")[0]
    found = re.findall(r"`([a-z0-9_]+)`", text)
    if dimension == "status":
        found = found[:3]
    return found


def test_every_dimension_has_exactly_the_briefs_slugs(shared_dir: Path) -> None:
    """The brief's slugs, in its order; status adds `not_stated` last (issue 21: what a source
    does not say is not guessed), the one value the brief does not list."""
    brief = (shared_dir / "BRIEF.md").read_text()
    for dimension in DIMENSIONS:
        extra = [NOT_STATED] if dimension == "status" else []
        assert list(slugs(dimension)) == _brief_slugs(brief, dimension) + extra, dimension
    assert TYPOLOGY_VERSION == "1"
    assert len(DIMENSIONS) == 8


def test_every_term_has_a_label_and_a_one_line_description() -> None:
    for terms in VOCABULARIES.values():
        for term in terms:
            assert term.label.strip()
            assert term.description.strip()
            assert "\n" not in term.description


def test_the_age_band_descriptions_say_which_ages_they_cover() -> None:
    terms = {term.slug: term for term in VOCABULARIES["age_band"]}
    low, high = AGE_BAND_RANGES["18_plus"]
    assert str(low) in terms["18_plus"].description
    assert f"to {high}" in terms["18_plus"].description
    assert f"above {high} are out of scope" in terms["18_plus"].description
    assert f"age {AGE_BAND_RANGES['pre_14'][0]}" in terms["pre_14"].description


@pytest.mark.parametrize(
    ("age_min", "age_max", "bands"),
    [
        (16, 17, ("16_18",)),
        (13, 16, ("pre_14", "14_16", "16_18")),
        (18, 24, ("18_plus",)),
        (None, 13, ("pre_14",)),
        (17, None, ("16_18", "18_plus")),
    ],
)
def test_bands_are_derived_from_ages(
    age_min: int | None, age_max: int | None, bands: tuple[str, ...]
) -> None:
    assert bands_for_ages(age_min, age_max) == bands


def test_labels_and_slugs_are_accepted_and_typos_get_the_closest_match() -> None:
    assert normalise_value("transition_point", "Year 11 to post-16") == "year_11_post_16"
    assert normalise_value("target_group", "  SEND ") == "send"
    assert normalise_value("target_group", "care experienced") == "care_experienced"
    with pytest.raises(ValueError, match="Did you mean 'care_experienced'") as caught:
        normalise_value("target_group", "care_experianced")
    assert "refugee_asylum" in str(caught.value)
    assert closest_value("funding_source", "zzzzzz") is None


@pytest.mark.parametrize(
    ("dimension", "value", "closest"),
    [
        ("status", "finished", "ended"),
        ("status", "Closed", "ended"),
        ("status", "running", "active"),
        ("status", "unknown", "not_stated"),
        ("target_group", "Care leavers", "care_experienced"),
        ("target_group", "looked after children", "care_experienced"),
        ("funding_source", "Lottery", "charity_trust"),
        ("funding_source", "Jobcentre Plus", "dwp"),
    ],
)
def test_everyday_words_suggest_their_term(dimension: Dimension, value: str, closest: str) -> None:
    with pytest.raises(ValueError, match=f"Did you mean '{closest}'") as caught:
        normalise_value(dimension, value)
    assert f"'{value}' is not one of the {dimension} values." in str(caught.value)


def test_allowed_values_are_listed_with_their_labels() -> None:
    with pytest.raises(ValueError, match="Allowed values: ") as caught:
        normalise_value("target_group", "nobody")
    assert "care_experienced (Care experienced)" in str(caught.value)
    assert "is not a " not in str(caught.value)


def test_every_synonym_points_to_a_term_and_is_not_a_value() -> None:
    for dimension, words in SYNONYMS.items():
        for word, slug in words.items():
            assert slug in slugs(dimension), (dimension, word)
            with pytest.raises(ValueError, match="Did you mean"):
                normalise_value(dimension, word)
