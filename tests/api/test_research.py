"""Cross-tabs, coverage gaps and context indicators: they agree with /areas and the list."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.schemas.research import CoverageReport, StatsTable
from models.base import utcnow
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas
from models.typology.vocabulary import slugs
from tests.models.test_context import NEET_2025, load_real_context

SEFTON, LIVERPOOL, LEEDS, CAMDEN = "E08000014", "E08000012", "E08000035", "E09000007"
NO_DFE_FIGURES = ("E09000001", "E06000053")


@pytest.fixture(scope="module")
def context_loaded(boundaries: Engine, shared_dir: Path) -> Engine:
    load_real_context(boundaries, shared_dir)
    return boundaries


@pytest.fixture
def api(context_loaded: Engine, geo_client: TestClient) -> TestClient:
    return geo_client


@pytest.fixture
def provision(session: Session) -> list[int]:
    """A few records spanning regions and groups, and two that must never be counted."""
    rows = [
        ("Merseyside care leavers", [SEFTON, LIVERPOOL], "published", ["care_experienced"]),
        ("Leeds and Camden SEND", [LEEDS, CAMDEN], "published", ["send", "neet"]),
        ("Sefton NEET", [SEFTON], "published", ["neet"]),
        ("Camden universal", [CAMDEN], "published", ["universal", "send"]),
        ("Pending", [SEFTON, LEEDS], "submitted", ["care_experienced"]),
        ("Withdrawn", [CAMDEN], "withdrawn", ["neet"]),
    ]
    ids = []
    for name, las, state, groups in rows:
        draft = InterventionDraft.model_validate(
            {
                "name": name,
                "la_codes": las,
                "target_group": groups,
                "transition_point": ["year_11_post_16"],
                "status": "active",
            }
        )
        row = create_intervention(session, draft, ensure_areas(session, las), state=state)
        ids.append(row.id)
    session.commit()
    return [i for i in ids if i is not None]


def _stats(client: TestClient, **params: str) -> StatsTable:
    response = client.get("/api/v1/stats", params=params)
    assert response.status_code == 200, response.text
    return StatsTable.model_validate(response.json())


def _area_counts(client: TestClient, level: str, **params: str) -> dict[str, int]:
    response = client.get("/api/v1/areas", params={"geometry": "none", "level": level, **params})
    assert response.status_code == 200, response.text
    return {
        f["properties"]["code"]: f["properties"]["intervention_count"]
        for f in response.json()["features"]
    }


def _list_total(client: TestClient, **params: str) -> int:
    response = client.get("/api/v1/interventions", params={"limit": 1, **params})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def test_two_way_table_has_every_cell_and_matches_the_map(
    api: TestClient, provision: list[int]
) -> None:
    table = _stats(api, group_by="region,target_group")
    groups = slugs("target_group")
    assert table.cells == len(table.rows) == 9 * len(groups)
    assert {(r["region"], r["target_group"]) for r in table.rows} == {
        (region, group) for region in _area_counts(api, "region") for group in groups
    }
    assert any(r["count"] == 0 for r in table.rows)
    assert table.total == _list_total(api) == 4
    for group in ("care_experienced", "send", "neet", "universal", "young_carers"):
        expected = _area_counts(api, "region", target_group=group)
        got = {r["region"]: r["count"] for r in table.rows if r["target_group"] == group}
        assert got == expected, group
    north_west = {r["target_group"]: r["count"] for r in table.rows if r["region"] == "E12000002"}
    assert north_west["care_experienced"] == 1  # once, though it serves two North West LAs
    assert north_west["neet"] == 1  # the pending and withdrawn records are not counted


@pytest.mark.parametrize("filters", [{}, {"target_group": "send"}, {"funding_source": "esf"}])
def test_one_way_tables_agree_with_areas_and_the_list(
    api: TestClient, provision: list[int], filters: dict[str, str]
) -> None:
    by_la = _stats(api, group_by="la", **filters)
    assert len(by_la.rows) == 153
    assert {r["la"]: r["count"] for r in by_la.rows} == _area_counts(api, "la", **filters)
    by_region = _stats(api, group_by="region", **filters)
    expected = _area_counts(api, "region", **filters)
    assert {r["region"]: r["count"] for r in by_region.rows} == expected
    by_status = _stats(api, group_by="status", **filters)
    assert by_la.total == by_status.total == _list_total(api, **filters)
    assert sum(r["count"] for r in by_status.rows) == by_status.total  # single-valued


@pytest.mark.parametrize(
    "filters", [{"region": "London"}, {"la": "Sefton,E08000035"}, {"lat": "53.8", "lon": "-1.55"}]
)
def test_place_filters_agree_across_stats_coverage_and_the_list(
    api: TestClient, provision: list[int], filters: dict[str, str]
) -> None:
    by_la = _stats(api, group_by="la", **filters)
    coverage = _coverage(api, **filters)
    assert {r["la"]: r["count"] for r in by_la.rows} == {i.code: i.count for i in coverage.items}
    assert by_la.total == _list_total(api, **filters) > 0
    by_region = _stats(api, group_by="region,status", **filters)
    assert by_region.total == by_la.total
    assert sum(r["count"] for r in by_region.rows) >= by_region.total


NORTH_EAST, NORTH_WEST = "E12000001", "E12000002"


def test_coverage_gaps_stay_inside_the_place_filter(api: TestClient, provision: list[int]) -> None:
    north_east = _coverage(api, region="North East", target_group="ehe", gaps_only="true")
    ne_las = {i.code for i in _coverage(api, region="North East").items}
    assert len(ne_las) == 12
    assert {i.code for i in north_east.items} == ne_las  # no provision for ehe at all
    assert north_east.total_las == north_east.gap_las == 12
    assert {i.region_code for i in north_east.items} == {NORTH_EAST}
    merseyside = _coverage(api, la="Sefton,Liverpool,Leeds", target_group="care_experienced")
    assert {i.code: i.count for i in merseyside.items} == {SEFTON: 1, LIVERPOOL: 1, LEEDS: 0}
    assert (merseyside.total_las, merseyside.covered_las, merseyside.gap_las) == (3, 2, 1)
    geojson = api.get(
        "/api/v1/coverage", params={"region": "North East", "format": "geojson"}
    ).json()
    assert len(geojson["features"]) == 12


def test_stats_by_area_stay_inside_the_place_filter(api: TestClient, provision: list[int]) -> None:
    by_la = _stats(api, group_by="la,target_group", la="Sefton")
    assert {r["la"] for r in by_la.rows} == {SEFTON}  # not Liverpool, though a record serves both
    assert by_la.cells == len(slugs("target_group"))
    by_region = _stats(api, group_by="region", la="Sefton,Leeds")
    assert {r["region"]: r["count"] for r in by_region.rows} == {NORTH_WEST: 2, "E12000003": 1}
    london = _stats(api, group_by="la", region="London")
    assert len(london.rows) == 33
    assert sum(r["count"] for r in london.rows) == 2  # both Camden records
    bbox = _stats(api, group_by="la", bbox="-3.1,53.4,-2.9,53.6")
    assert SEFTON in {r["la"] for r in bbox.rows}
    assert len(bbox.rows) < 20


def test_la_by_region_pairs_each_la_with_its_own_region(
    api: TestClient, provision: list[int]
) -> None:
    table = _stats(api, group_by="la,region")
    assert table.cells == len(table.rows) == 153
    assert {r["la"] for r in table.rows} == set(_area_counts(api, "la"))
    sefton = [r for r in table.rows if r["la"] == SEFTON]
    assert [(r["region"], r["count"]) for r in sefton] == [(NORTH_WEST, 2)]
    leeds = next(r for r in _stats(api, group_by="region,la").rows if r["la"] == LEEDS)
    assert (leeds["region"], leeds["count"]) == ("E12000003", 1)


def test_csv_has_the_same_cells(api: TestClient, provision: list[int]) -> None:
    response = api.get("/api/v1/stats", params={"group_by": "target_group,la", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    table = _stats(api, group_by="target_group,la")
    assert len(rows) == table.cells == len(slugs("target_group")) * 153
    assert [(r["target_group"], r["la"], int(r["count"])) for r in rows] == [
        (r["target_group"], r["la"], r["count"]) for r in table.rows
    ]
    sefton = next(r for r in rows if r["la"] == SEFTON and r["target_group"] == "neet")
    assert sefton["la_name"] == "Sefton"
    assert sefton["count"] == "1"


def _sefton_2025(shared_dir: Path, column: str) -> float:
    with (shared_dir / NEET_2025).open(newline="", encoding="utf-8-sig") as file:
        row = next(r for r in csv.DictReader(file) if r["la_name"] == "Sefton")
    return float(row[column])


def test_stats_with_context(api: TestClient, provision: list[int], shared_dir: Path) -> None:
    table = _stats(api, group_by="la,target_group", with_context="true")
    assert table.context_version is not None
    assert table.context_by == "la"
    assert table.context is not None
    assert set(table.context) == {r["la"] for r in table.rows}
    sefton = table.context[SEFTON]
    assert sefton is not None
    assert sefton["neet_pct"]["value"] == _sefton_2025(shared_dir, "NEET_percent")
    assert sefton["neet_pct"]["year"] == "2025"
    city = table.context["E09000001"]
    assert city is not None
    assert city["neet_pct"]["value"] is None
    assert city["neet_pct"]["missing"] == "no_data"
    regions = _stats(api, group_by="target_group,region", with_context="true")
    assert regions.context is not None
    assert len(regions.context) == 9
    response = api.get(
        "/api/v1/stats", params={"group_by": "la", "with_context": "true", "format": "csv"}
    )
    rows = {r["la"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert float(rows[SEFTON]["neet_pct"]) == _sefton_2025(shared_dir, "NEET_percent")
    assert rows["E09000001"]["neet_pct"] == ""
    assert rows["E09000001"]["neet_pct_missing"] == "no_data"
    assert rows[SEFTON]["neet_pct_source"] == sefton["neet_pct"]["source"]
    assert "Indices of Deprivation" in rows[SEFTON]["imd_avg_score_source"]
    # Grouped by region and LA, each row carries its LA's figures, never its region's.
    both = api.get(
        "/api/v1/stats",
        params={"group_by": "region,la", "with_context": "true", "format": "csv"},
    )
    by_la = {r["la"]: r for r in csv.DictReader(io.StringIO(both.text))}
    assert by_la[SEFTON]["neet_pct"] == rows[SEFTON]["neet_pct"]
    assert by_la["E09000001"]["neet_pct_missing"] == "no_data"
    assert _stats(api, group_by="region,la", with_context="true").context_by == "la"


def test_coverage_csv_with_context_cites_each_figure(api: TestClient, provision: list[int]) -> None:
    response = api.get("/api/v1/coverage", params={"with_context": "true", "format": "csv"})
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(response.text))}
    report = _coverage(api, with_context="true")
    sefton = next(i for i in report.items if i.code == SEFTON)
    assert sefton.context is not None
    for indicator in ("neet_pct", "imd_avg_score"):
        assert rows[SEFTON][f"{indicator}_source"] == sefton.context[indicator]["source"]
        assert rows[SEFTON][f"{indicator}_source"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "nonsense"}, "group_by"),
        ({"group_by": "la,region,status"}, "group_by"),
        ({"group_by": "target_group,target_group"}, "group_by"),
        ({}, "group_by"),
        ({"group_by": "region", "format": "xml"}, "format"),
        ({"group_by": "target_group", "with_context": "true"}, "with_context"),
        ({"group_by": "region", "target_group": "pirates"}, "target_group"),
        ({"group_by": "region", "region": "Atlantis"}, "region"),
    ],
)
def test_bad_stats_requests_name_the_field(
    api: TestClient, params: dict[str, str], field: str
) -> None:
    response = api.get("/api/v1/stats", params=params)
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert field in {d["field"] for d in body["details"]}


def _coverage(client: TestClient, **params: str) -> CoverageReport:
    response = client.get("/api/v1/coverage", params=params)
    assert response.status_code == 200, response.text
    return CoverageReport.model_validate(response.json())


def test_coverage_lists_every_la_with_the_map_counts(api: TestClient, provision: list[int]) -> None:
    filters = {"target_group": "care_experienced", "transition_point": "year_11_post_16"}
    report = _coverage(api, **filters)
    expected = _area_counts(api, "la", **filters)
    assert len(report.items) == report.total_las == 153
    assert {i.code: i.count for i in report.items} == expected
    assert report.covered_las == 2  # Sefton and Liverpool; the pending record is not counted
    assert report.gap_las == 151
    gaps = _coverage(api, gaps_only="true", **filters)
    assert len(gaps.items) == 151
    assert all(not i.covered and i.count == 0 for i in gaps.items)
    assert {SEFTON, LIVERPOOL}.isdisjoint(i.code for i in gaps.items)


def test_coverage_as_geojson_and_csv(api: TestClient, provision: list[int]) -> None:
    params = {"target_group": "send", "gaps_only": "true"}
    response = api.get("/api/v1/coverage", params={**params, "format": "geojson"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 151
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in body["features"])
    assert {f["id"] for f in body["features"]}.isdisjoint({LEEDS, CAMDEN})
    assert body["gap_las"] == 151
    response = api.get("/api/v1/coverage", params={**params, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["code"] for r in rows} == {f["id"] for f in body["features"]}


def test_coverage_with_context(api: TestClient, shared_dir: Path) -> None:
    report = _coverage(api, with_context="true")
    sefton = next(i for i in report.items if i.code == SEFTON)
    assert sefton.context is not None
    assert sefton.context["neet_pct"]["value"] == _sefton_2025(shared_dir, "NEET_percent")


def test_every_la_in_the_layer_carries_its_context(api: TestClient, shared_dir: Path) -> None:
    response = api.get("/api/v1/areas", params={"geometry": "none"})
    features = {f["id"]: f["properties"] for f in response.json()["features"]}
    assert len(features) == 153
    assert all(p["context"]["imd_avg_score"]["value"] is not None for p in features.values())
    assert all(p["context"]["imd_avg_score"]["year"] == "2019" for p in features.values())
    sefton = features[SEFTON]["context"]
    assert sefton["neet_pct"]["value"] == _sefton_2025(shared_dir, "NEET_percent")
    assert sefton["not_known_pct"]["value"] == _sefton_2025(shared_dir, "Notknown_percent")
    assert sefton["cohort"]["value"] == _sefton_2025(shared_dir, "Cohort_DJFavg")
    assert sefton["neet_pct"]["source"]
    for code in NO_DFE_FIGURES:
        for indicator in ("neet_pct", "not_known_pct", "neet_or_not_known_pct", "cohort"):
            figure = features[code]["context"][indicator]
            assert figure["value"] is None
            assert figure["missing"] == "no_data"


def test_one_area_carries_its_context(api: TestClient, shared_dir: Path) -> None:
    response = api.get("/api/v1/areas/Sefton", params={"geometry": "none"})
    assert response.status_code == 200
    context = response.json()["properties"]["context"]
    assert context["neet_or_not_known_pct"]["value"] == _sefton_2025(
        shared_dir, "NEET_not_known_percent"
    )
    scilly = api.get("/api/v1/areas/E06000053", params={"geometry": "none"}).json()
    assert scilly["properties"]["context"]["neet_pct"]["missing"] == "no_data"


def test_changes_are_counted_at_once(api: TestClient, session: Session) -> None:
    """The facet cache follows the data: a new record, then an edit, show in the next table."""
    draft = InterventionDraft.model_validate(
        {"name": "Sefton SEND", "la_codes": [SEFTON], "target_group": ["send"]}
    )
    row = create_intervention(session, draft, ensure_areas(session, [SEFTON]), state="published")
    session.commit()

    def cell(group: str) -> int:
        table = _stats(api, group_by="la,target_group", la=SEFTON)
        return next(
            r["count"] for r in table.rows if r["la"] == SEFTON and r["target_group"] == group
        )

    assert (cell("send"), cell("neet")) == (1, 0)
    second = create_intervention(session, draft, ensure_areas(session, [SEFTON]), state="published")
    session.commit()
    assert cell("send") == 2
    for term in row.terms:
        if term.dimension == "target_group":
            term.slug = "neet"
    row.updated_at = utcnow()
    session.add(row)
    session.commit()
    assert (cell("send"), cell("neet")) == (1, 1)
    assert second.id is not None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stats?group_by=region&lat=48.8&lon=2.3",
        "/api/v1/coverage?target_group=care_experienced&lat=48.8&lon=2.3",
    ],
)
def test_csv_answers_carry_the_json_answers_warnings(api: TestClient, path: str) -> None:
    """A point outside England is a warning in JSON; the CSV, which has no place for it,
    carries it in a `Warning` header, as the CSV export does."""
    warnings = api.get(path).json()["warnings"]
    assert warnings
    answer = api.get(f"{path}&format=csv")
    assert answer.status_code == 200
    header = answer.headers["warning"]
    assert header.startswith('299 neetmap "')
    assert header.count("299 neetmap") == len(warnings)
    for warning in warnings:
        assert f'299 neetmap "{warning}"' in header
    plain = api.get(path.replace("&lat=48.8&lon=2.3", "") + "&format=csv")
    assert "warning" not in plain.headers


def test_counts_and_ranks_are_integers_in_every_format(api: TestClient, shared_dir: Path) -> None:
    """A cohort or a rank is a whole number: `2441`, never `2441.0`, in JSON, GeoJSON and CSV."""
    cohort = _sefton_2025(shared_dir, "Cohort_DJFavg")
    assert cohort.is_integer()
    area = api.get("/api/v1/areas/Sefton", params={"geometry": "none"}).json()
    context = area["properties"]["context"]
    assert type(context["cohort"]["value"]) is int
    assert context["cohort"]["value"] == int(cohort)
    assert type(context["imd_rank"]["value"]) is int
    assert type(context["neet_pct"]["value"]) is float  # rates stay as published
    layer = api.get("/api/v1/areas", params={"geometry": "none"}).json()
    ranks = [f["properties"]["context"]["imd_rank"]["value"] for f in layer["features"]]
    assert all(type(rank) is int for rank in ranks)
    stats = api.get(
        "/api/v1/stats", params={"group_by": "la", "with_context": "true", "format": "csv"}
    )
    rows = {r["la"]: r for r in csv.DictReader(io.StringIO(stats.text))}
    assert rows[SEFTON]["cohort"] == str(int(cohort))
    assert rows[SEFTON]["imd_rank"].isdigit()
    coverage = api.get(
        "/api/v1/coverage", params={"with_context": "true", "format": "csv", "la": "Sefton"}
    )
    (row,) = csv.DictReader(io.StringIO(coverage.text))
    assert row["cohort"] == str(int(cohort))
    assert row["imd_rank"].isdigit()
