"""Writing a GeoPackage export: `interventions`, `las` with counts, and a `metadata` table.

GDAL writes GeoPackages to files, not streams, so the interventions are appended a page at a
time (memory holds one page) to a temporary file that the route then streams. Timestamps
GDAL stamps into the file are set to the dataset's last change, so the same dataset version
gives the same bytes and the export's ETag can be strong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry.base import BaseGeometry

from api.schemas.intervention_csv import CSV_COLUMNS, row_values
from api.schemas.intervention_geojson import (
    PRECISION,
    AreaUnionCache,
    GeometryChoice,
    row_geometry,
)
from geodata.crs import WGS84
from geodata.geojson import snap_to_grid
from models.geography.catalogue import AreaCatalogue
from models.interventions.records import InterventionView

CRS = WGS84
_LAYER_TYPES: dict[GeometryChoice, str | None] = {
    "areas": "MultiPolygon",
    "venues": "MultiPoint",
    "none": None,
}
_INTEGER_COLUMNS = ("id", "age_min", "age_max")


def _interventions_frame(
    rows: Sequence[InterventionView],
    geometry: GeometryChoice,
    catalogue: AreaCatalogue | None,
    unions: AreaUnionCache,
) -> pd.DataFrame:
    values = [row_values(row) for row in rows]
    data = {column: [v[column] for v in values] for column in CSV_COLUMNS}
    frame = pd.DataFrame(data, columns=list(CSV_COLUMNS))
    for column in CSV_COLUMNS:
        frame[column] = frame[column].astype("Int64" if column in _INTEGER_COLUMNS else "object")
    if _LAYER_TYPES[geometry] is None:
        return frame
    shapes = []
    for row in rows:
        found = row_geometry(row, geometry, catalogue, unions)
        shapes.append(found[0] if found else None)
    located: pd.DataFrame = gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(shapes, crs=CRS), crs=CRS
    )
    return located


def _las_frame(catalogue: AreaCatalogue, counts: dict[str, int]) -> gpd.GeoDataFrame:
    codes = sorted(catalogue.las)
    regions = [catalogue.region_of(code) for code in codes]
    frame = pd.DataFrame(
        {
            "code": codes,
            "name": [catalogue.las[code].name for code in codes],
            "type": [catalogue.las[code].type for code in codes],
            "region_code": [r.code if r else None for r in regions],
            "region_name": [r.name if r else None for r in regions],
            "intervention_count": [counts.get(code, 0) for code in codes],
        }
    )
    # On the same grid as the GeoJSON's area unions, so a map drawing both lines them up.
    shapes = gpd.GeoSeries([_snapped(catalogue.geometries.get(code)) for code in codes], crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=shapes, crs=CRS)


def _snapped(geom: BaseGeometry | None) -> BaseGeometry | None:
    return None if geom is None else snap_to_grid(geom, PRECISION)


def write_geopackage(
    path: Path,
    pages: Iterable[Sequence[InterventionView]],
    *,
    geometry: GeometryChoice,
    catalogue: AreaCatalogue,
    unions: AreaUnionCache,
    counts: dict[str, int],
    metadata: dict[str, Any],
    stamp: str,
) -> int:
    """Write the three layers to a new file at `path`; returns the interventions written.

    Args:
        path: Where to create the GeoPackage (must not exist yet).
        pages: The matching interventions, a page at a time.
        geometry: Which geometry the `interventions` layer carries.
        catalogue: The loaded LAs, for area geometries and the `las` layer.
        unions: The shared cache of LA-set unions.
        counts: Matching interventions per LA code, by the counting rule.
        metadata: Version, licence, attribution and warnings, written as a table and as GDAL
            dataset metadata.
        stamp: ISO 8601 time written as the layers' last change.
    """
    layer_type = _LAYER_TYPES[geometry]
    written = 0
    for page in pages:
        frame = _interventions_frame(page, geometry, catalogue, unions)
        _write(path, frame, "interventions", layer_type, append=written > 0)
        written += len(page)
    if written == 0:
        _write(
            path, _interventions_frame([], geometry, catalogue, unions), "interventions", layer_type
        )
    _write(path, _las_frame(catalogue, counts), "las", "MultiPolygon", append=False)
    texts = {key: _text(value) for key, value in metadata.items()}
    table = pd.DataFrame({"key": list(texts), "value": list(texts.values())})
    pyogrio.write_dataframe(
        table,
        path,
        layer="metadata",
        driver="GPKG",
        dataset_metadata={key.upper(): value for key, value in texts.items()},
    )
    _stamp(path, stamp)
    settle_header(path)
    return written


def _text(value: object) -> str:
    """A metadata value as table text: lists (the warnings) one item a line, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value)
    return str(value)


def _write(
    path: Path, frame: pd.DataFrame, layer: str, layer_type: str | None, *, append: bool = False
) -> None:
    extra: dict[str, Any] = {}
    if layer_type is not None:
        extra = {"geometry_type": layer_type, "promote_to_multi": True}
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", append=append, **extra)


def _stamp(path: Path, stamp: str) -> None:
    """Replace the write times GDAL records with the dataset's last change."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE gpkg_contents SET last_change = ?", (stamp,))
        db.execute("UPDATE gpkg_metadata_reference SET timestamp = ?", (stamp,))


#: Offsets of the SQLite header's file change counter and its version-valid-for number.
_CHANGE_COUNTER_AT, _VALID_FOR_AT = 24, 92


def settle_header(path: Path) -> None:
    """Set the SQLite header's change counter (and the number that must equal it) to 1.

    The counter counts the write transactions that made the file, which GDAL does not always
    split the same way, so two exports of the same data differed in these bytes alone while
    carrying the same strong ETag. Nothing reads the counter of a file opened afresh; equal
    to its version-valid-for number, the header's page count stays valid.
    """
    one = (1).to_bytes(4, "big")
    with path.open("r+b") as file:
        for offset in (_CHANGE_COUNTER_AT, _VALID_FOR_AT):
            file.seek(offset)
            file.write(one)
