"""One entry point for a tile: the filter's content (kept per data version and filter), an
empty-tile shortcut, then the encoder of the session's database."""

from __future__ import annotations

from collections.abc import Hashable

from sqlmodel import Session

from models.cache import VersionedCache
from models.freshness.caches import FacetCache
from models.geography.catalogue import AreaCatalogue
from models.interventions.filters import InterventionFilter
from models.tiles.content import AreaContent, area_content
from models.tiles.grid import LAYERS, TileAddress
from models.tiles.postgis_tiles import postgis_tile
from models.tiles.shapely_tiles import EncodedShape, ProjectedAreas, VenueIndex, shapely_tile

_MINZOOM = {layer.id: layer.minzoom for layer in LAYERS}


class TileRenderer:
    """A worker's tile state: projected areas and each tile's encoded shapes (no filter
    changes them) per boundary version, the venues per data version, and per data version and
    filter the areas' properties and matching ids, so a map panning under one filter counts
    once, not once per tile, and a new filter on a drawn tile only counts and encodes."""

    def __init__(self) -> None:
        self._projections: VersionedCache[None, ProjectedAreas] = VersionedCache()
        self._content: VersionedCache[str, AreaContent] = VersionedCache(max_entries=64)
        self._shapes: VersionedCache[TileAddress, list[EncodedShape]] = VersionedCache(
            max_entries=4096
        )
        self._venues: VersionedCache[None, VenueIndex] = VersionedCache()

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
        content = self._content.get(
            version, repr(flt), lambda: area_content(session, catalogue, flt, facet_cache)
        )
        encoder = encoder or (
            "postgis" if session.get_bind().dialect.name == "postgresql" else "shapely"
        )
        if encoder == "postgis":
            return postgis_tile(session, content, flt, address, layers)
        venues = None
        if "interventions" in layers:
            venues = self._venues.get_once(version, None, lambda: VenueIndex(session))
        shapes = self._shapes.get(
            catalogue.version,
            address,
            lambda: self._projections.get_once(
                catalogue.version, None, lambda: ProjectedAreas(catalogue)
            ).shapes(address),
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
