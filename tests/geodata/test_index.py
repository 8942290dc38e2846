"""Tests for geodata.index.AreaIndex on synthetic squares and the real 2023 LAs."""

import geopandas as gpd
import pytest
import shapely

from geodata.index import AreaIndex

LEEDS_CITY_CENTRE = (-1.5491, 53.8008)
NORTH_SEA = (2.0, 54.5)


@pytest.fixture
def squares() -> AreaIndex:
    """Two unit squares sharing the edge x=1."""
    return AreaIndex([("A", shapely.box(0, 0, 1, 1)), ("B", shapely.box(1, 0, 2, 1))])


def test_len(squares: AreaIndex, la_index: AreaIndex) -> None:
    assert len(squares) == 2
    assert len(la_index) == 153
    assert len(AreaIndex([])) == 0


def test_containing_inside_and_outside(squares: AreaIndex) -> None:
    assert squares.containing(0.5, 0.5) == ["A"]
    assert squares.containing(1.5, 0.5) == ["B"]
    assert squares.containing(5.0, 5.0) == []


def test_containing_counts_boundary_points(squares: AreaIndex) -> None:
    assert squares.containing(1.0, 0.5) == ["A", "B"]
    assert squares.containing(0.0, 0.0) == ["A"]
    assert squares.containing(0.5, 1.0) == ["A"]


def test_empty_index_answers_nothing() -> None:
    empty = AreaIndex([])
    assert empty.containing(0.0, 0.0) == []
    assert empty.intersecting(-1.0, -1.0, 1.0, 1.0) == []


def test_intersecting(squares: AreaIndex) -> None:
    assert squares.intersecting(0.1, 0.1, 0.2, 0.2) == ["A"]
    assert squares.intersecting(0.5, 0.5, 1.5, 0.6) == ["A", "B"]
    assert squares.intersecting(2.0, 1.0, 3.0, 3.0) == ["B"]  # touching a corner counts
    assert squares.intersecting(3.0, 3.0, 4.0, 4.0) == []


def test_degenerate_boxes_are_points_and_lines(squares: AreaIndex) -> None:
    assert squares.intersecting(0.5, 0.5, 0.5, 0.5) == squares.containing(0.5, 0.5) == ["A"]
    assert squares.intersecting(0.5, 0.5, 2.5, 0.5) == ["A", "B"]
    assert squares.intersecting(0.5, 0.5, 0.5, 0.9) == ["A"]
    assert squares.intersecting(5.0, 5.0, 5.0, 5.0) == []


def test_intersecting_rejects_inverted_bbox(squares: AreaIndex) -> None:
    with pytest.raises(ValueError, match="bbox"):
        squares.intersecting(1.0, 0.0, 0.0, 1.0)


def test_known_points(la_index: AreaIndex) -> None:
    assert la_index.containing(*LEEDS_CITY_CENTRE) == ["E08000035"]
    assert la_index.containing(-0.1426, 51.5390) == ["E09000007"]  # Camden Town
    assert la_index.containing(*NORTH_SEA) == []


def test_every_la_contains_its_own_interior_point(
    las_2023: gpd.GeoDataFrame, la_index: AreaIndex
) -> None:
    for code, geom in zip(las_2023["code"], las_2023.geometry, strict=True):
        point = geom.representative_point()
        assert la_index.containing(point.x, point.y) == [code]


def test_bbox_query(la_index: AreaIndex) -> None:
    central_london = la_index.intersecting(-0.15, 51.50, -0.10, 51.53)
    assert {"E09000007", "E09000033"} <= set(central_london)
    assert all(code.startswith("E09") for code in central_london)
    assert la_index.intersecting(1.8, 54.0, 2.5, 55.0) == []
    assert len(la_index.intersecting(-6.5, 49.8, 2.0, 55.9)) == 153
