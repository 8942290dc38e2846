"""Mapbox Vector Tiles of the LAs, regions and intervention venues, under the one filter.

`grid` is the tile grid (morecantile's WebMercatorQuad) and the layer catalogue; `content`
gathers the filter-dependent properties both backends share; `shapely_tiles` encodes on
SQLite (shapely + mapbox-vector-tile) and `postgis_tiles` on PostgreSQL (`ST_AsMVT`).
`render_tile` picks by dialect.
"""

from models.tiles.grid import (
    EXTENT,
    LAYERS,
    MAX_ZOOM,
    MIN_ZOOM,
    TILE_MATRIX_SET,
    LayerSpec,
    TileAddress,
    tile_address,
)
from models.tiles.render import render_tile

__all__ = [
    "EXTENT",
    "LAYERS",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "TILE_MATRIX_SET",
    "LayerSpec",
    "TileAddress",
    "render_tile",
    "tile_address",
]
