"""LA code crosswalk against DfE's real LA list and the CTYUA 2023 lookup."""

import csv
import os
from pathlib import Path

import pytest

from geodata.codes import LACodeRegistry, UnknownAreaCodeError
from geodata.dfe_codes import LACodeListError, load_dfe_la_codes
from geodata.errors import GeodataError
from geodata.la_lists import read_la_cell
from geodata.la_names import normalise_name
from geodata.reorganisations import REORGANISATIONS

LOOKUPS = Path(__file__).resolve().parents[2].parent / "shared" / "geodata" / "lookups"
LOOKUPS_2023 = "la_lookup_ctyua2023_region_DERIVED.csv"

pytestmark = pytest.mark.skipif(
    not LOOKUPS.is_dir() and os.environ.get("CI") != "true",
    reason=f"shared geodata lookups not found at {LOOKUPS}",
)


def _rows(name: str) -> list[dict[str, str]]:
    with (LOOKUPS / name).open(newline="", encoding="utf-8-sig") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def dfe_codes() -> dict[str, str]:
    return load_dfe_la_codes(LOOKUPS / "dfe_las.csv")


@pytest.fixture(scope="module")
def ctyua2023() -> dict[str, str]:
    """The 153 England CTYUA 2023 codes; ONS still had Barnsley as E08000016 then."""
    return {row["CTYUA23CD"]: row["CTYUA23NM"] for row in _rows(LOOKUPS_2023)}


@pytest.fixture(scope="module")
def registry(ctyua2023: dict[str, str], dfe_codes: dict[str, str]) -> LACodeRegistry:
    return LACodeRegistry(ctyua2023, dfe_codes)


@pytest.fixture(scope="module")
def registry_2025(dfe_codes: dict[str, str]) -> LACodeRegistry:
    """The same LAs under DfE's current codes, which use the 2025 Barnsley/Sheffield codes."""
    current = {row["dfe_current_new_la_code"]: row["CTYUA23NM"] for row in _rows(LOOKUPS_2023)}
    return LACodeRegistry(current, dfe_codes)


@pytest.fixture(scope="module")
def registry_2021(dfe_codes: dict[str, str]) -> LACodeRegistry:
    years = _rows("dfeR_geo_hierarchy_la_region_all_years.csv")
    current = {
        row["new_la_code"]: row["la_name"]
        for row in years
        if int(row["first_year"]) <= 2021 <= int(row["last_year"])
    }
    return LACodeRegistry(current, dfe_codes)


def test_lookup_has_barnsley_under_its_pre_2025_code(ctyua2023: dict[str, str]) -> None:
    assert len(ctyua2023) == 153
    assert ctyua2023["E08000016"] == "Barnsley"
    assert "E08000038" not in ctyua2023


def test_dfe_list_maps_old_and_live_codes(dfe_codes: dict[str, str]) -> None:
    assert dfe_codes["202"] == "E09000007"
    assert dfe_codes["909"] == "E10000006"  # Cumbria, terminated, kept for old data
    assert dfe_codes["815"] == "E06000065"  # reused three digits: the live row wins
    assert "x" not in dfe_codes
    assert "z" not in dfe_codes


def test_dfe_list_without_code_columns_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "las.csv"
    bad.write_text("la_name,status\nCamden,live\n", encoding="utf-8")
    with pytest.raises(LACodeListError, match="old_la_code"):
        load_dfe_la_codes(bad)


def test_current_gss_code(registry: LACodeRegistry) -> None:
    result = registry.resolve(" e09000007 ")
    assert (result.codes, result.resolved_from, result.warning) == (("E09000007",), "gss", None)


def test_dfe_code(registry: LACodeRegistry) -> None:
    result = registry.resolve("202")
    assert (result.codes, result.resolved_from, result.warning) == (
        ("E09000007",),
        "dfe_code",
        None,
    )


@pytest.mark.parametrize("text", ["camden", "CAMDEN ", "London Borough of Camden"])
def test_name_is_case_and_space_tolerant(registry: LACodeRegistry, text: str) -> None:
    result = registry.resolve(text)
    assert (result.codes, result.resolved_from) == (("E09000007",), "name")


