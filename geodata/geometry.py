"""Pure shapely helpers that turn area boundaries into valid, RFC 7946-shaped polygons."""

from collections.abc import Callable, Sequence
from typing import cast

import numpy as np
import shapely
import shapely.errors
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geodata.errors import InvalidGeometryError

Bounds = tuple[float, float, float, float]
"""(minx, miny, maxx, maxy), in the geometry's own CRS."""


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """Non-empty polygons inside `geom`, at any depth; lines and points are dropped."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if isinstance(geom, MultiPolygon | GeometryCollection):
        return [part for child in geom.geoms for part in polygon_parts(child)]
    return []


def orient_rfc7946(geom: MultiPolygon) -> MultiPolygon:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 section 3.1.6)."""
    # shapely.orient_polygons arrived in shapely 2.1; older versions orient part by part.
    orient_polygons: Callable[..., BaseGeometry] | None = getattr(shapely, "orient_polygons", None)
    if orient_polygons is not None:
        return cast(MultiPolygon, orient_polygons(geom, exterior_cw=False))
    return MultiPolygon([orient(part, sign=1.0) for part in geom.geoms])


def normalise_polygonal(geom: BaseGeometry | None) -> MultiPolygon:
    """Repair `geom` if needed and return its polygonal part as an oriented MultiPolygon.

    Raises InvalidGeometryError when nothing valid and polygonal remains.
    """
    if geom is None or geom.is_empty:
        raise InvalidGeometryError("The geometry is empty.")
    # Boundaries are 2D; a stray Z would only confuse validity checks and GeoJSON output.
    geom = shapely.force_2d(geom)
    if not geom.is_valid:
        # "structure" reads a boundary as the union of its shells minus its holes, so
        # overlapping parts merge; the default "linework" would cut the overlap out.
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    parts = polygon_parts(geom)
    if not parts:
        raise InvalidGeometryError("The geometry has no polygonal part.")
    result = MultiPolygon(parts)
    if not result.is_valid:
        # Valid parts can still overlap or share edges; dissolving them fixes that.
        result = MultiPolygon(polygon_parts(shapely.union_all(parts)))
    if result.is_empty or not result.is_valid:
        raise InvalidGeometryError("The geometry could not be repaired into a valid polygon.")
    return orient_rfc7946(result)


def simplify_for_level(geom: BaseGeometry, tolerance_deg: float) -> MultiPolygon:
    """Simplify one area for display at a zoom level, keeping its own topology.

    Its neighbours are not considered, so shared borders may drift apart by up to
    `tolerance_deg`; `simplify_coverage` keeps them together.
    """
    if tolerance_deg < 0:
        raise ValueError("tolerance_deg must not be negative")
    return normalise_polygonal(shapely.simplify(geom, tolerance_deg, preserve_topology=True))


def simplify_coverage(geoms: Sequence[BaseGeometry], tolerance_deg: float) -> list[MultiPolygon]:
    """Simplify areas that tile a territory together, so neighbours keep one shared border.

    Simplified one by one, neighbours' borders drift apart and the map shows slivers and gaps
    between them (and unions of neighbours keep the slivers). GEOS's coverage simplification
    moves each shared edge once for both sides. Should GEOS refuse the set, each area is
    simplified on its own instead.
    """
    if tolerance_deg < 0:
        raise ValueError("tolerance_deg must not be negative")
    if not geoms:
        return []
    try:
        simplified = shapely.coverage_simplify(np.asarray(geoms, dtype=object), tolerance_deg)
        return [normalise_polygonal(geom) for geom in simplified]
    except (shapely.errors.GEOSException, InvalidGeometryError):
        return [simplify_for_level(geom, tolerance_deg) for geom in geoms]


def bbox_geometry(minx: float, miny: float, maxx: float, maxy: float) -> BaseGeometry:
    """The box as the geometry it really is: a point or a line when it has no width or height.

    A zero-area Polygon is degenerate: predicates on it differ between GEOS versions and
    PostGIS. A Point or LineString means what the caller asked, on every backend alike.
    """
    if minx > maxx or miny > maxy:
        raise ValueError("bbox minimum exceeds its maximum")
    if minx == maxx and miny == maxy:
        return shapely.Point(minx, miny)
    if minx == maxx or miny == maxy:
        return shapely.LineString([(minx, miny), (maxx, maxy)])
    return shapely.box(minx, miny, maxx, maxy)


def bounds_of(geom: BaseGeometry) -> Bounds:
    """Bounding box of a non-empty geometry as (minx, miny, maxx, maxy)."""
    if geom.is_empty:
        raise InvalidGeometryError("An empty geometry has no bounds.")
    minx, miny, maxx, maxy = (float(value) for value in geom.bounds)
    return minx, miny, maxx, maxy
