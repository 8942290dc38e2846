"""In-memory spatial index answering "which areas contain this point / touch this box"."""

from collections.abc import Iterable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.geometry import bbox_geometry


class AreaIndex:
    """Areas (code, geometry) in one STRtree, with exact tests on prepared geometries.

    Built once: the tree narrows a query to the few areas whose bounding boxes match, then the
    exact predicate runs on prepared polygons, so a lookup costs microseconds, not a scan.
    """

    def __init__(self, areas: Iterable[tuple[str, BaseGeometry]]) -> None:
        pairs = list(areas)
        self._codes = [code for code, _ in pairs]
        self._geoms = np.array([geom for _, geom in pairs], dtype=object)
        shapely.prepare(self._geoms)
        self._tree = shapely.STRtree(self._geoms)

    def __len__(self) -> int:
        return len(self._codes)

    def _codes_of(self, query: BaseGeometry) -> list[str]:
        candidates = self._tree.query(query)
        if candidates.size == 0:
            return []
        # Prepared tree geometries come first, so shapely uses their prepared form.
        hits = candidates[shapely.intersects(self._geoms[candidates], query)]
        return sorted({self._codes[i] for i in hits})

    def touching(self, geom: BaseGeometry) -> list[str]:
        """Codes of the areas sharing at least one point with any geometry (a CQL2 filter's)."""
        return self._codes_of(geom)

    def containing(self, lon: float, lat: float) -> list[str]:
        """Codes of the areas containing the point; a point on a boundary counts for both."""
        return self._codes_of(shapely.Point(lon, lat))

    def intersecting(self, minlon: float, minlat: float, maxlon: float, maxlat: float) -> list[str]:
        """Codes of the areas sharing at least one point with the box (or point, or line)."""
        return self._codes_of(bbox_geometry(minlon, minlat, maxlon, maxlat))
