"""The one GeoJSON geometry writer: grid-snapped, valid, RFC 7946-oriented, shortest decimals."""

import json
import re

import geopandas as gpd
import orjson
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape

from geodata.geojson import geometry_json, rounded_bbox, snap_to_grid

_NUMBER = re.compile(rb"-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?")


def max_decimals(text: bytes) -> int:
    """The most digits after a decimal point among the numbers in `text`."""
    return max((len(m.group(1) or b"") for m in _NUMBER.finditer(text)), default=0)


def _assert_rfc7946(geom: MultiPolygon) -> None:
    for polygon in geom.geoms:
        assert shapely.is_ccw(polygon.exterior)
        assert not any(shapely.is_ccw(ring) for ring in polygon.interiors)


def test_coordinates_print_in_their_shortest_form() -> None:
    # 53.52759 has no exact double: shapely.to_geojson prints 53.527589999999996.
    square = Polygon([(-1.0751232876, 53.52759), (-1.07, 53.52759), (-1.07, 53.6), (-1.0751, 53.6)])
    assert "53.527589999999996" in shapely.to_geojson(shapely.set_precision(square, 1e-5))
    text = geometry_json(square, 5)
    assert b"53.52759," in text or b"53.52759]" in text
    assert max_decimals(text) <= 5
    assert max_decimals(geometry_json(square, 3)) <= 3


def test_snapping_keeps_every_vertex_on_the_grid_where_rounding_would_break_a_polygon() -> None:
    # A notch 0.008 wide: rounding to 2 decimals makes its sides cross; repairing that
    # afterwards (make_valid) adds vertices with 17-digit coordinates.
    notched = Polygon(
        [(0, 0), (2, 0), (2, 1), (1.004, 1), (1.004, 0.5), (0.996, 0.5), (0.996, 1), (0, 1)]
    )
    assert not shapely.transform(notched, lambda c: c.round(2)).is_valid
    snapped = snap_to_grid(notched, 2)
    assert isinstance(snapped, MultiPolygon)
    assert snapped.is_valid
    assert snapped.area == pytest.approx(2.0, abs=0.01)
    text = geometry_json(notched, 2)
    assert max_decimals(text) <= 2
    assert shape(json.loads(text)).is_valid


def test_output_is_rfc7946_oriented() -> None:
    cw_with_ccw_hole = Polygon(
        [(0, 0), (0, 4), (4, 4), (4, 0)], holes=[[(1, 1), (3, 1), (3, 3), (1, 3)]]
    )
    geom = shape(json.loads(geometry_json(cw_with_ccw_hole, 3)))
    assert isinstance(geom, MultiPolygon)
    _assert_rfc7946(geom)


def test_an_area_smaller_than_the_grid_is_null() -> None:
    sliver = Polygon([(0, 0), (1, 0), (1, 0.004), (0, 0.004)])
    assert snap_to_grid(sliver, 2) is None
    assert geometry_json(sliver, 2) == b"null"
    assert geometry_json(None, 5) == b"null"


def test_points_snap_too() -> None:
    assert orjson.loads(geometry_json(Point(-1.549123, 53.800849), 3)) == {
        "type": "Point",
        "coordinates": [-1.549, 53.801],
    }


def test_bbox_rounds_outwards() -> None:
    assert rounded_bbox((-1.23456, 53.12341, 0.00001, 54.99999), 3) == (-1.235, 53.123, 0.001, 55.0)
    assert max_decimals(orjson.dumps(rounded_bbox((-1.0751232, 53.527589, 1.1, 2.2), 5))) <= 5


@pytest.mark.parametrize("decimals", [1, 2, 3, 4, 5, 6])
def test_every_real_la_at_every_precision(las_2023: gpd.GeoDataFrame, decimals: int) -> None:
    for code, geom in zip(las_2023["code"], las_2023.geometry, strict=True):
        text = geometry_json(geom, decimals)
        assert max_decimals(text) <= decimals, code
        if text != b"null":
            written = shape(json.loads(text))
            assert written.is_valid, code
            _assert_rfc7946(written)
    # At 2 decimals (about 1 km) even the City of London keeps a shape.
    if decimals >= 2:
        assert all(geometry_json(g, decimals) != b"null" for g in las_2023.geometry)


def test_rejects_impossible_precision() -> None:
    with pytest.raises(ValueError, match="decimals"):
        snap_to_grid(Point(0, 0), 16)