@pytest.mark.parametrize("text", ["Bristol", "City of Bristol", "Bristol, City of", "bristol."])
def test_city_of_forms(registry: LACodeRegistry, text: str) -> None:
    assert registry.resolve(text).codes == ("E06000023",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bath & North East Somerset", "E06000022"),
        ("St Helens", "E08000013"),
        ("Herefordshire", "E06000019"),
        ("Kent County Council", "E10000016"),
        ("Durham", "E06000047"),
        ("City of London", "E09000001"),
    ],
)
def test_name_variants(registry: LACodeRegistry, text: str, code: str) -> None:
    assert registry.resolve(text).codes == (code,)


def test_abolished_county_maps_to_successors_with_warning(registry: LACodeRegistry) -> None:
    result = registry.resolve("E10000006")
    assert result.codes == ("E06000063", "E06000064")
    assert result.ambiguous
    assert result.resolved_from == "superseded_gss"
    assert result.warning == (
        "E10000006 (Cumbria) was abolished on 1 April 2023; it is now E06000063 Cumberland "
        "and E06000064 Westmorland and Furness."
    )


def test_old_dfe_code_of_abolished_county(registry: LACodeRegistry) -> None:
    result = registry.resolve("909")
    assert result.codes == ("E06000063", "E06000064")
    assert result.resolved_from == "dfe_code"
    assert result.warning is not None
    assert "Cumbria" in result.warning


def test_historic_name_maps_forward(registry: LACodeRegistry) -> None:
    result = registry.resolve("Northamptonshire")
    assert result.codes == ("E06000061", "E06000062")
    assert result.warning is not None


def test_chain_of_changes_is_followed(registry: LACodeRegistry) -> None:
    # Northumberland county (2009) -> E06000048 -> recoded E06000057 (2013).
    assert registry.resolve("E10000022").codes == ("E06000057",)


def test_barnsley_new_code_maps_to_the_loaded_one(registry: LACodeRegistry) -> None:
    result = registry.resolve("E08000038")
    assert result.codes == ("E08000016",)
    assert result.resolved_from == "newer_gss"
    assert result.warning == (
        "E08000038 (Barnsley) is newer than the loaded boundaries (in use from 1 May 2025); "
        "they show that area as E08000016 Barnsley."
    )


def test_barnsley_old_code_maps_forward_when_new_code_is_loaded(
    registry_2025: LACodeRegistry,
) -> None:
    result = registry_2025.resolve("E08000016")
    assert result.codes == ("E08000038",)
    assert result.warning is not None
    assert "recoded on 1 May 2025" in result.warning
    assert registry_2025.resolve("E08000039").resolved_from == "gss"


def test_dfe_code_across_a_recode_does_not_warn(registry: LACodeRegistry) -> None:
    # DfE's list gives 370 as E08000038; the 2023 boundaries call Barnsley E08000016.
    result = registry.resolve("370")
    assert (result.codes, result.warning) == (("E08000016",), None)


def test_2021_vintage_keeps_cumbria_current(registry_2021: LACodeRegistry) -> None:
    assert "E10000006" in registry_2021.current_codes
    result = registry_2021.resolve("E10000006")
    assert (result.codes, result.resolved_from, result.warning) == (("E10000006",), "gss", None)
    newer = registry_2021.resolve("E06000063")
    assert (newer.codes, newer.resolved_from) == (("E10000006",), "newer_gss")
    assert newer.warning is not None
    assert "newer than the loaded boundaries" in newer.warning


def test_every_resolution_is_in_the_loaded_vintage(registry: LACodeRegistry) -> None:
    for code in REORGANISATIONS:
        assert set(registry.resolve(code).codes) <= registry.current_codes


def test_unknown_code(registry: LACodeRegistry) -> None:
    with pytest.raises(UnknownAreaCodeError) as caught:
        registry.resolve("E99999999")
    assert "E99999999" in caught.value.message
    assert "DfE three-digit LA code" in caught.value.message


def test_unknown_name_suggests_closest(registry: LACodeRegistry) -> None:
    with pytest.raises(UnknownAreaCodeError, match="Did you mean Camden"):
        registry.resolve("Camdon")


