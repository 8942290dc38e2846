"""Vector tiles from the real May 2023 boundaries and the sample: the features and
properties each encoder writes, PostGIS and shapely alike, valid up to the tile edges."""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
import morecantile
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape
from sqlalchemy import Engine, select
from sqlmodel import Session

from models.geography.catalogue import AreaCatalogue, load_catalogue
from models.interventions.drafts import InterventionDraft
from models.interventions.filters import InterventionFilter
from models.interventions.queries import create_intervention, ensure_areas
from models.interventions.tables import Intervention, InterventionArea, Venue
from models.research.areas import count_by_area
from models.tiles import EXTENT, TileAddress, render_tile, tile_address
from models.tiles.grid import BUFFER, LAYER_IDS

LEEDS = "E08000035"
CITY = "E09000001"  # the City of London, 270 km from Leeds
LEEDS_POINT = (-1.5491, 53.7997)
TO_LONLAT = Transformer.from_crs(3857, 4326, always_xy=True)


def _tile_at(z: int, lon: float, lat: float) -> TileAddress:
    tile = morecantile.tms.get("WebMercatorQuad").tile(lon, lat, z)
    return tile_address(z, tile.x, tile.y)


def _catalogue(session: Session) -> AreaCatalogue:
    return load_catalogue(session, 1)


