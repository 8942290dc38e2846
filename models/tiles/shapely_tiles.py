"""Tiles drawn in Python (SQLite, which has no spatial functions): shapely cuts and
simplifies, GEOS snaps to the tile grid, numpy writes the MVT geometry commands, and
`mapbox-vector-tile`'s protobuf holds the layers.

Each worker keeps, per boundary version, the areas projected to Web Mercator with an
STRtree, and per zoom their simplified shapes; per data version, every venue projected. A
tile then costs a tree query, a clip per area it touches (both kept per tile: no filter
changes them), a box and id test of the venues, and the encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from mapbox_vector_tile.Mapbox import vector_tile_pb2
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry
from sqlmodel import Session

from models.cache import IN_KEY, VersionedCache
from models.geography.catalogue import AreaCatalogue
from models.interventions.crosstab import Ids
from models.tiles.content import AreaContent, Properties, every_venue
from models.tiles.grid import EXTENT, TileAddress

_POINT, _POLYGON = 1, 3  # vector_tile.proto GeomType
_MOVE_TO_1 = 1 | (1 << 3)
_LINE_TO = 2
_CLOSE_PATH_1 = 7 | (1 << 3)
_TO_MERCATOR = Transformer.from_crs(4326, 3857, always_xy=True)
#: Latitude beyond which Web Mercator is undefined (the matrix's own edge).
_MAX_LAT = 85.05112878


def _project(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    lat = np.clip(coords[:, 1], -_MAX_LAT, _MAX_LAT)
    x, y = _TO_MERCATOR.transform(coords[:, 0], lat)
    return np.column_stack([x, y])


def to_mercator(geometry: BaseGeometry) -> BaseGeometry:
    projected: BaseGeometry = shapely.transform(geometry, _project)
    return projected


@dataclass(frozen=True)
class EncodedShape:
    """One area's geometry in a tile, as MVT geometry commands."""

    code: str
    type: int
    geometry: tuple[int, ...]


class ProjectedAreas:
    """One boundary version's areas in EPSG:3857, simplified once per zoom."""

    def __init__(self, catalogue: AreaCatalogue) -> None:
        self.codes = list(catalogue.geometries)
        self.projected = [to_mercator(catalogue.geometries[code]) for code in self.codes]
        self.tree = shapely.STRtree(self.projected)
        self._by_zoom: VersionedCache[int, list[BaseGeometry]] = VersionedCache()

    def at_zoom(self, address: TileAddress) -> list[BaseGeometry]:
        return self._by_zoom.get_once(
            IN_KEY,
            address.z,
            lambda: list(
                shapely.simplify(
                    np.array(self.projected), address.tolerance, preserve_topology=True
                )
            ),
        )

    def shapes(self, address: TileAddress) -> list[EncodedShape]:
        """Every area touching the buffered tile, simplified for its zoom, cut to it and
        encoded as MVT geometry, in code order: the part of a tile no filter changes."""
        box = address.buffered_bounds
        shapes = self.at_zoom(address)
        drawn = []
        for index in self.tree.query(shapely.box(*box)):
            cut = on_tile_grid(shapely.clip_by_rect(shapes[index], *box), address)
            if not cut.is_empty and cut.area > 0:
                commands = polygon_commands(cut)
                if commands:
                    drawn.append(EncodedShape(self.codes[index], _POLYGON, commands))
        return sorted(drawn, key=lambda shape: shape.code)


def polygon_commands(geometry: BaseGeometry) -> tuple[int, ...]:
    """The MVT geometry commands of a valid (multi)polygon on the tile grid (MVT 2.1, 4.3):
    per ring a MoveTo, a LineTo of the rest and a ClosePath, zigzag-encoded deltas, exterior
    rings of positive surveyor's area in tile coordinates and holes negative. Written with
    numpy because the pure-Python encoder spent ~100 ms on a national tile."""
    oriented = shapely.orient_polygons(geometry)  # exterior ccw in (x, y-down) = positive
    commands: list[int] = []
    cursor = np.zeros(2, dtype=np.int64)
    for polygon in shapely.get_parts(oriented):
        rings = [polygon.exterior, *polygon.interiors]
        for number, ring in enumerate(rings):
            points = np.rint(shapely.get_coordinates(ring)[:-1]).astype(np.int64)
            if len(points):
                moved = np.ones(len(points), dtype=bool)
                moved[1:] = np.any(points[1:] != points[:-1], axis=1)
                points = points[moved]
            if len(points) < 3:
                if number == 0:
                    break  # no exterior, no polygon
                continue
            deltas = np.diff(np.vstack([cursor, points]), axis=0)
            zigzag = (deltas << 1) ^ (deltas >> 63)
            commands += [_MOVE_TO_1, *zigzag[0].tolist(), _LINE_TO | ((len(points) - 1) << 3)]
            commands += zigzag[1:].ravel().tolist()
            commands.append(_CLOSE_PATH_1)
            cursor = points[-1]
    return tuple(commands)


