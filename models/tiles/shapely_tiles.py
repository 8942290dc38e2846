"""Tiles drawn in Python (SQLite, which has no spatial functions): shapely cuts and
simplifies, `mapbox-vector-tile` quantises, repairs and encodes.

Each worker keeps, per boundary version, the areas projected to Web Mercator with an
STRtree, and per zoom their simplified shapes; a tile then costs a tree query, a clip per
area it touches and the encoding.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import mapbox_vector_tile
import numpy as np
import shapely
from mapbox_vector_tile.Mapbox import vector_tile_pb2
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry
from sqlmodel import Session

from models.geography.catalogue import AreaCatalogue
from models.interventions.facets import FacetReader
from models.interventions.filters import InterventionFilter
from models.research.stats import matching_ids
from models.tiles.content import AreaContent, Properties, venues_of
from models.tiles.grid import EXTENT, TileAddress

_POLYGON = 3  # vector_tile.proto GeomType
_MOVE_TO_1 = 1 | (1 << 3)
_LINE_TO = 2
_CLOSE_PATH_1 = 7 | (1 << 3)
#: Ids per venue query: well under SQLite's limit on bound parameters.
_ID_CHUNK = 5000
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
        self._by_zoom: dict[int, list[BaseGeometry]] = {}
        self._lock = threading.Lock()

    def at_zoom(self, address: TileAddress) -> list[BaseGeometry]:
        with self._lock:
            found = self._by_zoom.get(address.z)
            if found is None:
                found = list(
                    shapely.simplify(
                        np.array(self.projected), address.tolerance, preserve_topology=True
                    )
                )
                self._by_zoom[address.z] = found
            return found

    def touching(self, address: TileAddress) -> tuple[str, ...]:
        """The codes of the areas whose shape meets the buffered tile."""
        box = shapely.box(*address.buffered_bounds)
        return tuple(sorted(self.codes[i] for i in self.tree.query(box, "intersects")))

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


class ProjectionCache:
    """The projected areas of the current boundary version (one per worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._areas: ProjectedAreas | None = None

    def get(self, catalogue: AreaCatalogue) -> ProjectedAreas:
        with self._lock:
            if self._areas is None or self._version != catalogue.version:
                self._areas = ProjectedAreas(catalogue)
                self._version = catalogue.version
            return self._areas


class VenuePoints:
    """The venues near one tile of the filter's interventions, in EPSG:3857.

    Only interventions serving an LA that touches the tile can have a venue in it (venues
    lie in or near the LAs served), so that becomes one more place criterion of the filter,
    whose ids (from the worker's facets, as every count) then select the venues by index."""

    def __init__(
        self,
        session: Session,
        flt: InterventionFilter,
        nearby_las: tuple[str, ...],
        facets: FacetReader | None,
    ) -> None:
        rows: list[Any] = []
        if nearby_las:
            near = replace(flt, area_sets=(*flt.area_sets, nearby_las))
            ids = matching_ids(session, near, facets).tolist()
            connection = session.connection()
            for start in range(0, len(ids), _ID_CHUNK):
                chunk = ids[start : start + _ID_CHUNK]
                rows += connection.execute(venues_of(chunk)).all()
        self.props: list[Properties] = [
            {"id": row.id, "name": row.name, "venue": row.venue or ""} for row in rows
        ]
        self.xy: np.ndarray[Any, Any] = np.empty((0, 2), dtype=float)
        if rows:
            self.xy = _project(shapely.get_coordinates([row.geom for row in rows]))

    def within(self, address: TileAddress) -> list[dict[str, Any]]:
        left, bottom, right, top = address.buffered_bounds
        x, y = self.xy[:, 0], self.xy[:, 1]
        inside = np.flatnonzero((x >= left) & (x <= right) & (y >= bottom) & (y <= top))
        return [
            {
                "geometry": on_tile_grid(shapely.Point(*self.xy[i]), address),
                "properties": self.props[i],
            }
            for i in inside
        ]


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


def encode_tile(layers: Iterable[tuple[str, list[dict[str, Any]]]]) -> bytes:
    """The MVT of the non-empty layers (geometry already on the grid, `on_tile_grid`), or
    b"" when every layer is empty."""
    present = [{"name": name, "features": features} for name, features in layers if features]
    if not present:
        return b""
    tile: bytes = mapbox_vector_tile.encode(
        present, default_options={"extents": EXTENT, "y_coord_down": True}
    )
    return tile


def area_layer(
    tile: Any, name: str, shapes: list[EncodedShape], props: dict[str, Properties]
) -> None:
    """Add a layer of the shapes whose code has properties, with those properties, to `tile`
    (a `vector_tile_pb2.tile`): keys and values are shared within the layer, as MVT wants."""
    wanted = [shape for shape in shapes if shape.code in props]
    if not wanted:
        return
    layer = tile.layers.add()
    layer.version, layer.name, layer.extent = 2, name, EXTENT
    keys: dict[str, int] = {}
    values: dict[tuple[type, object], int] = {}
    for shape in wanted:
        feature = layer.features.add()
        feature.type = shape.type
        feature.geometry.extend(shape.geometry)
        for key, value in props[shape.code].items():
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
    venues: VenuePoints | None,
    address: TileAddress,
    layers: tuple[str, ...],
) -> bytes:
    """The tile's layers in the order asked."""
    parts: list[bytes] = []
    for layer in layers:
        if layer in {"local-authorities", "regions"}:
            tile = vector_tile_pb2.tile()
            props = content.las if layer == "local-authorities" else content.regions
            area_layer(tile, layer, shapes, props)
            parts.append(tile.SerializeToString())
        elif layer == "interventions" and venues is not None:
            parts.append(encode_tile([(layer, venues.within(address))]))
    return b"".join(parts)
