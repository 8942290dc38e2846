"""Tests for geodata.geometry: repair, orientation, simplification, bounds."""

import numpy as np
import pytest
import shapely
import shapely.ops
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geodata.errors import InvalidGeometryError
from geodata.geometry import (
    bounds_of,
    normalise_polygonal,
    simplify_coverage,
    simplify_for_level,
)

# A clockwise square with a counter-clockwise hole: the opposite of RFC 7946.
CW_SQUARE_WITH_CCW_HOLE = Polygon(
    [(0, 0), (0, 4), (4, 4), (4, 0)],
    holes=[[(1, 1), (3, 1), (3, 3), (1, 3)]],
)
BOWTIE = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])


def _assert_rfc7946(geom: MultiPolygon) -> None:
    for part in geom.geoms:
        assert part.exterior.is_ccw
        assert all(not hole.is_ccw for hole in part.interiors)


def test_normalise_orients_exterior_ccw_and_holes_cw() -> None:
    assert not CW_SQUARE_WITH_CCW_HOLE.exterior.is_ccw
    result = normalise_polygonal(CW_SQUARE_WITH_CCW_HOLE)
    assert isinstance(result, MultiPolygon)
    assert len(result.geoms[0].interiors) == 1
    _assert_rfc7946(result)
    assert result.area == pytest.approx(12.0)


def test_normalise_repairs_a_self_intersecting_ring() -> None:
    assert not BOWTIE.is_valid
    result = normalise_polygonal(BOWTIE)
    assert result.is_valid
    assert len(result.geoms) == 2
    assert result.area == pytest.approx(2.0)
    _assert_rfc7946(result)


def test_normalise_keeps_only_polygonal_parts_of_a_collection() -> None:
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    mixed = GeometryCollection([Point(5, 5), LineString([(2, 2), (3, 3)]), square, Polygon()])
    result = normalise_polygonal(mixed)
    assert result.equals(MultiPolygon([square]))


def test_normalise_merges_overlapping_parts() -> None:
    overlapping = MultiPolygon([shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)])
    assert not overlapping.is_valid
    result = normalise_polygonal(overlapping)
    assert result.is_valid
    assert result.area == pytest.approx(7.0)


def test_normalise_dissolves_overlapping_polygons_of_a_collection() -> None:
    collection = GeometryCollection([shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)])
    result = normalise_polygonal(collection)
    assert result.is_valid
    assert len(result.geoms) == 1
    assert result.area == pytest.approx(7.0)


def test_normalise_drops_z() -> None:
    result = normalise_polygonal(Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 5)]))
    assert not result.has_z


@pytest.mark.parametrize(
    "geom",
    [
        None,
        Polygon(),
        LineString([(0, 0), (1, 1)]),
        Point(0, 0),
        Polygon([(0, 0), (1, 1), (2, 2), (0, 0)]),  # zero area: repairs to a line
    ],
    ids=["none", "empty", "line", "point", "collapsed"],
)
def test_normalise_rejects_non_polygonal(geom: BaseGeometry | None) -> None:
    with pytest.raises(InvalidGeometryError) as caught:
        normalise_polygonal(geom)
    assert caught.value.message


def test_simplify_reduces_vertices_and_stays_valid() -> None:
    circle = Point(0, 0).buffer(1.0, quad_segs=64)
    result = simplify_for_level(circle, 0.05)
    assert isinstance(result, MultiPolygon)
    assert result.is_valid
    assert shapely.get_num_coordinates(result) < shapely.get_num_coordinates(circle) / 4
    assert result.area == pytest.approx(circle.area, rel=0.05)
    _assert_rfc7946(result)


def test_simplify_rejects_negative_tolerance() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        simplify_for_level(Point(0, 0).buffer(1.0), -1.0)


def test_simplify_coverage_keeps_shared_borders_together() -> None:
    # Two halves of a wobbly disc: simplified apart, their common edge would split in two.
    disc = Point(0, 0).buffer(1.0, quad_segs=64)
    wobbly = shapely.LineString(
        [(0, -2), *[(0.01 * (-1) ** i, -1 + i / 50) for i in range(101)], (0, 2)]
    )
    left, right = shapely.get_parts(shapely.ops.split(disc, wobbly))
    result = simplify_coverage([left, right], 0.05)
    assert all(isinstance(part, MultiPolygon) and part.is_valid for part in result)
    assert shapely.coverage_is_valid(np.asarray(result, dtype=object))
    assert shapely.get_num_coordinates(result[0]) < shapely.get_num_coordinates(left) / 2
    apart = [simplify_for_level(part, 0.05) for part in (left, right)]
    assert not shapely.coverage_is_valid(np.asarray(apart, dtype=object))


def test_bounds_of() -> None:
    bounds = bounds_of(shapely.box(-1.5, 50.0, 1.25, 55.5))
    assert bounds == (-1.5, 50.0, 1.25, 55.5)
    assert all(type(value) is float for value in bounds)


def test_bounds_of_empty_geometry_raises() -> None:
    with pytest.raises(InvalidGeometryError):
        bounds_of(Polygon())