class VenueIndex:
    """Every venue in EPSG:3857 with its intervention, read once per data version (a few
    thousand points per 10,000 records): a tile then takes the venues in its buffered box
    whose intervention the filter matches (`AreaContent.matching`, from the facets), with
    no query."""

    def __init__(self, session: Session) -> None:
        rows = session.connection().execute(every_venue()).all()
        self.owners: Ids = np.array([row.id for row in rows], dtype=np.int64)
        self.props: list[Properties] = [
            {"id": row.id, "name": row.name, "venue": row.venue or ""} for row in rows
        ]
        self.xy: np.ndarray[Any, Any] = np.empty((0, 2), dtype=float)
        if rows:
            self.xy = _project(shapely.get_coordinates([row.geom for row in rows]))

    def within(
        self, address: TileAddress, matching: Ids
    ) -> tuple[np.ndarray[Any, Any], list[Properties]]:
        """The tile-grid points (integers, y down) and properties of the matching venues in
        the buffered tile, in venue order."""
        left, bottom, right, top = address.buffered_bounds
        x, y = self.xy[:, 0], self.xy[:, 1]
        inside = np.flatnonzero((x >= left) & (x <= right) & (y >= bottom) & (y <= top))
        if len(inside) and len(matching):
            owners = self.owners[inside]
            at = np.minimum(np.searchsorted(matching, owners), len(matching) - 1)
            inside = inside[matching[at] == owners]
        else:
            inside = inside[:0]
        tile_left, _, tile_right, tile_top = address.bounds
        scale = EXTENT / (tile_right - tile_left)
        grid = np.rint(
            np.column_stack(
                [(self.xy[inside, 0] - tile_left) * scale, (tile_top - self.xy[inside, 1]) * scale]
            )
        ).astype(np.int64)
        return grid, [self.props[i] for i in inside]


def on_tile_grid(geometry: BaseGeometry, address: TileAddress) -> BaseGeometry:
    """Metres to the tile's integer grid (y down), snapped by GEOS so that the result is
    valid: rounding alone can fold a narrow part onto itself, and repairing that after the
    fact (mapbox-vector-tile's make-valid) drops whole areas."""
    left, _, right, top = address.bounds
    scale = EXTENT / (right - left)

    def to_grid(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.column_stack([(coords[:, 0] - left) * scale, (top - coords[:, 1]) * scale])

    snapped: BaseGeometry = shapely.set_precision(shapely.transform(geometry, to_grid), 1.0)
    return snapped


def area_layer(
    tile: Any, name: str, shapes: list[EncodedShape], props: dict[str, Properties]
) -> None:
    """Add a layer of the shapes whose code has properties, with those properties, to `tile`
    (a `vector_tile_pb2.tile`)."""
    _add_layer(
        tile,
        name,
        [
            (shape.type, shape.geometry, props[shape.code])
            for shape in shapes
            if shape.code in props
        ],
    )


def point_layer(
    tile: Any, name: str, points: np.ndarray[Any, Any], props: list[Properties]
) -> None:
    """Add a layer of points (tile-grid integers) with their properties to `tile`: per point
    a MoveTo of one zigzag-encoded position (MVT 2.1, 4.3)."""
    zigzag = (points << 1) ^ (points >> 63)
    _add_layer(
        tile,
        name,
        [
            (_POINT, (_MOVE_TO_1, int(x), int(y)), p)
            for (x, y), p in zip(zigzag, props, strict=True)
        ],
    )


def _add_layer(
    tile: Any, name: str, features: list[tuple[int, tuple[int, ...], Properties]]
) -> None:
    """Add a layer of (type, geometry commands, properties) features, if any, to `tile`:
    keys and values are shared within the layer, as MVT wants."""
    if not features:
        return
    layer = tile.layers.add()
    layer.version, layer.name, layer.extent = 2, name, EXTENT
    keys: dict[str, int] = {}
    values: dict[tuple[type, object], int] = {}
    for kind, geometry, properties in features:
        feature = layer.features.add()
        feature.type = kind
        feature.geometry.extend(geometry)
        for key, value in properties.items():
            if key not in keys:
                keys[key] = len(keys)
                layer.keys.append(key)
            slot = (type(value), value)
            if slot not in values:
                values[slot] = len(values)
                entry = layer.values.add()
                if isinstance(value, int):
                    entry.int_value = value
                else:
                    entry.string_value = str(value)
            feature.tags.extend((keys[key], values[slot]))


def shapely_tile(
    shapes: list[EncodedShape],
    content: AreaContent,
    venues: VenueIndex | None,
    address: TileAddress,
    layers: tuple[str, ...],
) -> bytes:
    """The tile's layers in the order asked."""
    tile = vector_tile_pb2.tile()
    for layer in layers:
        if layer in {"local-authorities", "regions"}:
            props = content.las if layer == "local-authorities" else content.regions
            area_layer(tile, layer, shapes, props)
        elif layer == "interventions" and venues is not None:
            point_layer(tile, layer, *venues.within(address, content.matching))
    encoded: bytes = tile.SerializeToString()
    return encoded