def _decode(tile: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = mapbox_vector_tile.decode(
        tile, default_options={"y_coord_down": True}
    )
    return decoded


def _lonlat_box(bounds: tuple[float, float, float, float]) -> shapely.Geometry:
    west, south = TO_LONLAT.transform(bounds[0], bounds[1])
    east, north = TO_LONLAT.transform(bounds[2], bounds[3])
    return shapely.box(west, south, east, north)


@pytest.fixture
def sample(boundaries: Engine, seeded: Session) -> Session:
    return seeded


def test_la_layer_lists_the_las_of_the_tile_with_the_filters_counts(sample: Session) -> None:
    catalogue = _catalogue(sample)
    flt = InterventionFilter(any_of={"target_group": ("send",)})
    address = _tile_at(6, *LEEDS_POINT)
    tile = _decode(render_tile(sample, catalogue, flt, address, LAYER_IDS, version="t"))
    features = tile["local-authorities"]["features"]
    codes = {f["properties"]["code"] for f in features}
    inner, outer = _lonlat_box(address.bounds), _lonlat_box(address.buffered_bounds)
    touching = {c for c in catalogue.las if catalogue.geometries[c].intersects(inner)}
    near = {c for c in catalogue.las if catalogue.geometries[c].intersects(outer)}
    assert LEEDS in codes
    assert {c for c in touching if catalogue.geometries[c].intersection(inner).area > 1e-4} <= codes
    assert codes <= near
    expected = count_by_area(sample, flt, "la")
    assert any(expected.values())  # the filter matches something, so the counts can differ
    for feature in features:
        props = feature["properties"]
        assert props["intervention_count"] == expected.get(props["code"], 0)
        assert props["name"] == catalogue.las[props["code"]].name
        assert props["region"] == catalogue.las[props["code"]].region_code
    regions = {f["properties"]["code"] for f in tile["regions"]["features"]}
    assert catalogue.las[LEEDS].region_code in regions


def test_polygons_are_valid_and_stay_within_the_buffer(sample: Session) -> None:
    catalogue = _catalogue(sample)
    for z in (4, 8, 10):
        address = _tile_at(z, *LEEDS_POINT)
        tile = _decode(
            render_tile(sample, catalogue, InterventionFilter(), address, LAYER_IDS, version="t")
        )
        for layer in ("local-authorities", "regions"):
            for feature in tile[layer]["features"]:
                geometry = shape(feature["geometry"])
                assert geometry.is_valid, (z, feature["properties"]["code"])
                left, bottom, right, top = geometry.bounds
                assert -BUFFER - 1 <= left
                assert right <= EXTENT + BUFFER + 1
                assert -BUFFER - 1 <= bottom
                assert top <= EXTENT + BUFFER + 1


def test_a_place_filter_keeps_only_its_las(sample: Session) -> None:
    catalogue = _catalogue(sample)
    flt = InterventionFilter(area_sets=((LEEDS,),))
    tile = _decode(
        render_tile(sample, catalogue, flt, _tile_at(8, *LEEDS_POINT), LAYER_IDS, version="t")
    )
    assert [f["properties"]["code"] for f in tile["local-authorities"]["features"]] == [LEEDS]


def test_tiles_outside_england_are_empty(sample: Session) -> None:
    catalogue = _catalogue(sample)
    assert (
        render_tile(
            sample, catalogue, InterventionFilter(), tile_address(3, 0, 0), LAYER_IDS, version="t"
        )
        == b""
    )


def _leeds_record(session: Session) -> Intervention:
    link = select(InterventionArea.intervention_id).where(InterventionArea.area_code == LEEDS)  # type: ignore[arg-type]
    record = (
        session.exec(  # type: ignore[call-overload]
            select(Intervention).where(Intervention.id.in_(link)).order_by(Intervention.id)  # type: ignore[union-attr]
        )
        .scalars()
        .first()
    )
    assert record is not None
    return record


def test_venues_of_matching_interventions_are_points(sample: Session) -> None:
    record = _leeds_record(sample)
    record.venues.append(Venue(name="Leeds hub", geom=Point(*LEEDS_POINT)))
    sample.commit()
    catalogue = _catalogue(sample)
    address = _tile_at(10, *LEEDS_POINT)
    tile = _decode(
        render_tile(sample, catalogue, InterventionFilter(), address, LAYER_IDS, version="t")
    )
    points = tile["interventions"]["features"]
    assert [p["properties"] for p in points] == [
        {"id": record.id, "name": record.name, "venue": "Leeds hub"}
    ]
    assert points[0]["geometry"]["type"] == "Point"
    others = InterventionFilter(area_sets=(("E09000001",),))
    tile = _decode(render_tile(sample, catalogue, others, address, LAYER_IDS, version="u"))
    assert "interventions" not in tile
    low = _tile_at(5, *LEEDS_POINT)  # below the layer's minzoom
    assert "interventions" not in _decode(
        render_tile(sample, catalogue, InterventionFilter(), low, LAYER_IDS, version="t")
    )


def test_a_venue_is_drawn_where_it_lies_whatever_las_its_record_serves(sample: Session) -> None:
    """A venue is in the tiles it lies in (ST_AsMVT's rule too), even when its record serves
    none of the LAs there, and in no tile when the filter leaves its record out."""
    draft = InterventionDraft.model_validate({"name": "Outreach", "la_codes": [CITY]})
    record = create_intervention(sample, draft, ensure_areas(sample, [CITY]), state="published")
    record.venues.append(Venue(name="Visiting clinic", geom=Point(*LEEDS_POINT)))
    sample.commit()
    catalogue = _catalogue(sample)
    address = _tile_at(11, *LEEDS_POINT)
    tile = _decode(
        render_tile(sample, catalogue, InterventionFilter(), address, LAYER_IDS, version="t")
    )
    assert {"id": record.id, "name": record.name, "venue": "Visiting clinic"} in [
        p["properties"] for p in tile["interventions"]["features"]
    ]
    leeds_only = InterventionFilter(area_sets=((LEEDS,),))
    tile = _decode(render_tile(sample, catalogue, leeds_only, address, LAYER_IDS, version="u"))
    assert record.id not in {
        p["properties"]["id"] for p in tile.get("interventions", {}).get("features", [])
    }


@pytest.mark.parametrize("z", [2, 6, 10])
def test_postgis_and_shapely_draw_the_same_features(backend: str, sample: Session, z: int) -> None:
    """The same features and properties from ST_AsMVT and from mapbox-vector-tile, and
    shapes of (nearly) the same area: both simplify with GEOS at the same tolerance."""
    if backend != "postgresql":
        pytest.skip("PostGIS encodes on PostgreSQL only; SQLite has the shapely encoder")
    record = _leeds_record(sample)
    record.venues.append(Venue(name="Leeds hub", geom=Point(*LEEDS_POINT)))
    sample.commit()
    catalogue = _catalogue(sample)
    address = _tile_at(z, *LEEDS_POINT)
    flt = InterventionFilter(any_of={"target_group": ("at_risk",)})
    tiles = {
        encoder: _decode(
            render_tile(sample, catalogue, flt, address, LAYER_IDS, version="t", encoder=encoder)
        )
        for encoder in ("postgis", "shapely")
    }
    assert tiles["postgis"].keys() == tiles["shapely"].keys()
    for layer in tiles["postgis"]:
        by_encoder = {
            encoder: {
                str(f["properties"].get("code", f["properties"].get("id"))): f
                for f in tile[layer]["features"]
            }
            for encoder, tile in tiles.items()
        }
        postgis, shapely_ = by_encoder["postgis"], by_encoder["shapely"]
        big = {k for k, f in postgis.items() if shape(f["geometry"]).area > 64}
        assert big <= shapely_.keys()
        assert {k for k, f in shapely_.items() if shape(f["geometry"]).area > 64} <= postgis.keys()
        for key in postgis.keys() & shapely_.keys():
            assert postgis[key]["properties"] == shapely_[key]["properties"]
            a, b = shape(postgis[key]["geometry"]), shape(shapely_[key]["geometry"])
            if a.area > 10_000:
                assert abs(a.area - b.area) / a.area < 0.02, (layer, key)
