"""Tests for geodata.io against the real ONS boundary files, plus tiny broken files."""

import json
from collections import Counter
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import MultiPolygon

from geodata.columns import LowerTierFileError, detect_code_columns, vintage_from
from geodata.crs import WGS84
from geodata.errors import BoundaryFileError, GeodataError, UnsupportedCRSError
from geodata.io import (
    dissolve_regions,
    find_boundary_file,
    read_la_boundaries,
    read_region_boundaries,
)

LA_2021_BUC = "boundaries/ctyua_2021_buc"
LA_2023_BSC = (
    "boundaries/ctyua_2023_bsc/"
    "Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC.geojson"
)
SQUARE = {"type": "Polygon", "coordinates": [[[0, 51], [0.1, 51], [0.1, 51.1], [0, 51.1], [0, 51]]]}


def _write_geojson(path: Path, properties: list[dict[str, str]]) -> Path:
    features = [{"type": "Feature", "properties": p, "geometry": SQUARE} for p in properties]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


# --- find_boundary_file ---------------------------------------------------------------


def test_find_boundary_file_in_folder(shared_geodata: Path) -> None:
    folder = shared_geodata / "boundaries/ctyua_2023_buc"
    assert find_boundary_file(folder) == folder / "CTYUA_MAY_2023_UK_BUC.shp"


def test_find_boundary_file_returns_a_file_as_is(tmp_path: Path) -> None:
    file = _write_geojson(tmp_path / "areas.geojson", [])
    assert find_boundary_file(file) == file


def test_find_boundary_file_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("nothing here")
    with pytest.raises(BoundaryFileError, match="no boundary file"):
        find_boundary_file(tmp_path)


def test_find_boundary_file_ambiguous_folder(tmp_path: Path) -> None:
    _write_geojson(tmp_path / "a.geojson", [])
    _write_geojson(tmp_path / "b.json", [])
    with pytest.raises(BoundaryFileError, match=r"a\.geojson, b\.json"):
        find_boundary_file(tmp_path)


def test_find_boundary_file_missing(tmp_path: Path) -> None:
    with pytest.raises(BoundaryFileError, match="does not exist"):
        find_boundary_file(tmp_path / "nope.shp")


# --- columns and vintage --------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["OBJECTID", "CTYUA21CD", "CTYUA21NM", "CTYUA21NMW"], ("CTYUA21CD", "CTYUA21NM")),
        (["FID", "CTYUA23CD", "CTYUA23NM", "geometry"], ("CTYUA23CD", "CTYUA23NM")),
        (["CTYUA24CD", "CTYUA24NM"], ("CTYUA24CD", "CTYUA24NM")),
        (["ctyua23cd", "ctyua23nm"], ("ctyua23cd", "ctyua23nm")),
        (["UTLA22CD", "UTLA22NM"], ("UTLA22CD", "UTLA22NM")),
        (["RGN23CD", "RGN23NM", "CTYUA23CD", "CTYUA23NM"], ("CTYUA23CD", "CTYUA23NM")),
        (["CTYUA21CD", "CTYUA23CD", "CTYUA23NM", "CTYUA21NM"], ("CTYUA23CD", "CTYUA23NM")),
    ],
)
def test_detect_code_columns(columns: list[str], expected: tuple[str, str]) -> None:
    assert detect_code_columns(columns) == expected


def test_a_district_file_is_not_taken_for_upper_tier_las() -> None:
    with pytest.raises(LowerTierFileError, match="lower-tier") as caught:
        detect_code_columns(["LAD23CD", "LAD23NM"], what="boundary file lad.gpkg")
    assert caught.value.message.startswith("Boundary file lad.gpkg is a lower-tier")
    assert "Counties and Unitary Authorities (CTYUA)" in caught.value.message
    assert detect_code_columns(["LAD23CD", "LAD23NM", "CTYUA23CD", "CTYUA23NM"])[0] == "CTYUA23CD"


def test_detect_code_columns_for_regions_only() -> None:
    columns = ["CTYUA23CD", "CTYUA23NM", "RGN23CD", "RGN23NM"]
    assert detect_code_columns(columns, ("RGN",)) == ("RGN23CD", "RGN23NM")
    assert detect_code_columns(["RGN23CD", "RGN23NM", "BNG_E"], ("RGN",)) == ("RGN23CD", "RGN23NM")


