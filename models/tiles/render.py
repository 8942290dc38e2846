"""One entry point for a tile: the filter's content (kept per data version and filter), an
empty-tile shortcut, then the encoder of the session's database."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlmodel import Session

from models.freshness.caches import FacetCache
from models.geography.catalogue import AreaCatalogue
from models.interventions.filters import InterventionFilter
from models.tiles.content import AreaContent, area_content
from models.tiles.grid import LAYERS, TileAddress
from models.tiles.postgis_tiles import postgis_tile
from models.tiles.shapely_tiles import EncodedShape, ProjectionCache, VenueIndex, shapely_tile

T = TypeVar("T")
_MINZOOM = {layer.id: layer.minzoom for layer in LAYERS}


class Recent(Generic[T]):
    """A small least-recently-used memo, safe across a worker's threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


class TileRenderer:
    """A worker's tile state: projected areas per boundary version, each tile's encoded
    shapes (no filter changes them), the venues per data version, and per (data version,
    filter) the areas' properties and matching ids, so a map panning under one filter counts
    once, not once per tile, and a new filter on a drawn tile only counts and encodes."""

    def __init__(self) -> None:
        self.projections = ProjectionCache()
        self._content: Recent[AreaContent] = Recent(64)
        self._shapes: Recent[list[EncodedShape]] = Recent(4096)
        self._venues: Recent[VenueIndex] = Recent(1)

    def render(
        self,
        session: Session,
        catalogue: AreaCatalogue,
        flt: InterventionFilter,
        address: TileAddress,
        layers: tuple[str, ...],
        *,
        version: Hashable,
        facet_cache: FacetCache | None = None,
        encoder: str | None = None,
    ) -> bytes:
        """The MVT bytes, or b"" for a tile with no feature in any layer asked.

        `encoder` is the database's own by default (`postgis` on PostgreSQL, else
        `shapely`); `shapely` works on either, which is how a test holds the two alike."""
        layers = tuple(name for name in layers if address.z >= _MINZOOM[name])
        if not layers or not _touches_england(catalogue, address):
            return b""
        key = (version, repr(flt))
        content = self._content.get(key, lambda: area_content(session, catalogue, flt, facet_cache))
        encoder = encoder or (
            "postgis" if session.get_bind().dialect.name == "postgresql" else "shapely"
        )
        if encoder == "postgis":
            return postgis_tile(session, content, flt, address, layers)
        venues = None
        if "interventions" in layers:
            venues = self._venues.get(version, lambda: VenueIndex(session))
        shapes = self._shapes.get(
            (catalogue.version, address),
            lambda: self.projections.get(catalogue).shapes(address),
        )
        return shapely_tile(shapes, content, venues, address, layers)


def _touches_england(catalogue: AreaCatalogue, address: TileAddress) -> bool:
    """Whether any LA's box meets the tile's: most of the world's tiles are empty, and say so
    without a query."""
    west, south, east, north = address.lonlat_bounds
    for info in catalogue.las.values():
        if info.bbox is None:
            return True
        left, bottom, right, top = info.bbox
        if left <= east and right >= west and bottom <= north and top >= south:
            return True
    return False


def render_tile(
    session: Session,
    catalogue: AreaCatalogue,
    flt: InterventionFilter,
    address: TileAddress,
    layers: tuple[str, ...],
    *,
    version: Hashable,
    encoder: str | None = None,
) -> bytes:
    """A tile without a worker's memo (one-off callers and tests)."""
    return TileRenderer().render(
        session, catalogue, flt, address, layers, version=version, encoder=encoder
    )
