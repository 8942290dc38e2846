"""Tests for geodata.regions: the LA -> region table, spatial assignment and precedence."""

from collections import Counter
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata import codes
from geodata.crs import WGS84
from geodata.io import read_la_boundaries
from geodata.regions import (
    ENGLISH_REGIONS,
    REGION_OF_LA,
    RegionError,
    assign_regions_spatially,
    read_dfe_regions,
    regions_of_las,
)

DFE_LAS = "lookups/dfe_las.csv"
LA_2021_BUC = "boundaries/ctyua_2021_buc/CTYUA_DEC_2021_UK_BUC.shp"


def _frame(areas: dict[str, shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": list(areas), "name": list(areas)}, geometry=list(areas.values()), crs=WGS84
    )


# --- REGION_OF_LA ---------------------------------------------------------------------


def test_table_places_every_2023_la_as_the_derived_lookup_does(
    las_2023: gpd.GeoDataFrame, la_region_lookup: dict[str, tuple[str, str]]
) -> None:
    assert {code: REGION_OF_LA[code] for code in las_2023["code"]} == {
        code: region for code, (region, _) in la_region_lookup.items()
    }


def test_table_covers_the_2021_vintage(shared_geodata: Path) -> None:
    las_2021 = read_la_boundaries(shared_geodata / LA_2021_BUC)
    assert set(las_2021["code"]) <= set(REGION_OF_LA)
    assert REGION_OF_LA["E10000006"] == "E12000002"  # Cumbria, North West


def test_table_covers_every_reorganised_code_and_keeps_successors_in_region() -> None:
    for old, step in codes.REORGANISATIONS.items():
        assert {REGION_OF_LA[new] for new in step.successors} == {REGION_OF_LA[old]}, old


def test_table_values_are_the_nine_regions_and_london_is_every_borough() -> None:
    counts = Counter(REGION_OF_LA.values())
    assert set(counts) == set(ENGLISH_REGIONS)
    assert counts["E12000007"] == 33
    assert {code for code, region in REGION_OF_LA.items() if region == "E12000007"} == {
        f"E09{n:06d}" for n in range(1, 34)
    }


def test_codes_module_still_exports_the_regions() -> None:
    assert codes.ENGLISH_REGIONS is ENGLISH_REGIONS


# --- assign_regions_spatially ---------------------------------------------------------


def test_spatial_assignment_of_real_files_matches_the_lookup(
    las_2023: gpd.GeoDataFrame,
    regions_2023: gpd.GeoDataFrame,
    la_region_lookup: dict[str, tuple[str, str]],
) -> None:
    assigned = assign_regions_spatially(las_2023, regions_2023)
    assert assigned == {code: region for code, (region, _) in la_region_lookup.items()}
    assert assigned["E09000007"] == "E12000007"  # Camden, London


def test_spatial_assignment_falls_back_to_largest_overlap_and_skips_outsiders() -> None:
    regions = _frame({"R1": shapely.box(0, 0, 10, 10), "R2": shapely.box(10, 0, 20, 10)})
    # Its representative point (14, 11) lies outside both regions; it overlaps R2 most.
    overhang = shapely.box(9, 9, 19, 12)
    las = _frame(
        {
            "INSIDE": shapely.box(1, 1, 2, 2),
            "ACROSS": shapely.box(8, 1, 20, 2),
            "OVERHANG": overhang,
            "OUTSIDE": shapely.box(50, 50, 51, 51),
        }
    )
    assigned = assign_regions_spatially(las, regions)
    assert assigned == {"INSIDE": "R1", "ACROSS": "R2", "OVERHANG": "R2"}


# --- precedence and the DfE list ------------------------------------------------------


def test_precedence_is_spatial_then_listed_then_table() -> None:
    las = ["E09000007", "E06000001", "E08000025"]
    placed = regions_of_las(
        las,
        spatial={"E09000007": "E12000001"},
        listed={"E09000007": "E12000002", "E06000001": "E12000003"},
    )
    assert placed == {"E09000007": "E12000001", "E06000001": "E12000003", "E08000025": "E12000005"}


def test_an_la_no_source_places_is_an_error_naming_it() -> None:
    with pytest.raises(RegionError, match="E06000999"):
        regions_of_las(["E09000007", "E06000999"])
    assert regions_of_las(["E06000999"], listed={"E06000999": "E12000004"}) == {
        "E06000999": "E12000004"
    }


def test_read_dfe_regions(shared_geodata: Path) -> None:
    regions = read_dfe_regions(shared_geodata / DFE_LAS)
    assert regions["E09000007"] == "E12000007"
    assert regions["E10000006"] == "E12000002"  # terminated rows still place old codes
    assert set(regions.values()) <= set(ENGLISH_REGIONS)


def test_read_dfe_regions_without_the_columns(tmp_path: Path) -> None:
    bad = tmp_path / "las.csv"
    bad.write_text("new_la_code,la_name\nE09000007,Camden\n", encoding="utf-8")
    with pytest.raises(RegionError, match="parent_geography_code"):
        read_dfe_regions(bad)
    with pytest.raises(RegionError, match="Could not read"):
        read_dfe_regions(tmp_path / "missing.csv")