def test_region_name_is_not_an_la(registry: LACodeRegistry) -> None:
    with pytest.raises(UnknownAreaCodeError, match="London is a region"):
        registry.resolve("London")


def test_dfe_code_rejected_without_list(ctyua2023: dict[str, str]) -> None:
    without = LACodeRegistry(ctyua2023)
    with pytest.raises(UnknownAreaCodeError, match="DfE LA list is not loaded") as caught:
        without.resolve("202")
    assert "202" in caught.value.message


def test_unknown_dfe_code(registry: LACodeRegistry) -> None:
    with pytest.raises(UnknownAreaCodeError, match="'999' is not in the DfE LA list"):
        registry.resolve("999")


@pytest.mark.parametrize(
    "text", ["Yorkshire and The Humber", "yorkshire & the humber", "E12000003", "e12000003"]
)
def test_region(registry: LACodeRegistry, text: str) -> None:
    assert registry.resolve_region(text) == "E12000003"


def test_region_names_from_dfe_list(ctyua2023: dict[str, str]) -> None:
    regions = {row["region_code"]: row["region_name"] for row in _rows("dfe_regions.csv")}
    with_dfe_regions = LACodeRegistry(ctyua2023, regions=regions)
    assert with_dfe_regions.resolve_region("East of England") == "E12000006"


def test_unknown_region(registry: LACodeRegistry) -> None:
    with pytest.raises(UnknownAreaCodeError, match="not an English region"):
        registry.resolve_region("Wessex")


def test_normalise_name() -> None:
    assert normalise_name("  Bristol,  City of ") == normalise_name("city of bristol")
    assert normalise_name("Telford & Wrekin") == "telford and wrekin"


def _cell(registry: LACodeRegistry, text: str) -> list[tuple[str, ...] | str]:
    return [
        found.message if isinstance(found, GeodataError) else found.codes
        for found in read_la_cell(text, registry.resolve)
    ]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Bristol, City of", [("E06000023",)]),
        ("Kingston upon Hull, City of", [("E06000010",)]),
        ("Herefordshire, County of", [("E06000019",)]),
        ("Bournemouth, Christchurch and Poole", [("E06000058",)]),
        ("Leeds, Bradford", [("E08000035",), ("E08000032",)]),
        ("Leeds\nBradford", [("E08000035",), ("E08000032",)]),
        ("Leeds\r\nE08000032,", [("E08000035",), ("E08000032",)]),
        ("Bristol, City of, Leeds", [("E06000023",), ("E08000035",)]),
        ("Leeds, Herefordshire, County of", [("E08000035",), ("E06000019",)]),
        ("Bristol, City of\nKingston upon Hull, City of", [("E06000023",), ("E06000010",)]),
    ],
)
def test_a_csv_cell_part_splits_at_commas_and_line_breaks_but_keeps_names_whole(
    registry: LACodeRegistry, text: str, codes: list[tuple[str, ...]]
) -> None:
    assert _cell(registry, text) == codes


def test_a_piece_of_a_cell_that_is_no_la_is_reported_by_itself(registry: LACodeRegistry) -> None:
    leeds, typo, wakefield = _cell(registry, "Leeds, Bradfrd\nWakefield")
    assert (leeds, wakefield) == (("E08000035",), ("E08000036",))
    assert isinstance(typo, str)
    assert typo.startswith("No LA is called 'Bradfrd'.")
    assert _cell(registry, "Atlantis")[0] == _cell(registry, "Atlantis, ")[0]


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("Newcastle", "Did you mean Newcastle upon Tyne?"),  # not Doncaster, by letters
        ("E06000047 County Durham", "Did you mean County Durham?"),
        ("Sunderland and Gateshead", "It names Gateshead and Sunderland: give each LA"),
        ("Camdn", "Did you mean Camden?"),
    ],
)
def test_an_unknown_name_suggests_the_la_people_meant(
    registry: LACodeRegistry, typed: str, hint: str
) -> None:
    with pytest.raises(UnknownAreaCodeError) as caught:
        registry.resolve(typed)
    assert hint in caught.value.message
