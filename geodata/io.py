"""Read ONS boundary files of any vintage and format into canonical WGS84 GeoDataFrames.

ONS renames its columns every release (CTYUA21CD, CTYUA23CD, ctyua24cd...), ships shapefiles
in British National Grid and GeoJSON in WGS84, and some releases contain invalid rings. This
module absorbs all of that, so the rest of the project only ever sees the columns code, name,
(type,) geometry with valid, RFC 7946-oriented MultiPolygons in EPSG:4326.
"""

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry.base import BaseGeometry

from geodata.crs import WGS84
from geodata.errors import (
    BoundaryFileError,
    GeodataError,
    InvalidGeometryError,
    UnsupportedCRSError,
)
from geodata.geometry import normalise_polygonal

BOUNDARY_SUFFIXES: Final = (".shp", ".gpkg", ".geojson", ".json")
LA_TYPES: Final[Mapping[str, str]] = {
    "E06": "unitary",
    "E08": "metropolitan",
    "E09": "london_borough",
    "E10": "county",
}
REGION_PREFIX: Final = "E12"
LA_GEOGRAPHIES: Final = ("CTYUA", "UTLA", "LAD")
REGION_GEOGRAPHIES: Final = ("RGN",)
ALL_GEOGRAPHIES: Final = LA_GEOGRAPHIES + REGION_GEOGRAPHIES

