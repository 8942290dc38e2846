"""Exports: the list's records as CSV, GeoJSON and GeoPackage, versioned and licensed."""

import csv
import io
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from api.routes import exports
from api.schemas.intervention_csv import CSV_COLUMNS, csv_chunks
from models.base import utcnow
from models.engine import create_db_engine
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas
from models.interventions.tables import Intervention

LEEDS, CALDERDALE, SEFTON, CAMDEN = "E08000035", "E08000033", "E08000014", "E09000007"


def _add(
    session: Session, name: str, las: list[str], state: str = "published", **fields: Any
) -> int:
    draft = InterventionDraft.model_validate({"name": name, "la_codes": las, **fields})
    row = create_intervention(session, draft, ensure_areas(session, las), state=state)
    session.commit()
    assert row.id is not None
    return row.id


@pytest.fixture
def records(session: Session) -> list[int]:
    """Seven published records over four LAs (one serving two), and one hidden draft."""
    ids = [
        _add(session, "Leeds and Calderdale", [LEEDS, CALDERDALE], target_group=["send"]),
        _add(session, "Sefton advisers", [SEFTON], target_group=["neet"]),
        _add(session, "Camden mentoring", [CAMDEN], target_group=["send", "neet"]),
    ]
    ids += [_add(session, f"Leeds {n}", [LEEDS], target_group=["at_risk"]) for n in range(4)]
    _add(session, "Hidden draft", [LEEDS], state="submitted", target_group=["send"])
    return ids


def _list_ids(client: TestClient, **params: str) -> list[int]:
    body = client.get("/api/v1/interventions", params={"limit": 500, **params}).json()
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize("params", [{}, {"target_group": "send"}, {"la": "Leeds"}])
def test_csv_export_has_the_lists_records_in_id_order(
    geo_client: TestClient,
    records: list[int],
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, str],
) -> None:
    monkeypatch.setattr(exports, "PAGE_SIZE", 3)  # several pages from a few records
    response = geo_client.get("/api/v1/export", params={"format": "csv", **params})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    ids = [int(row["id"]) for row in rows]
    assert ids == _list_ids(geo_client, **params)
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))


