"""Paged download from an ArcGIS FeatureServer, against a real HTTP server on localhost."""

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from geodata.ons import (
    ONS_CTYUA_LAYERS,
    DownloadError,
    cache_path,
    download_layer,
    object_id_field,
)
from tests.arcgis_server import FakeArcGIS, serve_arcgis

BSC_2023 = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "geodata"
    / "boundaries"
    / "ctyua_2023_bsc"
    / "Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC.geojson"
)


@pytest.fixture(scope="module")
def bsc_features() -> list[dict[str, Any]]:
    """The 218 real CTYUA December 2023 features, read by path from the shared folder."""
    if not BSC_2023.is_file():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"shared CTYUA 2023 BSC GeoJSON not found at {BSC_2023}")
        pytest.skip(f"shared CTYUA 2023 BSC GeoJSON not found at {BSC_2023}")
    features: list[dict[str, Any]] = json.loads(BSC_2023.read_text(encoding="utf-8"))["features"]
    return features


def _tiny(n: int, id_field: str = "FID") -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "properties": {id_field: i, "CTYUA23CD": f"E06{i:06d}"},
            "geometry": {"type": "Point", "coordinates": [0.0, 51.0]},
        }
        for i in range(1, n + 1)
    ]


def _codes(features: list[dict[str, Any]]) -> list[str]:
    return sorted(feature["properties"]["CTYUA23CD"] for feature in features)


def _read(path: Path) -> dict[str, Any]:
    collection: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return collection


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("flag_at_top_level", [False, True])
def test_downloads_every_page_of_the_real_layer(
    tmp_path: Path, bsc_features: list[dict[str, Any]], flag_at_top_level: bool
) -> None:
    progress: list[tuple[int, int | None]] = []
    fake = FakeArcGIS(bsc_features, flag_at_top_level=flag_at_top_level)
    with serve_arcgis(fake):
        dest = download_layer(
            fake.query_url,
            tmp_path / "ctyua.geojson",
            page_size=50,
            on_page=lambda done, total: progress.append((done, total)),
        )
    collection = _read(dest)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 218
    assert _codes(collection["features"]) == _codes(bsc_features)
    assert progress == [(50, 218), (100, 218), (150, 218), (200, 218), (218, 218)]
    pages = [request for request in fake.requests if "resultOffset" in request]
    assert [page["resultOffset"] for page in pages] == ["0", "50", "100", "150", "200"]
    assert {(page["outSR"], page["f"], page["orderByFields"]) for page in pages} == {
        ("4326", "geojson", "FID")
    }


def test_server_capped_below_page_size_still_pages_to_the_end(tmp_path: Path) -> None:
    fake = FakeArcGIS(_tiny(95), max_record_count=30)
    with serve_arcgis(fake):
        dest = download_layer(fake.query_url, tmp_path / "out.geojson", page_size=50)
    assert len(_read(dest)["features"]) == 95


def test_transient_failures_are_retried(tmp_path: Path) -> None:
    fake = FakeArcGIS(_tiny(7), fail_first=2, fail_status=503)
    with serve_arcgis(fake):
        dest = download_layer(fake.query_url, tmp_path / "out.geojson", page_size=5, backoff=0)
    assert len(_read(dest)["features"]) == 7
    assert len(fake.requests) == 2 + 1 + 1 + 2  # two failures, the layer, the count, two pages


def test_persistent_failure_gives_up_and_leaves_nothing(tmp_path: Path) -> None:
    fake = FakeArcGIS(_tiny(3), fail_first=100, fail_status=502)
    with serve_arcgis(fake), pytest.raises(DownloadError, match="HTTP 502") as caught:
        download_layer(fake.query_url, tmp_path / "out.geojson", retries=2, backoff=0)
    assert len(fake.requests) == 3
    assert "neetmap boundaries load" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_unreachable_portal(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/arcgis/rest/services/X/FeatureServer/0/query"
    with pytest.raises(DownloadError) as caught:
        download_layer(url, tmp_path / "out.geojson", retries=1, backoff=0, timeout=2)
    message = caught.value.message
    assert message.startswith("Could not reach the ONS Open Geography Portal (127.0.0.1:")
    assert "`neetmap boundaries load PATH`" in message
    assert not (tmp_path / "out.geojson").exists()


def test_arcgis_error_body_is_a_failure(tmp_path: Path) -> None:
    error = {"error": {"code": 400, "message": "Invalid or missing input parameters."}}
    fake = FakeArcGIS(_tiny(3), error_body=error)
    with serve_arcgis(fake), pytest.raises(DownloadError, match="Invalid or missing input"):
        download_layer(fake.query_url, tmp_path / "out.geojson", backoff=0)
    assert len(fake.requests) == 2  # the layer, then the refused query, not retried


@pytest.mark.parametrize("id_field", ["OBJECTID", "FID"])
def test_pages_are_ordered_by_the_layers_own_object_id(tmp_path: Path, id_field: str) -> None:
    fake = FakeArcGIS(_tiny(12, id_field), object_id_field=id_field)
    with serve_arcgis(fake):
        dest = download_layer(fake.query_url, tmp_path / "out.geojson", page_size=5, backoff=0)
    assert len(_read(dest)["features"]) == 12
    pages = [request for request in fake.requests if "resultOffset" in request]
    assert {page["orderByFields"] for page in pages} == {id_field}


def test_a_layer_without_object_id_pages_by_offset_alone(tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "properties": {"CTYUA23CD": f"E06{i:06d}"}, "geometry": None}
        for i in range(1, 8)
    ]
    fake = FakeArcGIS(features, object_id_field=None)
    with serve_arcgis(fake):
        dest = download_layer(fake.query_url, tmp_path / "out.geojson", page_size=3, backoff=0)
    assert _codes(_read(dest)["features"]) == _codes(features)
    assert all("orderByFields" not in request for request in fake.requests)


def test_object_id_field_from_layer_metadata() -> None:
    assert object_id_field({"objectIdField": "OBJECTID_1"}) == "OBJECTID_1"
    oid = {
        "fields": [
            {"name": "a", "type": "esriFieldTypeString"},
            {"name": "ID", "type": "esriFieldTypeOID"},
        ]
    }
    assert object_id_field(oid) == "ID"
    assert object_id_field({"fields": "nonsense"}) is None
    assert object_id_field({}) is None


def test_existing_file_is_replaced_only_on_success(tmp_path: Path) -> None:
    dest = tmp_path / "out.geojson"
    dest.write_text("previous", encoding="utf-8")
    fake = FakeArcGIS(_tiny(3), error_body={"error": {"code": 400, "message": "bad"}})
    with serve_arcgis(fake), pytest.raises(DownloadError):
        download_layer(fake.query_url, dest)
    assert dest.read_text(encoding="utf-8") == "previous"
    fake.error_body = None
    with serve_arcgis(fake):
        download_layer(fake.query_url, dest)
    assert len(_read(dest)["features"]) == 3
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.geojson"]


def test_layer_table_and_cache_path(tmp_path: Path) -> None:
    assert {"2021", "2022", "2023", "2024"} <= set(ONS_CTYUA_LAYERS)
    for url in ONS_CTYUA_LAYERS.values():
        assert url.startswith("https://services1.arcgis.com/")
        assert url.endswith("_BUC/FeatureServer/0/query")
    assert cache_path(tmp_path, "2023") == tmp_path / "ctyua_2023_buc.geojson"
    with pytest.raises(DownloadError, match="2019"):
        cache_path(tmp_path, "2019")