def test_detect_code_columns_names_what_it_found() -> None:
    with pytest.raises(BoundaryFileError, match="columns found: id, label, geometry") as caught:
        detect_code_columns(["id", "label", "geometry"])
    assert "--code-column and --name-column" in caught.value.message


def test_detect_code_columns_needs_a_name_column() -> None:
    with pytest.raises(BoundaryFileError, match="CTYUA23CD"):
        detect_code_columns(["CTYUA23CD", "label"])


@pytest.mark.parametrize(
    ("columns", "path", "expected"),
    [
        (["CTYUA23CD", "CTYUA23NM"], None, "2023"),
        (["CTYUA21CD"], Path("x.shp"), "2021"),
        (["rgn24cd"], None, "2024"),
        (["code", "name"], Path("CTYUA_MAY_2023_UK_BUC.shp"), "2023"),
        (["code", "name"], Path("areas.geojson"), None),
    ],
)
def test_vintage_from(columns: list[str], path: Path | None, expected: str | None) -> None:
    assert vintage_from(columns, path) == expected


# --- reading the real files -----------------------------------------------------------


def test_read_2023_buc(las_2023: gpd.GeoDataFrame) -> None:
    assert list(las_2023.columns) == ["code", "name", "type", "geometry"]
    assert len(las_2023) == 153
    assert Counter(las_2023["code"].str[:3]) == {"E06": 63, "E08": 36, "E09": 33, "E10": 21}
    assert las_2023["code"].is_unique
    assert las_2023.crs.to_epsg() == 4326
    assert las_2023.attrs["vintage"] == "2023"
    assert {"E06000063", "E06000064", "E06000065", "E06000066"} <= set(las_2023["code"])
    assert "E10000006" not in set(las_2023["code"])


def test_read_2023_buc_types(las_2023: gpd.GeoDataFrame) -> None:
    # Column access: GeoDataFrame.type is the geometry type, not our column.
    types = dict(zip(las_2023["code"], las_2023["type"], strict=True))
    assert types["E06000001"] == "unitary"
    assert types["E08000035"] == "metropolitan"
    assert types["E09000007"] == "london_borough"
    assert types["E10000014"] == "county"


def test_read_2023_buc_is_in_wgs84(las_2023: gpd.GeoDataFrame) -> None:
    camden = las_2023.loc[las_2023["code"] == "E09000007"].iloc[0]
    assert camden["name"] == "Camden"
    minx, miny, maxx, maxy = camden.geometry.bounds
    assert minx == pytest.approx(-0.21, abs=0.02)
    assert maxx == pytest.approx(-0.11, abs=0.02)
    assert miny == pytest.approx(51.51, abs=0.02)
    assert maxy == pytest.approx(51.57, abs=0.02)


def test_read_2023_buc_geometries_are_normalised(las_2023: gpd.GeoDataFrame) -> None:
    for geom in las_2023.geometry:
        assert isinstance(geom, MultiPolygon)
        assert geom.is_valid
        for part in geom.geoms:
            assert part.exterior.is_ccw
            assert all(not hole.is_ccw for hole in part.interiors)


def test_read_2021_buc_repairs_hampshire(shared_geodata: Path, las_2023: gpd.GeoDataFrame) -> None:
    raw = gpd.read_file(shared_geodata / LA_2021_BUC, engine="pyogrio")
    assert not raw.loc[raw["CTYUA21CD"] == "E10000014"].geometry.iloc[0].is_valid

    las = read_la_boundaries(shared_geodata / LA_2021_BUC)
    assert len(las) == 152
    assert las.attrs["vintage"] == "2021"
    assert {"E10000006", "E10000023", "E10000027"} <= set(las["code"])
    assert las.geometry.is_valid.all()
    hampshire = las.loc[las["code"] == "E10000014"].geometry.iloc[0]
    hampshire_2023 = las_2023.loc[las_2023["code"] == "E10000014"].geometry.iloc[0]
    assert hampshire.area == pytest.approx(hampshire_2023.area, rel=0.01)


