"""Fixtures reading the real ONS boundary files by path from the shared geodata folder."""

import csv
import os
from pathlib import Path

import geopandas as gpd
import pytest

from geodata.index import AreaIndex
from geodata.io import read_la_boundaries, read_region_boundaries

SHARED_GEODATA = Path(__file__).resolve().parents[2].parent / "shared" / "geodata"
LA_2023_BUC = "boundaries/ctyua_2023_buc/CTYUA_MAY_2023_UK_BUC.shp"
LA_2021_BUC = "boundaries/ctyua_2021_buc/CTYUA_DEC_2021_UK_BUC.shp"
LA_2023_BSC = (
    "boundaries/ctyua_2023_bsc/"
    "Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC.geojson"
)
REGIONS_2023 = "boundaries/regions_2023_buc/Regions_December_2023_Boundaries_EN_BUC.geojson"
LA_REGION_LOOKUP = "lookups/la_lookup_ctyua2023_region_DERIVED.csv"


@pytest.fixture(scope="session")
def shared_geodata() -> Path:
    """The shared real-data folder (../shared/geodata from the repo root); never copied in."""
    if not (SHARED_GEODATA / "boundaries").is_dir():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"shared geodata not found at {SHARED_GEODATA}; geodata tests need it")
        pytest.skip(f"shared geodata not found at {SHARED_GEODATA}; geodata tests need it")
    return SHARED_GEODATA


@pytest.fixture(scope="session")
def las_2023(shared_geodata: Path) -> gpd.GeoDataFrame:
    return read_la_boundaries(shared_geodata / LA_2023_BUC)


@pytest.fixture(scope="session")
def regions_2023(shared_geodata: Path) -> gpd.GeoDataFrame:
    return read_region_boundaries(shared_geodata / REGIONS_2023)


@pytest.fixture(scope="session")
def la_region_lookup(shared_geodata: Path) -> dict[str, tuple[str, str]]:
    """CTYUA 2023 code -> (region code, region name), from the derived lookup CSV."""
    with (shared_geodata / LA_REGION_LOOKUP).open(newline="", encoding="utf-8") as handle:
        return {
            row["CTYUA23CD"]: (row["region_code"], row["region_name"])
            for row in csv.DictReader(handle)
        }


@pytest.fixture(scope="session")
def la_index(las_2023: gpd.GeoDataFrame) -> AreaIndex:
    return AreaIndex(zip(las_2023["code"], las_2023.geometry, strict=True))
