"""GeoJSON geometries with at most N decimals: the one writer behind every GeoJSON response.

`shapely.to_geojson` prints 17 significant digits (53.527589999999996), and rounding each
coordinate then repairing what rounding broke adds vertices off the grid again. Here a geometry
is snapped to the decimal grid by GEOS snap-rounding, whose output is valid with every vertex on
the grid, and written by orjson, which prints each float in its shortest form.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt
import orjson
import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from geodata.geometry import orient_rfc7946, polygon_parts

MAX_DECIMALS: Final = 15
"""Beyond this a double has no more decimal digits to give."""


def snap_to_grid(geom: BaseGeometry, decimals: int) -> BaseGeometry | None:
    """`geom` with every vertex on the 10^-decimals grid, valid and RFC 7946-oriented.

    Polygonal input comes back as a MultiPolygon; parts narrower than the grid vanish, and None
    means nothing was left (an area smaller than the grid, e.g. at 1 decimal, about 11 km).
    """
    if not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"decimals must be between 0 and {MAX_DECIMALS}")
    snapped = shapely.set_precision(geom, 10.0**-decimals)
    if snapped.is_empty:
        return None
    if not isinstance(geom, Polygon | MultiPolygon | GeometryCollection):
        return snapped
    parts = polygon_parts(snapped)
    if not parts:
        return None
    return orient_rfc7946(MultiPolygon(parts))


def geometry_json(geom: BaseGeometry | None, decimals: int) -> bytes:
    """The GeoJSON geometry object of `geom`, snapped to `decimals` places; `null` for none."""
    snapped = snap_to_grid(geom, decimals) if geom is not None else None
    if snapped is None:
        return b"null"

    def _round(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        # Already on the grid; rounding again makes each value the double nearest its
        # decimal, so that orjson's shortest form has no more than `decimals` places.
        return np.round(coords, decimals)

    document: dict[str, Any] = mapping(shapely.transform(snapped, _round))
    return orjson.dumps(document)


def rounded_bbox(
    bbox: tuple[float, float, float, float], decimals: int
) -> tuple[float, float, float, float]:
    """The box rounded outwards to `decimals` places, so it still contains what it bounds."""
    scale = 10.0**decimals
    minx, miny, maxx, maxy = bbox
    return (
        float(np.round(np.floor(minx * scale) / scale, decimals)),
        float(np.round(np.floor(miny * scale) / scale, decimals)),
        float(np.round(np.ceil(maxx * scale) / scale, decimals)),
        float(np.round(np.ceil(maxy * scale) / scale, decimals)),
    )