def test_read_2023_bsc_geojson(shared_geodata: Path) -> None:
    las = read_la_boundaries(shared_geodata / LA_2023_BSC)
    assert len(las) == 153
    assert las.attrs["vintage"] == "2023"
    assert las.crs.to_epsg() == 4326


def test_read_regions(regions_2023: gpd.GeoDataFrame) -> None:
    assert list(regions_2023.columns) == ["code", "name", "geometry"]
    assert len(regions_2023) == 9
    assert regions_2023["code"].str.startswith("E12").all()
    assert "London" in set(regions_2023["name"])
    assert regions_2023.geometry.is_valid.all()


def test_region_reader_rejects_an_la_file(shared_geodata: Path) -> None:
    with pytest.raises(BoundaryFileError, match="RGNyyCD"):
        read_region_boundaries(shared_geodata / LA_2023_BSC)


def test_read_with_explicit_columns(shared_geodata: Path) -> None:
    las = read_la_boundaries(
        shared_geodata / LA_2023_BSC, code_column="CTYUA23CD", name_column="CTYUA23NMW"
    )
    names = dict(zip(las["code"], las["name"], strict=True))
    assert names["E06000001"] == ""  # English LAs have no Welsh name


def test_read_with_unknown_explicit_column(shared_geodata: Path) -> None:
    with pytest.raises(BoundaryFileError, match="No column GSS_CODE"):
        read_la_boundaries(shared_geodata / LA_2023_BSC, code_column="GSS_CODE")


def test_dissolve_regions(
    las_2023: gpd.GeoDataFrame,
    regions_2023: gpd.GeoDataFrame,
    la_region_lookup: dict[str, tuple[str, str]],
) -> None:
    regions = dissolve_regions(las_2023, la_region_lookup)
    assert list(regions.columns) == ["code", "name", "geometry"]
    assert len(regions) == 9
    assert list(regions["code"]) == list(regions_2023["code"])
    assert list(regions["name"]) == list(regions_2023["name"])
    assert regions.crs.to_epsg() == 4326
    assert regions.geometry.is_valid.all()
    ratio = shapely.area(regions.geometry.values) / shapely.area(regions_2023.geometry.values)
    assert ratio == pytest.approx([1.0] * 9, rel=0.01)


def test_dissolve_regions_needs_every_la(
    las_2023: gpd.GeoDataFrame, la_region_lookup: dict[str, tuple[str, str]]
) -> None:
    partial = {k: v for k, v in la_region_lookup.items() if k != "E09000007"}
    with pytest.raises(GeodataError, match="E09000007"):
        dissolve_regions(las_2023, partial)


# --- broken files ---------------------------------------------------------------------


def test_csv_without_code_column(tmp_path: Path) -> None:
    file = tmp_path / "areas.csv"
    file.write_text("id,label\n1,Somewhere\n")
    with pytest.raises(BoundaryFileError, match="columns found: id, label"):
        read_la_boundaries(file)


def test_geojson_without_code_column(tmp_path: Path) -> None:
    file = _write_geojson(tmp_path / "areas.geojson", [{"id": "1", "label": "Somewhere"}])
    with pytest.raises(BoundaryFileError, match="No area code column"):
        read_la_boundaries(file)


def test_empty_layer(tmp_path: Path) -> None:
    file = _write_geojson(tmp_path / "areas.geojson", [])
    with pytest.raises(BoundaryFileError, match="no features"):
        read_la_boundaries(file)


def test_no_english_upper_tier_areas(tmp_path: Path) -> None:
    rows = [{"CTYUA23CD": "S12000033", "CTYUA23NM": "Aberdeen City"}]
    file = _write_geojson(tmp_path / "areas.geojson", rows)
    with pytest.raises(BoundaryFileError, match="E06, E08, E09, E10"):
        read_la_boundaries(file)


def test_unreadable_file(tmp_path: Path) -> None:
    file = tmp_path / "areas.shp"
    file.write_bytes(b"not a shapefile")
    with pytest.raises(BoundaryFileError, match="Could not read"):
        read_la_boundaries(file)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_file_without_crs(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"CTYUA23CD": ["E06000001"], "CTYUA23NM": ["Hartlepool"]},
        geometry=[shapely.box(445000, 525000, 455000, 535000)],
        crs=None,
    )
    frame.to_file(tmp_path / "areas.shp", engine="pyogrio")
    assert not (tmp_path / "areas.prj").exists()
    with pytest.raises(UnsupportedCRSError, match="declares no coordinate system") as caught:
        read_la_boundaries(tmp_path)
    assert caught.value.message.startswith("Boundary file areas.shp")


