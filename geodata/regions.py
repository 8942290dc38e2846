"""English regions (E12) and which region each upper-tier LA lies in.

Regions come from three sources, in this order of precedence, LA by LA:

1. a regions boundary file, matched spatially (`assign_regions_spatially`): it describes the
   very geometry being loaded, so it is right even for LA codes newer than this code;
2. the DfE list of LAs (`parent_geography_code`, `read_dfe_regions`): maintained by DfE, it
   can also know codes newer than this code;
3. `REGION_OF_LA`, the table below, so that loading with only the LA file still works.

An LA that none of them places is an error (`RegionError`), never a guess.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import shapely

from geodata.errors import GeodataError

if TYPE_CHECKING:  # geopandas (with pandas and GDAL, ~80 MB) only where files are read
    import geopandas as gpd

ENGLISH_REGIONS: Final[Mapping[str, str]] = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}

# Every upper-tier LA code in use since 2009, current and superseded (172 codes), by region.
# From the DfE LA lists and dfeR's LA-region hierarchy (2017-2025); the 2023 codes were also
# checked spatially against the ONS December 2023 region boundaries.
_LAS_BY_REGION: Final[Mapping[str, str]] = {
    "E12000001": (  # North East, 16
        "E06000001 E06000002 E06000003 E06000004 E06000005 E06000047 E06000048 E06000057 "
        "E08000020 E08000021 E08000022 E08000023 E08000024 E08000037 E10000010 E10000022"
    ),
    "E12000002": (  # North West, 26
        "E06000006 E06000007 E06000008 E06000009 E06000049 E06000050 E06000063 E06000064 "
        "E08000001 E08000002 E08000003 E08000004 E08000005 E08000006 E08000007 E08000008 "
        "E08000009 E08000010 E08000011 E08000012 E08000013 E08000014 E08000015 E10000004 "
        "E10000006 E10000017"
    ),
    "E12000003": (  # Yorkshire and The Humber, 18
        "E06000010 E06000011 E06000012 E06000013 E06000014 E06000065 E08000016 E08000017 "
        "E08000018 E08000019 E08000032 E08000033 E08000034 E08000035 E08000036 E08000038 "
        "E08000039 E10000023"
    ),
    "E12000004": (  # East Midlands, 11
        "E06000015 E06000016 E06000017 E06000018 E06000061 E06000062 E10000007 E10000018 "
        "E10000019 E10000021 E10000024"
    ),
    "E12000005": (  # West Midlands, 15
        "E06000019 E06000020 E06000021 E06000051 E08000025 E08000026 E08000027 E08000028 "
        "E08000029 E08000030 E08000031 E10000026 E10000028 E10000031 E10000034"
    ),
    "E12000006": (  # East of England, 12
        "E06000031 E06000032 E06000033 E06000034 E06000055 E06000056 E10000001 E10000003 "
        "E10000012 E10000015 E10000020 E10000029"
    ),
    "E12000007": (  # London, 33
        "E09000001 E09000002 E09000003 E09000004 E09000005 E09000006 E09000007 E09000008 "
        "E09000009 E09000010 E09000011 E09000012 E09000013 E09000014 E09000015 E09000016 "
        "E09000017 E09000018 E09000019 E09000020 E09000021 E09000022 E09000023 E09000024 "
        "E09000025 E09000026 E09000027 E09000028 E09000029 E09000030 E09000031 E09000032 "
        "E09000033"
    ),
    "E12000008": (  # South East, 20
        "E06000035 E06000036 E06000037 E06000038 E06000039 E06000040 E06000041 E06000042 "
        "E06000043 E06000044 E06000045 E06000046 E06000060 E10000002 E10000011 E10000014 "
        "E10000016 E10000025 E10000030 E10000032"
    ),
    "E12000009": (  # South West, 21
        "E06000022 E06000023 E06000024 E06000025 E06000026 E06000027 E06000028 E06000029 "
        "E06000030 E06000052 E06000053 E06000054 E06000058 E06000059 E06000066 E10000005 "
        "E10000008 E10000009 E10000013 E10000027 E10000033"
    ),
}

REGION_OF_LA: Final[Mapping[str, str]] = {
    la: region for region, las in _LAS_BY_REGION.items() for la in las.split()
}
"""Upper-tier LA GSS code -> E12 region code, for current and superseded codes."""


class RegionError(GeodataError):
    """LAs cannot be placed in English regions, or a list of LA regions cannot be read."""


def assign_regions_spatially(las: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> dict[str, str]:
    """LA code -> code of the region containing the LA's representative point.

    LA and region files are generalised separately, so a coastal LA's point can fall just
    outside every region, or on a border; such LAs go to the region they overlap most.
    LAs that overlap no region at all are left out, for the other sources to place.
    """
    if regions.crs is not None and las.crs is not None and regions.crs != las.crs:
        regions = regions.to_crs(las.crs)
    region_codes = [str(code) for code in regions["code"]]
    region_geoms = np.asarray(regions.geometry.to_numpy(), dtype=object)
    tree = shapely.STRtree(region_geoms)
    la_codes = [str(code) for code in las["code"]]
    la_geoms = np.asarray(las.geometry.to_numpy(), dtype=object)
    points = shapely.point_on_surface(la_geoms)
    la_hits, region_hits = tree.query(points, predicate="intersects")
    hits: dict[int, list[int]] = {}
    for la, region in zip(la_hits.tolist(), region_hits.tolist(), strict=True):
        hits.setdefault(la, []).append(region)
    assigned: dict[str, str] = {}
    for i, code in enumerate(la_codes):
        found = hits.get(i, [])
        if len(found) == 1:
            assigned[code] = region_codes[found[0]]
        elif (best := _largest_overlap(la_geoms[i], tree, region_geoms)) is not None:
            assigned[code] = region_codes[best]
    return assigned


def _largest_overlap(
    geom: shapely.Geometry, tree: shapely.STRtree, regions: np.ndarray
) -> int | None:
    candidates = tree.query(geom)
    if candidates.size == 0:
        return None
    areas = shapely.area(shapely.intersection(regions[candidates], geom))
    best = int(np.argmax(areas))
    return int(candidates[best]) if areas[best] > 0 else None


def read_dfe_regions(path: Path) -> dict[str, str]:
    """GSS code -> region code from the DfE LA list's parent_geography_code column.

    Rows whose parent is not an English region (national or composite rows) are skipped.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            if not {"new_la_code", "parent_geography_code"} <= set(reader.fieldnames or ()):
                raise RegionError(
                    f"The DfE LA list {path.name} has no new_la_code and "
                    "parent_geography_code columns to place LAs in regions."
                )
            rows = [(r["new_la_code"], r["parent_geography_code"]) for r in reader]
    except (OSError, UnicodeDecodeError) as exc:
        raise RegionError(f"Could not read the DfE LA list {path.name}.") from exc
    pairs = ((la.strip().upper(), region.strip().upper()) for la, region in rows)
    return {la: region for la, region in pairs if region in ENGLISH_REGIONS and la}


def regions_of_las(
    la_codes: list[str],
    *,
    spatial: Mapping[str, str] | None = None,
    listed: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """LA code -> region code, by the module's precedence: spatial, then listed, then table.

    Raises RegionError naming every LA that no source places.
    """
    sources = [source for source in (spatial, listed, REGION_OF_LA) if source is not None]
    placed: dict[str, str] = {}
    for code in la_codes:
        region = next((source[code] for source in sources if code in source), None)
        if region is not None:
            placed[code] = region
    missing = sorted(set(la_codes) - set(placed))
    if missing:
        raise RegionError(
            f"No English region is known for LA codes {', '.join(missing)}; give a regions "
            "boundary file or a DfE LA list that includes them."
        )
    return placed
