"""The tile grid and the layers: WebMercatorQuad from morecantile, zooms, buffer, tolerances.

Both encoders read every number from here, so PostGIS and shapely cut, buffer and simplify
alike, and TileJSON describes what the encoders really do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import morecantile
from morecantile.models import TileMatrixSet

from models.errors import NotFoundError

TILE_MATRIX_SET: Final = "WebMercatorQuad"
MIN_ZOOM: Final = 0
#: The May 2023 boundaries are generalised (BUC, about 500 m), so deeper tiles add no detail:
#: clients over-zoom level 12.
MAX_ZOOM: Final = 12
EXTENT: Final = 4096
#: Geometry kept beyond each tile edge, in tile units, so strokes and fills meet at the seams.
BUFFER: Final = 64
#: Simplification tolerance in tile units (a quarter of a 256 px tile's pixel): invisible at
#: the tile's zoom, and it keeps a national tile around 10-40 KB.
TOLERANCE_UNITS: Final = 4.0


@dataclass(frozen=True)
class LayerSpec:
    """One vector layer: its name, zooms and attribute fields (name → TileJSON type)."""

    id: str
    description: str
    minzoom: int
    maxzoom: int
    fields: dict[str, str]
    geometry: str


LAYERS: Final[tuple[LayerSpec, ...]] = (
    LayerSpec(
        "local-authorities",
        "Upper-tier local authorities with the number of published interventions serving each "
        "that match the request's filters.",
        MIN_ZOOM,
        MAX_ZOOM,
        {
            "code": "String",
            "name": "String",
            "region": "String",
            "region_name": "String",
            "intervention_count": "Number",
        },
        "polygons",
    ),
    LayerSpec(
        "regions",
        "English regions with the number of matching interventions serving any of their LAs.",
        MIN_ZOOM,
        MAX_ZOOM,
        {"code": "String", "name": "String", "intervention_count": "Number"},
        "polygons",
    ),
    LayerSpec(
        "interventions",
        "Venues of the matching interventions (only records that give venues), from zoom "
        "10, where a tile holds a few LAs' venues rather than thousands.",
        10,
        MAX_ZOOM,
        {"id": "Number", "name": "String", "venue": "String"},
        "points",
    ),
)
LAYER_IDS: Final = tuple(layer.id for layer in LAYERS)


@cache
def tile_matrix_set() -> TileMatrixSet:
    return morecantile.tms.get(TILE_MATRIX_SET)


@dataclass(frozen=True)
class TileAddress:
    """A tile of WebMercatorQuad with its bounds in EPSG:3857 metres and in degrees."""

    z: int
    x: int
    y: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        b = tile_matrix_set().xy_bounds(morecantile.Tile(self.x, self.y, self.z))
        return (b.left, b.bottom, b.right, b.top)

    @property
    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        b = tile_matrix_set().bounds(morecantile.Tile(self.x, self.y, self.z))
        return (b.left, b.bottom, b.right, b.top)

    @property
    def span(self) -> float:
        """The tile's width in metres."""
        left, _, right, _ = self.bounds
        return right - left

    @property
    def buffered_bounds(self) -> tuple[float, float, float, float]:
        pad = self.span * BUFFER / EXTENT
        left, bottom, right, top = self.bounds
        return (left - pad, bottom - pad, right + pad, top + pad)

    @property
    def tolerance(self) -> float:
        """The simplification tolerance at this zoom, in metres."""
        return self.span * TOLERANCE_UNITS / EXTENT


def tile_address(z: int, x: int, y: int) -> TileAddress:
    """A tile of the published zooms, or NotFoundError naming what is outside the matrix."""
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise NotFoundError(
            f"Zoom {z} is not published: tiles exist for zoom {MIN_ZOOM} to {MAX_ZOOM} "
            "(clients over-zoom the deepest level)."
        )
    last = 2**z - 1
    if not (0 <= x <= last and 0 <= y <= last):
        raise NotFoundError(
            f"Tile {z}/{x}/{y} is outside the WebMercatorQuad matrix: at zoom {z} column and "
            f"row run from 0 to {last}."
        )
    return TileAddress(z, x, y)
