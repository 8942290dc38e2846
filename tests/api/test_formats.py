"""The list in its three formats: JSON pages, GeoJSON Features and CSV rows."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import shape
from sqlmodel import Session

from api.main import create_app
from api.migrations import upgrade
from api.schemas.interventions import InterventionPage
from api.settings import Settings
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas
from tests.conftest import discard_database, empty_database_url

LEEDS, CALDERDALE, SEFTON = "E08000035", "E08000033", "E08000014"
#: The partner CSV import's columns (issue 5), in its order, after the record id.
IMPORT_COLUMNS = [
    "id",
    "name",
    "description",
    "provider",
    "la_codes",
    "age_min",
    "age_max",
    "age_bands",
    "target_groups",
    "funding_sources",
    "transition_points",
    "intervention_types",
    "delivery_model",
    "evidence_level",
    "status",
    "start_date",
    "end_date",
    "website",
    "contact_email",
    "source_url",
]


def _add(
    session: Session, name: str, las: list[str], state: str = "published", **fields: Any
) -> int:
    draft = InterventionDraft.model_validate({"name": name, "la_codes": las, **fields})
    row = create_intervention(session, draft, ensure_areas(session, las), state=state)
    session.commit()
    assert row.id is not None
    return row.id


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def two_records(session: Session) -> dict[str, int]:
    return {
        "both": _add(
            session,
            "Leeds and Calderdale mentoring",
            [LEEDS, CALDERDALE],
            target_group=["send", "care_experienced"],
            funding_source=["ukspf"],
            age_min=16,
            age_max=18,
            start_date="2024-09-01",
            source={"url": "https://example.org/source"},
        ),
        "sefton": _add(
            session,
            '=HYPERLINK("http://evil.example")',
            [SEFTON],
            description='Sefton, with a comma and a "quote"\nand a new line',
            venues=[{"name": "Hub", "lat": 53.48, "lon": -2.99}],
        ),
        "hidden": _add(session, "Hidden draft", [SEFTON], state="submitted"),
    }


def test_csv_has_the_import_columns_and_one_row_per_published_record(
    client: TestClient, two_records: dict[str, int]
) -> None:
    response = client.get("/api/v1/interventions", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines()[0].split(",") == IMPORT_COLUMNS
    rows = {int(row["id"]): row for row in _rows(response.text)}
    assert set(rows) == {two_records["both"], two_records["sefton"]}
    both = rows[two_records["both"]]
    assert both["la_codes"] == f"{CALDERDALE};{LEEDS}"
    assert both["target_groups"] == "care_experienced;send"
    assert both["age_bands"] == "16_18;18_plus"
    assert (both["age_min"], both["age_max"], both["start_date"]) == ("16", "18", "2024-09-01")
    assert both["source_url"] == "https://example.org/source"
    assert both["status"] == "active"
    assert both["end_date"] == ""
    sefton = rows[two_records["sefton"]]
    assert sefton["description"] == 'Sefton, with a comma and a "quote"\nand a new line'


def test_csv_cells_cannot_run_as_spreadsheet_formulas(
    client: TestClient, two_records: dict[str, int]
) -> None:
    rows = _rows(client.get("/api/v1/interventions", params={"format": "csv"}).text)
    sefton = next(r for r in rows if int(r["id"]) == two_records["sefton"])
    assert sefton["name"] == '\'=HYPERLINK("http://evil.example")'


def test_csv_pages_like_the_json_list(client: TestClient, two_records: dict[str, int]) -> None:
    first = client.get("/api/v1/interventions", params={"format": "csv", "limit": 1})
    assert [int(r["id"]) for r in _rows(first.text)] == [two_records["both"]]
    assert first.headers["x-total-count"] == "2"
    assert 'rel="next"' in first.headers["link"]
    next_url = first.headers["link"].split(";")[0].strip("<>")
    second = client.get(next_url)
    assert second.headers["content-type"].startswith("text/csv")
    assert [int(r["id"]) for r in _rows(second.text)] == [two_records["sefton"]]
    assert 'rel="prev"' in second.headers["link"]
    assert 'rel="next"' not in second.headers["link"]


def test_json_stays_the_default_with_link_headers(
    client: TestClient, two_records: dict[str, int]
) -> None:
    response = client.get("/api/v1/interventions", params={"limit": 1})
    assert response.headers["content-type"] == "application/json"
    page = InterventionPage.model_validate(response.json())
    assert page.total == 2
    assert response.headers["link"] == f'<{page.links.next}>; rel="next"'


def test_geojson_has_one_feature_per_record_shaped_like_its_las(
    geo_client: TestClient, two_records: dict[str, int]
) -> None:
    response = geo_client.get("/api/v1/interventions", params={"format": "geojson"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (2, 2)
    assert "Office for National Statistics" in body["attribution"]
    by_id = {f["id"]: f for f in body["features"]}
    assert set(by_id) == {two_records["both"], two_records["sefton"]}
    both = by_id[two_records["both"]]
    assert both["properties"]["target_group"] == ["care_experienced", "send"]
    union = shape(both["geometry"])
    assert union.geom_type == "MultiPolygon"
    assert union.is_valid
    las = {
        code: shape(geo_client.get(f"/api/v1/areas/{code}").json()["geometry"])
        for code in (LEEDS, CALDERDALE, SEFTON)
    }
    expected = shapely.union_all([las[LEEDS], las[CALDERDALE]])
    assert union.symmetric_difference(expected).area < 0.02 * expected.area
    assert union.contains(las[LEEDS].representative_point())
    assert union.contains(las[CALDERDALE].representative_point())
    assert not union.contains(las[SEFTON].representative_point())


def test_geojson_geometry_can_be_venues_or_none(
    geo_client: TestClient, two_records: dict[str, int]
) -> None:
    venues = geo_client.get(
        "/api/v1/interventions", params={"format": "geojson", "geometry": "venues"}
    ).json()
    by_id = {f["id"]: f["geometry"] for f in venues["features"]}
    assert by_id[two_records["both"]] is None
    assert by_id[two_records["sefton"]] == {"type": "MultiPoint", "coordinates": [[-2.99, 53.48]]}
    none = geo_client.get(
        "/api/v1/interventions", params={"format": "geojson", "geometry": "none"}
    ).json()
    assert [f["geometry"] for f in none["features"]] == [None, None]


def test_geojson_pages_carry_ogc_links(geo_client: TestClient, two_records: dict[str, int]) -> None:
    body = geo_client.get(
        "/api/v1/interventions", params={"format": "geojson", "limit": 1, "geometry": "none"}
    ).json()
    assert body["numberReturned"] == 1
    (link,) = body["links"]
    assert link["rel"] == "next"
    assert "offset=1" in link["href"]
    assert "format=geojson" in link["href"]


def test_geojson_without_boundaries_says_why_geometry_is_null(backend: str, tmp_path: Path) -> None:
    url = empty_database_url(backend, tmp_path)
    try:
        upgrade(url)
        with TestClient(create_app(Settings(database_url=url))) as client:
            from models.engine import create_db_engine

            engine = create_db_engine(url)
            with Session(engine) as session:
                _add(session, "Somewhere", [LEEDS])
            engine.dispose()
            body = client.get("/api/v1/interventions", params={"format": "geojson"}).json()
        assert [f["geometry"] for f in body["features"]] == [None]
        assert any("boundaries" in w for w in body["warnings"])
    finally:
        discard_database(url)


@pytest.mark.parametrize(("name", "value"), [("format", "xml"), ("geometry", "full")])
def test_unknown_format_or_geometry_is_a_422_naming_it(
    client: TestClient, name: str, value: str
) -> None:
    response = client.get("/api/v1/interventions", params={name: value})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == name


def _polygons_are_rfc7946(geometry: dict[str, Any] | None) -> None:
    if geometry is None or geometry["type"] not in {"Polygon", "MultiPolygon"}:
        return
    geom = shape(geometry)
    assert geom.is_valid
    for polygon in getattr(geom, "geoms", [geom]):
        assert shapely.is_ccw(polygon.exterior)
        assert not any(shapely.is_ccw(ring) for ring in polygon.interiors)


@pytest.mark.parametrize(
    ("path", "params", "decimals"),
    [
        ("/api/v1/areas", {"level": "la"}, 5),
        ("/api/v1/areas", {"level": "la", "geometry": "simplified", "precision": "3"}, 3),
        ("/api/v1/areas", {"level": "region", "precision": "2"}, 2),
        ("/api/v1/areas", {"level": "la", "precision": "1"}, 1),
        ("/api/v1/areas/E08000035", {"precision": "4"}, 4),
        ("/api/v1/areas/E12000003", {"geometry": "simplified", "precision": "6"}, 6),
        ("/api/v1/interventions", {"format": "geojson"}, 5),
        ("/api/v1/interventions", {"format": "geojson", "geometry": "venues"}, 6),
        ("/api/v1/coverage", {"format": "geojson", "precision": "3"}, 3),
        ("/api/v1/export", {"format": "geojson"}, 5),
    ],
)
def test_every_geojson_coordinate_has_at_most_the_decimals_asked_for(
    geo_client: TestClient,
    two_records: dict[str, int],
    path: str,
    params: dict[str, str],
    decimals: int,
) -> None:
    response = geo_client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    features = body.get("features", [body])
    assert features
    # Read the numbers as written, not as Python floats re-printed.
    raw = json.loads(response.text, parse_float=lambda text: text)
    written = raw.get("features", [raw])
    for feature, as_text in zip(features, written, strict=True):
        _polygons_are_rfc7946(feature["geometry"])
        numbers = [
            *_leaves((as_text.get("geometry") or {}).get("coordinates")),
            *_leaves(as_text.get("bbox")),
        ]
        too_long = [
            n for n in numbers if isinstance(n, str) and len(n.partition(".")[2]) > decimals
        ]
        assert too_long == [], feature["id"]
    if path == "/api/v1/areas" and params["level"] == "la" and decimals == 1:
        # LAs smaller than the 11 km grid have no shape left at 1 decimal: null, not an error.
        nulls = {f["id"] for f in features if f["geometry"] is None}
        assert "E09000001" in nulls
        assert len(nulls) < len(features) / 4


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [] if value is None else [value]


def test_one_intervention_as_a_feature_matches_its_feature_in_the_list(
    geo_client: TestClient, two_records: dict[str, int]
) -> None:
    listed = geo_client.get("/api/v1/interventions", params={"format": "geojson"}).json()
    for record in ("both", "sefton"):
        url = f"/api/v1/interventions/{two_records[record]}"
        for geometry in ("areas", "venues", "none"):
            one = geo_client.get(url, params={"format": "geojson", "geometry": geometry})
            assert one.status_code == 200, one.text
            assert one.headers["content-type"].startswith("application/geo+json")
            body = one.json()
            assert body["type"] == "Feature"
            in_list = geo_client.get(
                "/api/v1/interventions", params={"format": "geojson", "geometry": geometry}
            ).json()
            wanted = next(f for f in in_list["features"] if f["id"] == two_records[record])
            assert (body["geometry"], body["properties"]) == (
                wanted["geometry"],
                wanted["properties"],
            )
        assert geo_client.get(url).json() == next(
            f["properties"] for f in listed["features"] if f["id"] == two_records[record]
        )
    hidden = f"/api/v1/interventions/{two_records['hidden']}"
    assert geo_client.get(hidden, params={"format": "geojson"}).status_code == 404
