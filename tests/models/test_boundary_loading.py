"""Loading real ONS boundaries into fresh databases, on SQLite and PostgreSQL/PostGIS."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.migrations import upgrade
from geodata.completeness import PartialBoundariesError
from geodata.crs import WGS84
from geodata.dfe_codes import load_dfe_la_codes
from geodata.errors import BoundaryFileError, UnsupportedCRSError
from geodata.io import read_la_boundaries, read_region_boundaries
from geodata.regions import RegionError
from models.engine import create_db_engine
from models.freshness.caches import CatalogueCache
from models.geography.area import LEVEL_LA, LEVEL_REGION, Area
from models.geography.boundary import BoundaryLoad, DfeLACode
from models.geography.catalogue import boundary_version
from models.intake.bulk_insert import insert_submissions
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import ensure_areas
from models.interventions.tables import Intervention, InterventionArea
from models.partners.record_versions import Actor, draft_of, snapshot_of
from models.partners.submissions import history, read_head
from models.vintages.loading import read_boundary_inputs, replace_boundaries
from tests.conftest import discard_database, empty_database_url

LA_2023 = "geodata/boundaries/ctyua_2023_buc/CTYUA_MAY_2023_UK_BUC.shp"
LA_2021 = "geodata/boundaries/ctyua_2021_buc/CTYUA_DEC_2021_UK_BUC.shp"
REGIONS = "geodata/boundaries/regions_2023_buc/Regions_December_2023_Boundaries_EN_BUC.geojson"
DFE_LAS = "geodata/lookups/dfe_las.csv"


@pytest.fixture
def fresh(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A new database built by the migrations, dropped after the test."""
    url = empty_database_url(backend, tmp_path)
    upgrade(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()
    discard_database(url)


@pytest.fixture(scope="module")
def las_2023(shared_dir: Path) -> gpd.GeoDataFrame:
    return read_la_boundaries(shared_dir / LA_2023)


@pytest.fixture(scope="module")
def las_2021(shared_dir: Path) -> gpd.GeoDataFrame:
    return read_la_boundaries(shared_dir / LA_2021)


def _load(engine: Engine, las: gpd.GeoDataFrame, **options: object) -> BoundaryLoad:
    with Session(engine, expire_on_commit=False) as session:
        load = replace_boundaries(
            session,
            las,
            vintage=las.attrs["vintage"],
            source="test",
            **options,  # type: ignore[arg-type]
        )
        session.commit()
    return load


def _areas(engine: Engine, level: str) -> dict[str, Area]:
    with Session(engine) as session:
        rows = session.exec(select(Area).where(Area.level == level)).all()
        return {area.code: area for area in rows}


def _links(engine: Engine, intervention_id: int) -> set[str]:
    with Session(engine) as session:
        query = select(InterventionArea.area_code).where(
            col(InterventionArea.intervention_id) == intervention_id
        )
        return set(session.exec(query).all())


def _intervention(engine: Engine, *codes: str) -> int:
    """A published intervention serving `codes`, with bare area rows where none exist yet."""
    with Session(engine) as session:
        intervention = Intervention(name="Test provision", publication_state="published")
        intervention.areas = ensure_areas(session, codes)
        session.add(intervention)
        session.commit()
        assert intervention.id is not None
        return intervention.id


def test_may_2023_file_gives_153_las_in_9_dissolved_regions(
    fresh: Engine, las_2023: gpd.GeoDataFrame
) -> None:
    with Session(fresh) as session:
        assert boundary_version(session) is None
        assert boundary_version(session) is None
    load = _load(fresh, las_2023)
    las, regions = _areas(fresh, LEVEL_LA), _areas(fresh, LEVEL_REGION)
    assert (load.la_count, load.region_count, load.regions_from, load.vintage) == (
        153, 9, "dissolved", "2023",
    )  # fmt: skip
    assert len(las) == 153
    assert len(regions) == 9
    assert Counter(area.type for area in las.values()) == {
        "unitary": 63, "metropolitan": 36, "london_borough": 33, "county": 21,
    }  # fmt: skip
    assert {area.region_code for area in las.values()} == set(regions)
    camden = las["E09000007"]
    assert (camden.name, camden.region_code, camden.vintage) == ("Camden", "E12000007", "2023")
    assert regions["E12000007"].name == "London"
    assert regions["E12000007"].region_code is None
    assert regions["E12000007"].type == "region"
    for area in [*las.values(), *regions.values()]:
        assert isinstance(area.geom, MultiPolygon)
        assert area.geom.is_valid
        assert isinstance(area.geom_simplified, MultiPolygon)
        assert area.geom_simplified.is_valid
        assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == area.geom.bounds
    # Neighbours were simplified together: their borders still meet, without gaps or overlaps.
    for level in (las, regions):
        simplified = np.asarray([area.geom_simplified for area in level.values()], dtype=object)
        assert shapely.coverage_is_valid(simplified)
    assert regions["E12000007"].geom.contains(shapely.Point(-0.1357, 51.5390))  # Camden Town
    with Session(fresh) as session:
        assert boundary_version(session) is not None
        assert boundary_version(session) == load.id


def test_regions_come_from_the_regions_file(fresh: Engine, shared_dir: Path) -> None:
    inputs = read_boundary_inputs(shared_dir / LA_2023, regions=shared_dir / REGIONS)
    assert inputs.regions is not None
    # The regions file outranks a list that places Camden elsewhere.
    wrong = {"E09000007": "E12000008"}
    load = _load(fresh, inputs.las, regions=inputs.regions, dfe_regions=wrong)
    assert (load.regions_from, load.region_count) == ("file", 9)
    regions = _areas(fresh, LEVEL_REGION)
    from_file = read_region_boundaries(shared_dir / REGIONS).set_index("code")
    for code, area in regions.items():
        assert area.name == from_file.loc[code, "name"]
        assert shapely.equals_exact(area.geom, from_file.loc[code, "geometry"], tolerance=0)
    assert _areas(fresh, LEVEL_LA)["E09000007"].region_code == "E12000007"


def test_december_2021_file_repairs_hampshire(fresh: Engine, las_2021: gpd.GeoDataFrame) -> None:
    load = _load(fresh, las_2021)
    las = _areas(fresh, LEVEL_LA)
    assert load.la_count == len(las) == 152
    hampshire = las["E10000014"]
    assert hampshire.geom.is_valid
    assert hampshire.geom.area > 0.1
    assert (hampshire.region_code, hampshire.vintage) == ("E12000008", "2021")
    assert las["E10000006"].name == "Cumbria"


def test_new_vintage_moves_interventions_to_successors(
    fresh: Engine, las_2021: gpd.GeoDataFrame, las_2023: gpd.GeoDataFrame
) -> None:
    _load(fresh, las_2021)
    cumbria = _intervention(fresh, "E10000006")
    # Already serving one successor (a bare row until 2023 boundaries arrive): no duplicate.
    both = _intervention(fresh, "E10000006", "E06000063")
    typo = _intervention(fresh, "E06000999")
    _load(fresh, las_2023)
    assert _links(fresh, cumbria) == _links(fresh, both) == {"E06000063", "E06000064"}
    las = _areas(fresh, LEVEL_LA)
    assert "E10000006" not in las
    assert las["E06000063"].geom is not None
    # Nothing succeeds a code history does not know: its row stays, without boundaries.
    assert _links(fresh, typo) == {"E06000999"}
    assert las["E06000999"].geom is None
    assert las["E06000999"].vintage is None
    # And back: with 2021 boundaries again, the successors map to the county they came from.
    _load(fresh, las_2021)
    assert _links(fresh, cumbria) == {"E10000006"}


def test_seeded_bare_areas_are_filled_in(fresh: Engine, las_2023: gpd.GeoDataFrame) -> None:
    intervention = _intervention(fresh, "E09000007")
    assert _areas(fresh, LEVEL_LA)["E09000007"].name == "E09000007"
    _load(fresh, las_2023)
    camden = _areas(fresh, LEVEL_LA)["E09000007"]
    assert camden.name == "Camden"
    assert camden.geom is not None
    assert _links(fresh, intervention) == {"E09000007"}


def _write_tiny(tmp_path: Path, name: str, properties: dict[str, str], crs: str | None) -> Path:
    frame = gpd.GeoDataFrame([properties], geometry=[shapely.box(0, 51, 0.1, 51.1)], crs=crs)
    path = tmp_path / name
    frame.to_file(path)
    return path


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_bad_files_raise_and_leave_boundaries_untouched(
    fresh: Engine, las_2023: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    first = _load(fresh, las_2023)
    no_code = _write_tiny(tmp_path, "no_code.geojson", {"label": "x"}, WGS84)
    no_crs = _write_tiny(tmp_path, "no_crs.shp", {"CTYUA23CD": "E09000007", "CTYUA23NM": "C"}, None)
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    cases = [
        (no_code, BoundaryFileError, "No area code column"),
        (no_crs, UnsupportedCRSError, "declares no coordinate system"),
        (empty, BoundaryFileError, "no features"),
    ]
    for path, error, message in cases:
        with pytest.raises(error, match=message):
            read_boundary_inputs(path)
    # A file that reads but cannot be placed in regions fails inside replace_boundaries,
    # before its first statement.
    unknown = read_la_boundaries(
        _write_tiny(tmp_path, "new.geojson", {"CTYUA23CD": "E06000999", "CTYUA23NM": "N"}, WGS84)
    )
    with Session(fresh) as session, pytest.raises(RegionError, match="E06000999"):
        replace_boundaries(session, unknown, vintage="2023", source="test", allow_partial=True)
    las = _areas(fresh, LEVEL_LA)
    assert len(las) == 153
    assert all(area.geom is not None for area in las.values())
    with Session(fresh) as session:
        assert boundary_version(session) == first.id
        assert len(session.exec(select(BoundaryLoad)).all()) == 1


def test_dfe_codes_are_replaced_only_when_given(
    fresh: Engine, las_2023: gpd.GeoDataFrame, shared_dir: Path
) -> None:
    dfe_codes = load_dfe_la_codes(shared_dir / DFE_LAS)
    _load(fresh, las_2023, dfe_codes=dfe_codes)
    _load(fresh, las_2023)
    with Session(fresh) as session:
        stored = {row.code: row.gss_code for row in session.exec(select(DfeLACode)).all()}
    assert stored == dfe_codes
    assert stored["202"] == "E09000007"
    _load(fresh, las_2023, dfe_codes={"202": "E09000007"})
    with Session(fresh) as session:
        assert [(r.code, r.gss_code) for r in session.exec(select(DfeLACode)).all()] == [
            ("202", "E09000007")
        ]


def test_loading_twice_gives_the_same_areas_and_a_new_version(
    fresh: Engine, las_2023: gpd.GeoDataFrame
) -> None:
    def snapshot() -> dict[str, tuple[object, ...]]:
        return {
            code: (a.name, a.type, a.region_code, a.vintage, a.geom.wkb)
            for code, a in _areas(fresh, LEVEL_LA).items()
        }

    first = _load(fresh, las_2023)
    before = snapshot()
    second = _load(fresh, las_2023)
    assert snapshot() == before
    assert second.id is not None
    assert first.id is not None
    assert second.id > first.id
    with Session(fresh) as session:
        assert boundary_version(session) == second.id


def test_a_partial_file_does_not_replace_the_national_set(
    fresh: Engine, las_2023: gpd.GeoDataFrame
) -> None:
    twenty = las_2023[las_2023["code"].str.startswith("E09")].head(20)
    with Session(fresh) as session, pytest.raises(PartialBoundariesError) as caught:
        replace_boundaries(session, twenty, vintage="2023", source="test")
    assert "has only 20 English upper-tier LAs" in caught.value.message
    assert "--allow-partial" in caught.value.message
    first = _load(fresh, las_2023)
    without_kent = las_2023[las_2023["code"] != "E10000016"]
    with Session(fresh) as session, pytest.raises(PartialBoundariesError) as caught:
        replace_boundaries(session, without_kent, vintage="2023", source="test")
    assert "lacks 1 LAs the loaded boundaries have (E10000016 Kent)" in caught.value.message
    with Session(fresh) as session:
        assert boundary_version(session) == first.id
    partial = _load(fresh, without_kent, allow_partial=True)
    assert partial.la_count == 152


def test_a_reorganisation_is_not_a_partial_file(
    fresh: Engine, las_2021: gpd.GeoDataFrame, las_2023: gpd.GeoDataFrame
) -> None:
    # Cumbria, North Yorkshire and Somerset go, but their successors come: no refusal.
    _load(fresh, las_2021)
    assert _load(fresh, las_2023).la_count == 153
    assert _load(fresh, las_2021).la_count == 152


def _history(engine: Engine, intervention_id: int) -> list[tuple[str, list[str], list[str]]]:
    """(action, LA codes, changed fields) of each version, oldest first; all serialisable."""
    from api.services.submissions import version_public

    with Session(engine) as session:
        versions = history(session, intervention_id)
        public = [version_public(version) for version in versions]
        return [(v.action, v.snapshot["la_codes"], v.changed) for v in public]


def _live_matches_latest_version(engine: Engine, intervention_id: int) -> bool:
    with Session(engine) as session:
        row = session.get(Intervention, intervention_id)
        assert row is not None
        latest = history(session, intervention_id)[-1]
        head = read_head(session, intervention_id)
        return head.version == latest.number and latest.snapshot == snapshot_of(draft_of(row))


def test_a_round_trip_of_vintages_brings_records_back_on_the_record(
    fresh: Engine, las_2021: gpd.GeoDataFrame, las_2023: gpd.GeoDataFrame
) -> None:
    _load(fresh, las_2023)
    seeded = _intervention(fresh, "E06000063")  # loaded without history, like the seed
    with Session(fresh) as session:
        draft = InterventionDraft(name="Cumberland mentoring", la_codes=["E06000063"])
        (submitted,) = insert_submissions(session, [draft], Actor(None, "Cumberland team"))
        session.commit()

    _load(fresh, las_2021)
    for record in (seeded, submitted):
        assert _links(fresh, record) == {"E10000006"}
        assert _live_matches_latest_version(fresh, record)
    county = _intervention(fresh, "E10000006")  # named the county itself

    _load(fresh, las_2023)
    # Back to what each record was submitted with, not spread over Westmorland and Furness.
    for record in (seeded, submitted):
        assert _links(fresh, record) == {"E06000063"}
        assert _live_matches_latest_version(fresh, record)
    assert _links(fresh, county) == {"E06000063", "E06000064"}
    assert _live_matches_latest_version(fresh, county)
    moved = [
        ("boundaries", ["E10000006"], ["la_codes"]),
        ("boundaries", ["E06000063"], ["la_codes"]),
    ]
    assert _history(fresh, seeded) == [("baseline", ["E06000063"], []), *moved]
    assert _history(fresh, submitted)[0][:2] == ("created", ["E06000063"])
    assert _history(fresh, submitted)[1:] == moved
    assert _history(fresh, county) == [
        ("baseline", ["E10000006"], []),
        ("boundaries", ["E06000063", "E06000064"], ["la_codes"]),
    ]
    with Session(fresh) as session:
        versions = history(session, seeded)
        assert {(v.key_name, v.state) for v in versions[1:]} == {("neetmap", "published")}


def test_a_reload_of_the_same_vintage_writes_no_history(
    fresh: Engine, las_2023: gpd.GeoDataFrame
) -> None:
    _load(fresh, las_2023)
    record = _intervention(fresh, "E06000063")
    _load(fresh, las_2023)
    with Session(fresh) as session:
        assert list(history(session, record)) == []


def test_the_catalogue_follows_a_reload_at_once(
    fresh: Engine, las_2023: gpd.GeoDataFrame, las_2021: gpd.GeoDataFrame
) -> None:
    """A worker's catalogue answers from the new boundaries on the very next request."""
    cache = CatalogueCache()
    _load(fresh, las_2023)
    with Session(fresh) as session:
        assert "E06000063" in cache.get(session).las  # Cumberland, 2023
    _load(fresh, las_2021)
    with Session(fresh) as session:
        current = cache.get(session)
        assert "E06000063" not in current.las
        assert "E10000006" in current.las  # Cumbria, 2021
        assert current.version == boundary_version(session)
