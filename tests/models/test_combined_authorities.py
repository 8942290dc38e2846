"""The combined authorities table: real LAs of the 2023 boundaries, found by the names people use."""

from __future__ import annotations

from pathlib import Path

import pyogrio
import pytest

from models.errors import InvalidInputError
from models.geography.combined_authorities import COMBINED_AUTHORITIES, find_combined_authority
from tests.conftest import LA_2023_BUC


def test_every_member_is_an_english_upper_tier_la_of_the_2023_boundaries(shared_dir: Path) -> None:
    table = pyogrio.read_dataframe(shared_dir / LA_2023_BUC, read_geometry=False)
    names = dict(zip(table["CTYUA23CD"], table["CTYUA23NM"], strict=True))
    members = [code for ca in COMBINED_AUTHORITIES for code in ca.la_codes]
    assert [code for code in members if code not in names] == []
    assert len(members) == len(set(members))  # no LA is in two combined authorities
    west_yorkshire = find_combined_authority("West Yorkshire")
    assert sorted(names[code] for code in west_yorkshire.la_codes) == [
        "Bradford",
        "Calderdale",
        "Kirklees",
        "Leeds",
        "Wakefield",
    ]


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("West Yorkshire", "West Yorkshire Combined Authority"),
        ("west yorkshire combined authority", "West Yorkshire Combined Authority"),
        ("South Yorkshire MCA", "South Yorkshire Mayoral Combined Authority"),
        ("Cambridgeshire & Peterborough", "Cambridgeshire and Peterborough Combined Authority"),
        ("East Midlands", "East Midlands Combined County Authority"),
    ],
)
def test_combined_authorities_are_found_by_the_names_people_use(given: str, name: str) -> None:
    assert find_combined_authority(given).name == name


def test_an_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(InvalidInputError, match="Did you mean West Yorkshire Combined Authority"):
        find_combined_authority("West Yorks")
