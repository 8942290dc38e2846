"""Real OGC clients against a live server: GDAL's OAPIF driver (through pyogrio) and OWSLib.

GDAL runs in a child process: pyogrio holds the GIL while GDAL waits on HTTP, so a server
thread in the same process could never answer it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pyogrio
import pytest
from owslib.ogcapi.features import Features
from sqlalchemy import Engine

from api.main import create_app
from api.settings import Settings
from tests.api.ogc.conftest import BRADFORD, LEEDS
from tests.live_server import serve_app

_READ = """
import json, sys, pyogrio
df = pyogrio.read_dataframe("OAPIF:" + sys.argv[1], layer=sys.argv[2])
ids = df["id"].tolist() if "id" in df.columns else df.index.tolist()
print(json.dumps({"n": len(df), "columns": list(df.columns), "crs": df.crs.to_string(),
                  "ids": [str(i) for i in ids], "valid": bool(df.geometry.notna().all()),
                  "codes": df["code"].tolist() if "code" in df.columns else []}))
"""


def _gdal_read(url: str, layer: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _READ, url, layer],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_pyogrio_wheel_has_the_oapif_driver() -> None:
    assert "OAPIF" in pyogrio.list_drivers()


def test_gdal_reads_every_la_and_the_published_interventions(
    boundaries: Engine, settings: Settings, published: dict[str, int]
) -> None:
    with serve_app(create_app(settings)) as base:
        las = _gdal_read(f"{base}/ogc", "local-authorities")
        interventions = _gdal_read(f"{base}/ogc", "interventions")
        json_api = _all_ids(base)
    assert las["n"] == 153
    assert len(set(las["codes"])) == 153
    assert {LEEDS, BRADFORD} <= set(las["codes"])
    assert "intervention_count" in las["columns"]
    assert las["valid"]
    assert "4326" in las["crs"] or "CRS84" in las["crs"]
    assert sorted(interventions["ids"], key=int) == sorted(json_api, key=int)
    assert str(published["draft"]) not in interventions["ids"]


def _all_ids(base: str) -> list[str]:
    import httpx

    body = httpx.get(f"{base}/api/v1/interventions", params={"limit": 500}).json()
    return [str(item["id"]) for item in body["items"]]


def test_owslib_lists_collections_reads_items_in_a_bbox_and_queryables(
    boundaries: Engine, settings: Settings, published: dict[str, int]
) -> None:
    with serve_app(create_app(settings)) as base:
        service = Features(f"{base}/ogc")
        ids = [c["id"] for c in service.collections()["collections"]]
        around_leeds = service.collection_items(
            "local-authorities", bbox=[-1.6, 53.75, -1.5, 53.85], limit=50
        )
        queryables = service.collection_queryables("interventions")
        conformance = service.conformance()["conformsTo"]
    assert ids == ["local-authorities", "regions", "interventions"]
    assert [f["id"] for f in around_leeds["features"]] == [LEEDS]
    assert around_leeds["numberMatched"] == around_leeds["numberReturned"] == 1
    assert queryables["properties"]["target_group"]["type"] == "array"
    assert "send" in queryables["properties"]["target_group"]["items"]["enum"]
    assert any(c.endswith("/conf/filter") for c in conformance)


@pytest.mark.parametrize("lang", ["cql2-text", "cql2-json"])
def test_owslib_cql2_filter_matches_the_json_api(
    boundaries: Engine, settings: Settings, published: dict[str, int], lang: str
) -> None:
    text = "target_group IN ('send') AND S_INTERSECTS(geometry, POINT(-1.5491 53.8008))"
    as_json = {
        "op": "and",
        "args": [
            {"op": "in", "args": [{"property": "target_group"}, ["send"]]},
            {
                "op": "s_intersects",
                "args": [
                    {"property": "geometry"},
                    {"type": "Point", "coordinates": [-1.5491, 53.8008]},
                ],
            },
        ],
    }
    with serve_app(create_app(settings)) as base:
        service = Features(f"{base}/ogc")
        found = service.collection_items(
            "interventions",
            filter=text if lang == "cql2-text" else json.dumps(as_json),
            **{"filter-lang": lang},
        )
        import httpx

        listed = httpx.get(
            f"{base}/api/v1/interventions",
            params={"target_group": "send", "lat": 53.8008, "lon": -1.5491, "limit": 500},
        ).json()
    ogc_ids = sorted(f["id"] for f in found["features"])
    assert ogc_ids == sorted(item["id"] for item in listed["items"])
    assert published["leeds_send"] in ogc_ids
    assert published["west_yorkshire"] in ogc_ids
