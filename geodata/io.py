"""Read ONS boundary files of any vintage and format into canonical WGS84 GeoDataFrames.

ONS renames its columns every release (geodata.columns), ships shapefiles in British National
Grid and GeoJSON in WGS84, packs GeoPackages with several layers, and some releases contain
invalid rings. This module absorbs all of that, so the rest of the project only ever sees the
columns code, name, (type,) geometry with valid, RFC 7946-oriented MultiPolygons in EPSG:4326.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry.base import BaseGeometry

from geodata.columns import (
    LA_GEOGRAPHIES,
    NAME_OPTIONS,
    REGION_GEOGRAPHIES,
    detect_code_columns,
    vintage_from,
)
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


@dataclass(frozen=True)
class _Kind:
    """What a file should hold, and how to say what is wrong with it."""

    label: str  # "boundary file", "regions file"
    geographies: Sequence[str]
    prefixes: Collection[str]
    column_hint: str
    layer_hint: str

    def of(self, file: Path) -> str:
        """The file as a sentence's subject: "Boundary file x.shp"."""
        return f"{self.label[0].upper()}{self.label[1:]} {file.name}"


_LAS = _Kind(
    "boundary file", LA_GEOGRAPHIES, tuple(LA_TYPES), NAME_OPTIONS, "choose one with --layer"
)
_REGIONS = _Kind(
    "regions file",
    REGION_GEOGRAPHIES,
    (REGION_PREFIX,),
    "give an ONS English regions file (RGNyyCD, RGNyyNM)",
    "give a regions file with one layer",
)


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


def _choose_layer(file: Path, layer: str | None, kind: _Kind) -> str | None:
    """The layer to read: the one asked for, the only one, or the only polygon layer."""
    what = f"{kind.label} {file.name}"
    try:
        layers = [(str(name), str(geometry)) for name, geometry in pyogrio.list_layers(file)]
    except (RuntimeError, OSError, ValueError) as exc:
        raise BoundaryFileError(f"Could not read {what}.") from exc
    names = [name for name, _ in layers]
    if layer is not None:
        if layer not in names:
            raise BoundaryFileError(f"No layer {layer} in {what}; its layers: {', '.join(names)}.")
        return layer
    if len(layers) <= 1:
        return names[0] if names else None
    polygonal = [name for name, geometry in layers if "polygon" in geometry.lower()]
    if len(polygonal) == 1:
        return polygonal[0]
    raise BoundaryFileError(
        f"{kind.of(file)} has several layers ({', '.join(names)}); {kind.layer_hint}."
    )


def _read_file(file: Path, layer: str | None, kind: _Kind) -> gpd.GeoDataFrame:
    what = f"{kind.label} {file.name}"
    try:
        frame = gpd.read_file(file, engine="pyogrio", layer=layer)
    except (RuntimeError, OSError, ValueError) as exc:
        raise BoundaryFileError(f"Could not read {what}.") from exc
    if len(frame) == 0:
        raise BoundaryFileError(f"{kind.of(file)} has no features.")
    return frame


def parse_crs(text: str) -> CRS:
    """A coordinate system named by the user (EPSG:27700, 27700, a WKT or PROJ string)."""
    try:
        return CRS.from_user_input(text.strip())
    except CRSError as exc:
        raise UnsupportedCRSError(
            f"{text!r} is not a coordinate system this service knows; give an EPSG code such "
            "as EPSG:27700 (British National Grid)."
        ) from exc


def _to_wgs84(geoms: gpd.GeoSeries, file: Path, kind: _Kind) -> gpd.GeoSeries:
    if geoms.crs is None:
        raise UnsupportedCRSError(
            f"{kind.of(file)} declares no coordinate system (a shapefile without its .prj?); "
            "give it with --crs, e.g. --crs EPSG:27700 for British National Grid."
        )
    try:
        out = geoms.to_crs(WGS84)
    except (CRSError, ProjError, ValueError) as exc:
        raise UnsupportedCRSError(
            f"The coordinate system of {file.name} is not supported."
        ) from exc
    minx, miny, maxx, maxy = (float(v) for v in out.total_bounds)
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        # Typically grid metres in a file declared, or assumed, to be in degrees.
        raise UnsupportedCRSError(
            f"The coordinates of {file.name} do not fit its declared CRS; if it is wrong, "
            "give the right one with --crs."
        )
    return out


