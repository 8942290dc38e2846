"""A serving process carries no GDAL until it writes a GeoPackage.

geopandas, pandas and GDAL (through pyogrio) cost about 80 MB of RSS per process and are needed
only to read boundary files and to write GeoPackages; `neetmap serve` on a database whose
boundaries are loaded answers maps, tiles, imports (CSV and Excel) and the other exports
without them. The shared library is looked for in the real server's memory map, and the
GeoPackage export shows that the look would find it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.partner_keys import LEEDS, Keys, bearer, issue_keys
from tests.ops.served import start_server, wait_ready
from tests.workbook_files import xlsx

pytestmark = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")


@pytest.fixture
def keys(geo_client: TestClient, boundaries: Engine) -> Iterator[Keys]:
    yield from issue_keys(boundaries)


def _gdal_mapped(pid: int) -> bool:
    return "libgdal" in Path(f"/proc/{pid}/maps").read_text()


def test_gdal_is_loaded_only_by_a_geopackage_export(
    geo_client: TestClient, database_url: str, tmp_path: Path, keys: Keys
) -> None:
    process, base = start_server(database_url, tmp_path)
    try:
        wait_ready(base, process)
        with httpx.Client(base_url=base, timeout=60) as http:
            for path in (
                "/api/v1/areas?level=la",
                "/api/v1/interventions?format=geojson",
                "/ogc/tiles/WebMercatorQuad/6/31/20",
                "/api/v1/export?format=csv",
                "/api/v1/imports/template.xlsx",
            ):
                assert http.get(path).status_code in (200, 204), path
            for body, kind in (
                (f"name,la_codes\nA,{LEEDS}\nB,Nowhere\n".encode(), "text/csv"),
                (xlsx([["name", "la_codes"], ["A", LEEDS]]), "application/octet-stream"),
            ):
                checked = http.post(
                    "/api/v1/imports?dry_run=true",
                    content=body,
                    headers=bearer(keys.leeds, **{"Content-Type": kind}),
                )
                assert checked.status_code in (200, 422), checked.text[:300]
            assert not _gdal_mapped(process.pid)
            assert http.get("/api/v1/export?format=gpkg").status_code == 200
            assert _gdal_mapped(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