def test_an_export_ignores_sort_and_says_so(
    geo_client: TestClient, records: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sort` belongs to the list; an export stays in id order (its pages are keyed on id),
    and the OpenAPI description says so."""
    monkeypatch.setattr(exports, "PAGE_SIZE", 3)
    response = geo_client.get("/api/v1/export", params={"format": "csv", "sort": "-name"})
    ids = [int(row["id"]) for row in csv.DictReader(io.StringIO(response.text))]
    assert len(ids) > 1
    assert ids == sorted(ids)
    assert _list_ids(geo_client, sort="-name") != ids  # the list does honour it
    described = geo_client.get("/openapi.json").json()["paths"]["/api/v1/export"]["get"]
    assert "always in id order" in described["description"]


def test_csv_is_written_a_page_at_a_time() -> None:
    pages = [[], [], []]
    chunks = list(csv_chunks(pages))
    assert len(chunks) == 4
    assert chunks[0].decode().startswith("id,name,")


def test_csv_sidecar_carries_licence_attribution_and_version(
    client: TestClient, records: list[int]
) -> None:
    response = client.get("/api/v1/export?format=csv&target_group=send&target_group=neet&q=Camden")
    assert [int(r["id"]) for r in csv.DictReader(io.StringIO(response.text))] == [records[2]]
    link = response.headers["link"]
    assert 'rel="describedby"' in link
    sidecar = client.get(link.split(";")[0].strip("<>"))
    assert sidecar.status_code == 200
    assert sidecar.headers["content-type"] == "application/csvm+json"
    meta = sidecar.json()
    assert meta["@context"] == "http://www.w3.org/ns/csvw"
    assert "open-government-licence/version/3" in meta["dc:license"]["@id"]
    assert "Office for National Statistics" in meta["dc:rights"]
    assert meta["url"].endswith("?target_group=send&target_group=neet&q=Camden&format=csv")
    columns = meta["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == list(CSV_COLUMNS)
    assert next(c for c in columns if c["name"] == "target_groups")["separator"] == ";"
    (notes,) = meta["notes"]
    assert notes["dataset_version"] in response.headers["content-disposition"]
    assert notes["dataset_version"].endswith(".typology-1")
    assert notes["licence"] == "Open Government Licence v3.0"


def test_geojson_export_carries_metadata_and_every_record(
    geo_client: TestClient, records: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "PAGE_SIZE", 2)
    response = geo_client.get("/api/v1/export", params={"format": "geojson"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    meta = body["metadata"]
    assert meta["licence"] == "Open Government Licence v3.0"
    assert "Contains OS data" in meta["attribution"]
    assert meta["typology_version"] == "1"
    assert meta["dataset_version"].startswith(
        meta["last_changed_at"].replace("-", "").replace(":", "")
    )
    assert [f["id"] for f in body["features"]] == sorted(records)
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in body["features"])


def test_geopackage_has_interventions_las_with_counts_and_metadata(
    geo_client: TestClient, records: list[int], tmp_path: Path
) -> None:
    response = geo_client.get("/api/v1/export", params={"format": "gpkg", "target_group": "send"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geopackage+sqlite3"
    path = tmp_path / "export.gpkg"
    path.write_bytes(response.content)
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"interventions": "MultiPolygon", "las": "MultiPolygon", "metadata": None}
    interventions = gpd.read_file(path, layer="interventions")
    assert sorted(interventions["id"]) == _list_ids(geo_client, target_group="send")
    assert interventions.crs.to_epsg() == 4326
    assert interventions.geometry.notna().all()
    assert set(CSV_COLUMNS) <= set(interventions.columns)
    las = gpd.read_file(path, layer="las")
    assert len(las) == 153
    counts = dict(zip(las["code"], las["intervention_count"], strict=True))
    assert (counts[LEEDS], counts[CALDERDALE], counts[CAMDEN], counts[SEFTON]) == (1, 1, 1, 0)
    assert sum(counts.values()) == 3
    for layer in (interventions, las):  # both on the 5-decimal grid, as the GeoJSON is
        coords = shapely.get_coordinates(layer.geometry.to_numpy())
        assert np.abs(coords * 1e5 - np.round(coords * 1e5)).max() < 1e-6
    table = gpd.read_file(path, layer="metadata")
    meta = dict(zip(table["key"], table["value"], strict=True))
    assert meta["licence"] == "Open Government Licence v3.0"
    assert "Office for National Statistics" in meta["attribution"]
    assert meta["dataset_version"].endswith(".typology-1")
    assert pyogrio.read_info(path, layer="las")["dataset_metadata"]["LICENCE"] == meta["licence"]


def test_geopackage_without_geometry_has_a_plain_table(
    geo_client: TestClient, records: list[int], tmp_path: Path
) -> None:
    response = geo_client.get("/api/v1/export", params={"format": "gpkg", "geometry": "none"})
    path = tmp_path / "plain.gpkg"
    path.write_bytes(response.content)
    assert dict(pyogrio.list_layers(path))["interventions"] is None
    assert len(gpd.read_file(path, layer="interventions")) == len(records)


def test_same_dataset_same_bytes_and_a_304_without_building_it(
    geo_client: TestClient, session: Session, records: list[int]
) -> None:
    first = geo_client.get("/api/v1/export", params={"format": "gpkg"})
    again = geo_client.get("/api/v1/export", params={"format": "gpkg"})
    assert first.headers["etag"] == again.headers["etag"]
    assert not first.headers["etag"].startswith("W/")
    assert first.content == again.content
    cached = geo_client.get(
        "/api/v1/export",
        params={"format": "gpkg"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert cached.status_code == 304
    assert cached.content == b""
    _add(session, "New since", [SEFTON])
    changed = geo_client.get(
        "/api/v1/export",
        params={"format": "gpkg"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != first.headers["etag"]


def test_drafts_never_show_in_an_export(
    geo_client: TestClient, session: Session, records: list[int]
) -> None:
    params = {"format": "geojson", "geometry": "none"}
    before = geo_client.get("/api/v1/export", params=params).json()
    _add(session, "Later draft", [LEEDS], state="submitted")
    after = geo_client.get("/api/v1/export", params=params)
    assert "draft" not in after.text.lower()
    meta = after.json()["metadata"]
    assert meta["last_changed_at"] == before["metadata"]["last_changed_at"]  # not the draft's
    assert meta["dataset_version"].startswith(meta["last_changed_at"][:4])
    assert after.json()["features"] == before["features"]
    csv_text = geo_client.get("/api/v1/export", params={"format": "csv"}).text
    assert "draft" not in csv_text.lower()
    # Nor in its version: a draft changes nothing public, so caches keep their copies.
    assert meta["dataset_version"] == before["metadata"]["dataset_version"]
    again = geo_client.get("/api/v1/export", params=params)
    assert again.headers["etag"] == after.headers["etag"]


def _version(client: TestClient) -> tuple[str, str, list[int]]:
    response = client.get("/api/v1/export", params={"format": "geojson", "geometry": "none"})
    body = response.json()
    ids = [feature["id"] for feature in body["features"]]
    return response.headers["etag"], body["metadata"]["dataset_version"], ids


def test_a_change_committed_with_an_older_time_still_moves_the_version(
    client: TestClient, session: Session, records: list[int]
) -> None:
    """A writer whose clock is behind (or who committed after a later-stamped writer) still
    changes every public answer at once."""
    etag, label, ids = _version(client)
    assert client.get("/api/v1/interventions").json()["total"] == len(ids)  # facets now kept
    row = session.get(Intervention, records[1])
    assert row is not None
    row.publication_state, row.updated_at = "withdrawn", datetime(2001, 1, 1, tzinfo=UTC)
    session.commit()
    new_etag, new_label, new_ids = _version(client)
    assert new_ids == [i for i in ids if i != records[1]]
    assert (new_label, new_etag) != (label, etag)
    listed = client.get("/api/v1/interventions", params={"limit": 500}).json()
    assert [item["id"] for item in listed["items"]] == new_ids
    assert listed["total"] == len(new_ids)


def test_a_withdrawal_changes_the_dataset_version(
    client: TestClient, session: Session, records: list[int]
) -> None:
    etag, label, ids = _version(client)
    row = session.get(Intervention, records[1])
    assert row is not None
    row.publication_state, row.updated_at = "withdrawn", utcnow()
    session.commit()
    new_etag, new_label, new_ids = _version(client)
    assert new_ids == [i for i in ids if i != records[1]]
    assert new_label != label
    assert new_etag != etag
    stale = client.get("/api/v1/export", params={"format": "csv"}, headers={"If-None-Match": etag})
    assert stale.status_code == 200


def test_a_back_dated_bulk_load_changes_the_dataset_version(
    client: TestClient, session: Session, records: list[int]
) -> None:
    etag, label, _ = _version(client)
    loaded = _add(session, "Loaded from an old file", [SEFTON])
    row = session.get(Intervention, loaded)
    assert row is not None
    row.updated_at = datetime(2020, 1, 1, tzinfo=UTC)
    session.commit()
    new_etag, new_label, ids = _version(client)
    assert loaded in ids
    assert new_label != label
    assert new_etag != etag


def test_superseded_code_warnings_travel_with_every_format(
    geo_client: TestClient, records: list[int], tmp_path: Path
) -> None:
    params = {"la": "E10000023"}  # North Yorkshire's code before 2023
    csv_response = geo_client.get("/api/v1/export", params={"format": "csv", **params})
    assert csv_response.status_code == 200
    assert "E10000023" in csv_response.headers["warning"]
    assert csv_response.headers["warning"].startswith('299 neetmap "')
    sidecar = geo_client.get(csv_response.headers["link"].split(";")[0].strip("<>")).json()
    (warning,) = sidecar["notes"][0]["warnings"]
    assert "E10000023" in warning
    geojson = geo_client.get("/api/v1/export", params={"format": "geojson", **params}).json()
    assert geojson["warnings"] == geojson["metadata"]["warnings"] == [warning]
    path = tmp_path / "warned.gpkg"
    path.write_bytes(geo_client.get("/api/v1/export", params={"format": "gpkg", **params}).content)
    table = gpd.read_file(path, layer="metadata")
    assert dict(zip(table["key"], table["value"], strict=True))["warnings"] == warning
    listed = geo_client.get("/api/v1/interventions", params={"format": "csv", **params})
    assert "E10000023" in listed.headers["warning"]


def test_export_rows_equal_the_lists_rows(
    geo_client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export reads plain rows, the list ORM objects: the same records, the same bytes."""
    _add(
        session,
        "Everything set",
        [LEEDS, CALDERDALE],
        description='Commas, "quotes"\nand lines',
        provider="=Provider",
        website="https://example.org",
        contact_email="team@example.org",
        age_min=14,
        age_max=18,
        target_group=["send", "care_experienced", "neet"],
        funding_source=["ukspf", "esf"],
        transition_point=["year_11_post_16", "age_18"],
        intervention_type=["mentoring"],
        delivery_model=["commissioned"],
        evidence_level=["evaluation"],
        status="ended",
        start_date="2021-09-01",
        end_date="2023-07-31",
        outcome_measures=["NEET rate"],
        source={"document": "Doc", "quote": "A sentence.", "url": "https://example.org/s"},
        venues=[
            {"name": "B hub", "lat": 53.8, "lon": -1.5},
            {"name": None, "lat": 53.7, "lon": -1.9},
        ],
    )
    _add(session, "Bare", [SEFTON])
    monkeypatch.setattr(exports, "PAGE_SIZE", 1)
    exported = geo_client.get("/api/v1/export", params={"format": "csv"}).text
    listed = geo_client.get("/api/v1/interventions", params={"format": "csv"}).text
    assert exported == listed
    for geometry in ("areas", "venues"):
        params = {"format": "geojson", "geometry": geometry}
        export_features = geo_client.get("/api/v1/export", params=params).json()["features"]
        list_features = geo_client.get("/api/v1/interventions", params=params).json()["features"]
        assert export_features == list_features


def test_geopackage_counts_and_records_come_from_one_snapshot(
    geo_client: TestClient, records: list[int], tmp_path: Path
) -> None:
    """A record published while a GeoPackage is built is in neither layer or in both."""
    app_engine: Engine = geo_client.app.state.engine  # type: ignore[attr-defined]
    writer = create_db_engine(app_engine.url.render_as_string(hide_password=False))
    published: list[int] = []

    def publish_after_the_counts(_c: object, _cur: object, statement: str, *_: object) -> None:
        if not published and "GROUP BY" in statement:
            with Session(writer) as other:
                published.append(_add(other, "Published meanwhile", [LEEDS]))

    event.listen(app_engine, "after_cursor_execute", publish_after_the_counts)
    try:
        response = geo_client.get("/api/v1/export", params={"format": "gpkg"})
    finally:
        event.remove(app_engine, "after_cursor_execute", publish_after_the_counts)
        writer.dispose()
    assert published
    path = tmp_path / "snapshot.gpkg"
    path.write_bytes(response.content)
    interventions = gpd.read_file(path, layer="interventions")
    las = gpd.read_file(path, layer="las")
    counts = dict(zip(las["code"], las["intervention_count"], strict=True))
    assert counts[LEEDS] == interventions["la_codes"].str.contains(LEEDS).sum()


def test_an_empty_export_is_still_a_valid_file(geo_client: TestClient, tmp_path: Path) -> None:
    csv_text = geo_client.get("/api/v1/export", params={"format": "csv"}).text
    assert csv_text.splitlines() == [",".join(CSV_COLUMNS)]
    body = geo_client.get("/api/v1/export", params={"format": "geojson"}).json()
    assert body["features"] == []
    assert body["metadata"]["dataset_version"].startswith("empty.")
    assert body["metadata"]["dataset_version"].endswith(".typology-1")
    path = tmp_path / "empty.gpkg"
    path.write_bytes(geo_client.get("/api/v1/export", params={"format": "gpkg"}).content)
    assert len(gpd.read_file(path, layer="interventions")) == 0
    assert len(gpd.read_file(path, layer="las")) == 153


@pytest.mark.parametrize(
    ("params", "field"),
    [({"format": "xlsx"}, "format"), ({"target_group": "nobody"}, "target_group")],
)
def test_bad_export_parameters_are_422_naming_them(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/export", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == field


def test_geopackage_header_does_not_count_the_writes_that_made_it(
    geo_client: TestClient, records: list[int], tmp_path: Path
) -> None:
    """The SQLite change counter counted GDAL's transactions: the same data, other bytes."""
    content = geo_client.get("/api/v1/export", params={"format": "gpkg"}).content
    one = (1).to_bytes(4, "big")
    assert content[24:28] == content[92:96] == one
    path = tmp_path / "settled.gpkg"
    path.write_bytes(content)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(pyogrio.read_dataframe(path, layer="interventions")) == len(records)