def _normalised(code: str, geom: BaseGeometry | None) -> BaseGeometry:
    try:
        return normalise_polygonal(geom)
    except InvalidGeometryError as exc:
        raise InvalidGeometryError(f"The boundary of {code} is not a valid polygon.") from exc


def _columns(
    frame: gpd.GeoDataFrame,
    file: Path,
    kind: _Kind,
    code_column: str | None,
    name_column: str | None,
) -> tuple[str, str]:
    """The code and name columns: those named, checked, else those detected."""
    what = f"{kind.label} {file.name}"
    geometry = getattr(frame, "active_geometry_name", None)
    columns = [str(column) for column in frame.columns if column != geometry]
    for option, column in (("--code-column", code_column), ("--name-column", name_column)):
        if column is not None and column not in frame.columns:
            raise BoundaryFileError(
                f"No column {column} ({option}) in {what}; its columns: {', '.join(columns)}."
            )
    if code_column is None or name_column is None:
        found_code, found_name = detect_code_columns(
            frame.columns, kind.geographies, what=what, hint=kind.column_hint
        )
        code_column, name_column = code_column or found_code, name_column or found_name
    return code_column, name_column


def _read_areas(
    path: Path,
    kind: _Kind,
    code_column: str | None = None,
    name_column: str | None = None,
    *,
    layer: str | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Areas of `path` whose codes start with one of the kind's prefixes: code, name, geometry."""
    declared = parse_crs(crs) if crs is not None else None
    file = find_boundary_file(path)
    frame = _read_file(file, _choose_layer(file, layer, kind), kind)
    code_column, name_column = _columns(frame, file, kind, code_column, name_column)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        raise BoundaryFileError(f"{kind.of(file)} has no geometry.")
    codes = frame[code_column].astype(str).str.strip().str.upper()
    keep = codes.str[:3].isin(list(kind.prefixes))
    if not keep.any():
        raise BoundaryFileError(
            f"{kind.of(file)} has no areas with codes {', '.join(kind.prefixes)}."
        )
    frame, codes = frame[keep], codes[keep]
    if codes.duplicated().any():
        repeated = ", ".join(sorted(set(codes[codes.duplicated()])))
        raise BoundaryFileError(f"{kind.of(file)} repeats area codes: {repeated}.")
    geoms = frame.geometry
    if declared is not None:
        geoms = geoms.set_crs(declared, allow_override=True)
    result = gpd.GeoDataFrame(
        {
            "code": codes.to_numpy(),
            "name": frame[name_column].fillna("").astype(str).str.strip().to_numpy(),
        },
        geometry=[
            _normalised(c, g) for c, g in zip(codes, _to_wgs84(geoms, file, kind), strict=True)
        ],
        crs=WGS84,
    )
    result = result.sort_values("code", ignore_index=True)
    result.attrs["vintage"] = vintage_from([code_column], file)
    return result


def read_la_boundaries(
    path: Path,
    code_column: str | None = None,
    name_column: str | None = None,
    *,
    layer: str | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """England upper-tier LAs (E06/E08/E09/E10): code, name, type, geometry in EPSG:4326.

    `layer` picks one layer of a multi-layer file; `crs` states the coordinate system of a
    file that declares none (or a wrong one).
    """
    result = _read_areas(path, _LAS, code_column, name_column, layer=layer, crs=crs)
    result.insert(2, "type", result["code"].str[:3].map(LA_TYPES))
    return result


def read_region_boundaries(path: Path) -> gpd.GeoDataFrame:
    """English regions (E12): code, name, geometry in EPSG:4326."""
    return _read_areas(path, _REGIONS)


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