_ONS_COLUMN = re.compile(r"^(?P<geo>[A-Z]+?)(?P<yy>\d{2})(?P<kind>CD|NM)$", re.IGNORECASE)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def find_boundary_file(path: Path) -> Path:
    """`path` itself if it is a file, else the single boundary file inside the folder."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise BoundaryFileError(f"Boundary file {path.name} does not exist.")
    found = sorted(
        p for p in path.iterdir() if p.is_file() and p.suffix.lower() in BOUNDARY_SUFFIXES
    )
    if not found:
        kinds = ", ".join(BOUNDARY_SUFFIXES)
        raise BoundaryFileError(f"Folder {path.name} has no boundary file ({kinds}).")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise BoundaryFileError(f"Folder {path.name} has several boundary files: {names}.")
    return found[0]


def _parse(column: str) -> tuple[str, str, str] | None:
    """(geography, two-digit year, "CD"/"NM") of an ONS column name, upper-cased."""
    match = _ONS_COLUMN.match(column)
    if match is None:
        return None
    return match["geo"].upper(), match["yy"], match["kind"].upper()


def _latest_first(columns: Iterable[str], geography: str, kind: str) -> list[tuple[str, str]]:
    """(year, column) of the `geography` columns of `kind` ("CD"/"NM"), newest first."""
    found = [(p[1], c) for c in columns if (p := _parse(c)) and p[0] == geography and p[2] == kind]
    return sorted(found, reverse=True)


def detect_code_columns(
    columns: Iterable[str], geographies: Sequence[str] = ALL_GEOGRAPHIES
) -> tuple[str, str]:
    """The (code, name) columns of the first of `geographies` present, latest year first."""
    names = [str(column) for column in columns]
    for geography in geographies:
        codes = _latest_first(names, geography, "CD")
        if not codes:
            continue
        year, code_column = codes[0]
        labels = _latest_first(names, geography, "NM")
        if not labels:
            raise BoundaryFileError(f"Found {code_column} but no {geography}yyNM name column.")
        # Prefer the name column of the same year as the code column.
        same_year = [column for label_year, column in labels if label_year == year]
        return code_column, (same_year or [labels[0][1]])[0]
    wanted = ", ".join(f"{g}yyCD" for g in geographies)
    raise BoundaryFileError(f"No area code column ({wanted}); columns found: {', '.join(names)}.")


def vintage_from(columns: Iterable[str], path: Path | None = None) -> str | None:
    """The release year, e.g. "2023" from CTYUA23CD, else from a year in the file name."""
    for column in columns:
        parsed = _parse(str(column))
        if parsed and parsed[0] in ALL_GEOGRAPHIES and parsed[2] == "CD":
            return f"20{parsed[1]}"
    if path is not None and (match := _YEAR_IN_NAME.search(path.stem)):
        return match.group(1)
    return None


def _read_file(file: Path) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(file, engine="pyogrio")
    except (RuntimeError, OSError, ValueError) as exc:
        raise BoundaryFileError(f"Could not read boundary file {file.name}.") from exc
    if len(frame) == 0:
        raise BoundaryFileError(f"Boundary file {file.name} has no features.")
    return frame


def _to_wgs84(geoms: gpd.GeoSeries, file: Path) -> gpd.GeoSeries:
    if geoms.crs is None:
        raise UnsupportedCRSError(f"Boundary file {file.name} declares no coordinate system.")
    try:
        out = geoms.to_crs(WGS84)
    except (CRSError, ProjError, ValueError) as exc:
        raise UnsupportedCRSError(
            f"The coordinate system of {file.name} is not supported."
        ) from exc
    minx, miny, maxx, maxy = (float(v) for v in out.total_bounds)
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        # Typically grid metres in a file declared, or assumed, to be in degrees.
        raise UnsupportedCRSError(f"The coordinates of {file.name} do not fit its declared CRS.")
    return out


def _normalised(code: str, geom: BaseGeometry | None) -> BaseGeometry:
    try:
        return normalise_polygonal(geom)
    except InvalidGeometryError as exc:
        raise InvalidGeometryError(f"The boundary of {code} is not a valid polygon.") from exc


def _read_areas(
    path: Path,
    geographies: Sequence[str],
    prefixes: Collection[str],
    code_column: str | None,
    name_column: str | None,
) -> gpd.GeoDataFrame:
    """Areas of `path` whose codes start with one of `prefixes`: code, name, geometry."""
    file = find_boundary_file(path)
    frame = _read_file(file)
    if code_column is None or name_column is None:
        found_code, found_name = detect_code_columns(frame.columns, geographies)
        code_column, name_column = code_column or found_code, name_column or found_name
    for column in (code_column, name_column):
        if column not in frame.columns:
            columns = ", ".join(map(str, frame.columns))
            raise BoundaryFileError(f"No column {column} in {file.name}; columns found: {columns}.")
    if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        raise BoundaryFileError(f"Boundary file {file.name} has no geometry.")
    codes = frame[code_column].astype(str).str.strip().str.upper()
    keep = codes.str[:3].isin(list(prefixes))
    if not keep.any():
        raise BoundaryFileError(
            f"Boundary file {file.name} has no areas with codes {', '.join(prefixes)}."
        )
    frame, codes = frame[keep], codes[keep]
    if codes.duplicated().any():
        repeated = ", ".join(sorted(set(codes[codes.duplicated()])))
        raise BoundaryFileError(f"Boundary file {file.name} repeats area codes: {repeated}.")
    geoms = _to_wgs84(frame.geometry, file)
    result = gpd.GeoDataFrame(
        {
            "code": codes.to_numpy(),
            "name": frame[name_column].fillna("").astype(str).str.strip().to_numpy(),
        },
        geometry=[_normalised(c, g) for c, g in zip(codes, geoms, strict=True)],
        crs=WGS84,
    )
    result = result.sort_values("code", ignore_index=True)
    result.attrs["vintage"] = vintage_from([code_column], file)
    return result


def read_la_boundaries(
    path: Path, code_column: str | None = None, name_column: str | None = None
) -> gpd.GeoDataFrame:
    """England upper-tier LAs (E06/E08/E09/E10): code, name, type, geometry in EPSG:4326."""
    result = _read_areas(path, LA_GEOGRAPHIES, tuple(LA_TYPES), code_column, name_column)
    result.insert(2, "type", result["code"].str[:3].map(LA_TYPES))
    return result


def read_region_boundaries(
    path: Path, code_column: str | None = None, name_column: str | None = None
) -> gpd.GeoDataFrame:
    """English regions (E12): code, name, geometry in EPSG:4326."""
    return _read_areas(path, REGION_GEOGRAPHIES, (REGION_PREFIX,), code_column, name_column)


def dissolve_regions(
    las: gpd.GeoDataFrame, region_of: Mapping[str, tuple[str, str]]
) -> gpd.GeoDataFrame:
    """Regions (code, name, geometry) as unions of their LAs; region_of: LA code -> region."""
    missing = sorted(set(las["code"]) - set(region_of))
    if missing:
        raise GeodataError(f"No region is known for LA codes: {', '.join(missing)}.")
    members: dict[str, list[BaseGeometry]] = {}
    names: dict[str, str] = {}
    for code, geom in zip(las["code"], las.geometry, strict=True):
        region_code, region_name = region_of[code]
        members.setdefault(region_code, []).append(geom)
        names.setdefault(region_code, region_name)
    codes = sorted(members)
    return gpd.GeoDataFrame(
        pd.DataFrame({"code": codes, "name": [names[c] for c in codes]}),
        geometry=[_normalised(c, shapely.union_all(members[c])) for c in codes],
        crs=las.crs,
    )