def test_grid_coordinates_declared_as_degrees(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"CTYUA23CD": ["E06000001"], "CTYUA23NM": ["Hartlepool"]},
        geometry=[shapely.box(445000, 525000, 455000, 535000)],
        crs=WGS84,
    )
    frame.to_file(tmp_path / "areas.gpkg", engine="pyogrio")
    with pytest.raises(UnsupportedCRSError, match="do not fit"):
        read_la_boundaries(tmp_path / "areas.gpkg")


# --- options for files detection cannot read alone ------------------------------------


def test_a_named_column_that_is_missing_is_named(shared_geodata: Path) -> None:
    with pytest.raises(BoundaryFileError) as caught:
        read_la_boundaries(shared_geodata / LA_2023_BSC, code_column="nope")
    message = caught.value.message
    assert message.startswith("No column nope (--code-column) in boundary file Counties_and")
    assert "its columns: FID, CTYUA23CD, CTYUA23NM" in message


def test_a_wrong_regions_file_is_called_the_regions_file(shared_geodata: Path) -> None:
    with pytest.raises(BoundaryFileError) as caught:
        read_region_boundaries(shared_geodata / LA_2023_BSC)
    assert caught.value.message.startswith("No area code column (RGNyyCD) in regions file")
    assert "ONS English regions file" in caught.value.message


def _two_layers(path: Path, second_geometry: shapely.Geometry | None) -> Path:
    las = gpd.GeoDataFrame(
        {"CTYUA23CD": ["E06000001"], "CTYUA23NM": ["Hartlepool"]},
        geometry=[shapely.box(-1.3, 54.6, -1.2, 54.7)],
        crs=WGS84,
    )
    las.to_file(path, layer="ctyua", engine="pyogrio")
    other = gpd.GeoDataFrame({"note": ["x"]}, geometry=[second_geometry], crs=WGS84)
    other.to_file(path, layer="notes", engine="pyogrio", append=True)
    return path


@pytest.mark.filterwarnings("error")
def test_a_geopackage_with_several_layers_asks_for_one(tmp_path: Path) -> None:
    file = _two_layers(tmp_path / "both.gpkg", shapely.box(0, 51, 1, 52))
    with pytest.raises(BoundaryFileError) as caught:
        read_la_boundaries(file)
    assert caught.value.message == (
        "Boundary file both.gpkg has several layers (ctyua, notes); choose one with --layer."
    )
    assert list(read_la_boundaries(file, layer="ctyua")["code"]) == ["E06000001"]
    with pytest.raises(BoundaryFileError, match="No layer nope in boundary file both.gpkg"):
        read_la_boundaries(file, layer="nope")


@pytest.mark.filterwarnings("error")
def test_the_only_polygon_layer_is_taken(tmp_path: Path) -> None:
    file = _two_layers(tmp_path / "with_points.gpkg", shapely.Point(0, 51))
    assert list(read_la_boundaries(file)["code"]) == ["E06000001"]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_crs_option_reads_a_shapefile_without_prj(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"CTYUA23CD": ["E06000001"], "CTYUA23NM": ["Hartlepool"]},
        geometry=[shapely.box(445000, 525000, 455000, 535000)],
        crs=None,
    )
    frame.to_file(tmp_path / "areas.shp", engine="pyogrio")
    with pytest.raises(UnsupportedCRSError, match="--crs EPSG:27700"):
        read_la_boundaries(tmp_path)
    las = read_la_boundaries(tmp_path, crs="EPSG:27700")
    lon, lat = las.geometry.iloc[0].representative_point().coords[0]
    assert -1.4 < lon < -1.1
    assert 54.6 < lat < 54.8
    with pytest.raises(UnsupportedCRSError, match="not a coordinate system"):
        read_la_boundaries(tmp_path, crs="EPSG:999999")
